"""Every page route x every role: anonymous -> the login page, a role that may not -> 403, one that may -> its answer.

The route list comes from the URL resolver (everything outside ``/api/``, which
``tests/jewelreview/api/test_role_matrix.py`` covers), so a new page that is not in ``CASES``
fails ``test_every_page_route_is_in_the_matrix`` until someone says who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reviewer", "retoucher", "manager", "nobody")
SIGNED_IN = frozenset({"reviewer", "retoucher", "manager", "nobody"})
ALL = frozenset({"reviewer", "retoucher", "manager"})
REVIEW = frozenset({"reviewer", "manager"})
REPAIR = frozenset({"retoucher", "manager"})
MANAGER = frozenset({"manager"})


@dataclass(frozen=True)
class Page:
    method: str
    path: Callable[[SimpleNamespace], str]
    allowed: frozenset[str]
    ok: int = 200
    setup: Callable[[SimpleNamespace, object], SimpleNamespace] = lambda deps, actor: SimpleNamespace()
    anonymous: str = "login"  # "login": a redirect to /login/?next=...; or a status code
    data: Callable[[SimpleNamespace], dict] = lambda ctx: {}


def photo_ctx(deps, actor, **kwargs):
    return SimpleNamespace(photo=deps.make_photo(**kwargs))


# Keyed by the route as the resolver spells it (prefix of the include + the pattern).
CASES: dict[str, Page] = {
    "": Page("get", lambda ctx: "/", SIGNED_IN, ok=302),
    "home/": Page("get", lambda ctx: "/home/", SIGNED_IN),
    # Signed-in people are sent on from the login page (redirect_authenticated_user).
    "login/": Page("get", lambda ctx: "/login/", frozenset(), anonymous=200),
    "logout/": Page("post", lambda ctx: "/logout/", SIGNED_IN, ok=302, anonymous=302),
    "uploads/": Page("get", lambda ctx: "/uploads/", MANAGER),
    "queue/": Page("get", lambda ctx: "/queue/", REVIEW),
    "queue/next/": Page("post", lambda ctx: "/queue/next/", REVIEW, ok=302, setup=photo_ctx),
    "photos/<int:photo_id>/review/": Page(
        "get", lambda ctx: f"/photos/{ctx.photo.pk}/review/", REVIEW, setup=photo_ctx
    ),
    "photos/<int:photo_id>/edit/": Page("get", lambda ctx: f"/photos/{ctx.photo.pk}/edit/", REPAIR, setup=photo_ctx),
    "grid/": Page("get", lambda ctx: "/grid/", ALL),
    "retouch/": Page("get", lambda ctx: "/retouch/", REPAIR),
    "retouch/<int:photo_id>/<str:action>/": Page(
        "post",
        lambda ctx: f"/retouch/{ctx.photo.pk}/claim/",
        REPAIR,
        ok=302,
        setup=lambda deps, actor: photo_ctx(deps, actor, status="flagged"),
    ),
    "dashboard/": Page("get", lambda ctx: "/dashboard/", MANAGER),
    "dashboard/photos/": Page("get", lambda ctx: "/dashboard/photos/", MANAGER),
    "dashboard/autofix/": Page(
        "post",
        lambda ctx: "/dashboard/autofix/",
        MANAGER,
        ok=302,
        setup=photo_ctx,
        data=lambda ctx: {"batch": ctx.photo.batch_id, "min_risk": 0.5},
    ),
    "healthz": Page("get", lambda ctx: "/healthz", SIGNED_IN, anonymous=200),
    # The site's icon, for pages that name none (the admin's): anyone.
    "favicon.ico": Page("get", lambda ctx: "/favicon.ico", SIGNED_IN, ok=302, anonymous=302),
}
# The admin is Django's: it checks is_staff itself (sending everyone else to its own login page).
ADMIN_PREFIX = "admin/"
API_PREFIX = "api/"


def page_routes() -> set[str]:
    """Every routed pattern outside the API and the admin, spelled prefix + pattern."""

    def walk(patterns, prefix: str):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route in (ADMIN_PREFIX, API_PREFIX):
                    continue
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    return set(walk(get_resolver().url_patterns, ""))


def test_every_page_route_is_in_the_matrix():
    assert page_routes() == set(CASES)


def test_the_resolver_still_mounts_the_api_and_the_admin():
    prefixes = {str(entry.pattern) for entry in get_resolver().url_patterns if isinstance(entry, URLResolver)}
    assert {ADMIN_PREFIX, API_PREFIX} <= prefixes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(CASES))
def test_page_matrix(route, role, session_clients, users, make_photo):
    page = CASES[route]
    actor = None if role == "anonymous" else getattr(users, role)
    ctx = page.setup(SimpleNamespace(make_photo=make_photo, users=users), actor)
    path = page.path(ctx)
    response = getattr(session_clients[role], page.method)(path, page.data(ctx))

    if role == "anonymous":
        if page.anonymous == "login":
            assert response.status_code == 302, (route, response.status_code)
            assert response.url.startswith("/login/?next="), response.url
        else:
            assert response.status_code == page.anonymous, (route, response.status_code)
        return
    if route == "login/":
        assert response.status_code == 302  # already signed in: sent on to the start page
        return
    expected = page.ok if role in page.allowed else 403
    assert response.status_code == expected, (route, role, response.status_code, response.content[:300])
    if expected == 403:
        assert b"403" in response.content or b"may" in response.content


@pytest.mark.parametrize("role", ["reviewer", "retoucher", "nobody"])
def test_the_admin_lets_only_staff_in(role, session_clients):
    response = session_clients[role].get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_admin_sends_anonymous_visitors_to_its_login(session_clients):
    response = session_clients["anonymous"].get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
