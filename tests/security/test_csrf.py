"""CSRF: every session-authenticated write, API and page, is refused without the token.

The routes come from the URL resolver and the methods from each view, so a new endpoint or form is
covered without being listed. A manager (who may do everything) sends each write; nothing about
the request is valid except that it lacks the CSRF token, which must be what stops it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
# POST /api/auth/token/ authenticates nobody (it takes a username and password and returns a token
# in the body; no cookie is set), so there is no session to ride: it runs without authenticators.
SESSIONLESS = {("api/auth/token/", "post")}
CATCH_ALL = r"api/^[\s\S]*$"


def routes():
    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route != "admin/":  # Django's own admin, its CSRF is Django's
                    yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, entry

    return list(walk(get_resolver().url_patterns, ""))


def concrete(route: str, photo_id: int) -> str:
    """A URL for ``route``: ids filled in (a real photo for photo ids), strings as harmless words."""
    url = re.sub(r"<int:photo_id>", str(photo_id), route)
    url = re.sub(r"<int:[a-z_]+>", "1", url)
    url = re.sub(r"<str:([a-z_]+)>", lambda m: {"action": "claim", "fmt": "png"}.get(m.group(1), "original"), url)
    return "/" + url


def api_writes():
    for route, entry in routes():
        if not route.startswith("api/") or route == CATCH_ALL:
            continue
        view_class = getattr(entry.callback, "view_class", None)
        for method in UNSAFE:
            if view_class is not None and hasattr(view_class, method) and (route, method) not in SESSIONLESS:
                yield route, method


def page_routes():
    return [route for route, _ in routes() if not route.startswith("api/")]


def test_there_are_api_writes_to_check():
    writes = set(api_writes())
    assert ("api/photos/<int:photo_id>/approve/", "post") in writes
    assert ("api/auth/token/", "delete") in writes
    assert ("api/uploads/", "post") in writes


@pytest.mark.parametrize(("route", "method"), sorted(api_writes()))
def test_api_session_writes_need_the_csrf_token(route, method, users, make_photo):
    from jewelreview.reviews.models import Event

    photo = make_photo(status="needs_review")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    events = Event.objects.count()

    response = getattr(client, method)(concrete(route, photo.pk), "{}", content_type="application/json")

    assert response.status_code == 403, (route, method, response.status_code, response.content[:200])
    assert response.json()["code"] == "csrf_failed"
    assert Event.objects.count() == events
    photo.refresh_from_db()
    assert photo.status == "needs_review"


def test_api_writes_with_the_token_get_past_csrf(users, make_photo):
    photo = make_photo(status="needs_review")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    client.get("/api/me/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/photos/{photo.pk}/approve/", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


@pytest.mark.parametrize("route", sorted(page_routes()))
def test_page_forms_need_the_csrf_token(route, users, make_photo):
    """Where a page takes a POST at all (not 405), a POST without the token is 403 and changes nothing."""
    from jewelreview.reviews.models import Event

    photo = make_photo(status="flagged")
    url = concrete(route, photo.pk)
    lax = Client()
    lax.force_login(users.manager)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users.manager)
    if route == "login/":
        strict, lax = Client(enforce_csrf_checks=True), Client()
    events = Event.objects.count()

    refused = strict.post(url, {"username": "mona", "password": "pw", "photo": [photo.pk]})

    if refused.status_code == 405:
        assert lax.post(url, {}).status_code == 405  # the page takes no POST at all
        return
    assert refused.status_code == 403, (route, refused.status_code)
    assert b"CSRF" in refused.content
    assert Event.objects.count() == events
    photo.refresh_from_db()
    assert photo.status == "flagged" and photo.assignee_id is None
