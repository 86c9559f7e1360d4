"""Every endpoint x every role: anonymous 401, a role that may not 403, a role that may 2xx.

Each case builds the state its action needs for the acting user (a photo in the right status,
a claim held by them, a failed render...), so an allowed role gets the success answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jewelreview.reviews.models import Flag

from .conftest import ROLES

pytestmark = pytest.mark.django_db

ALL = frozenset({"reviewer", "retoucher", "manager"})
REVIEW = frozenset({"reviewer", "manager"})
REPAIR = frozenset({"retoucher", "manager"})
MANAGER = frozenset({"manager"})
SIGNED_IN = ALL | {"nobody"}


@dataclass(frozen=True)
class Case:
    method: str
    path: Callable[[SimpleNamespace], str]
    allowed: frozenset[str]
    ok: int = 200
    setup: Callable[[SimpleNamespace, object], SimpleNamespace] = lambda deps, actor: photo_ctx(deps, actor)
    body: Callable[[SimpleNamespace], dict] = field(default=lambda ctx: {})
    multipart: bool = False
    anonymous: int = 401


def photo_ctx(deps, actor, **photo_kwargs):
    return SimpleNamespace(photo=deps.make_photo(**photo_kwargs))


def tiles_ctx(deps, actor):
    return SimpleNamespace(photo=deps.scenes.with_tiles(deps.make_photo()))


def render_ctx(deps, actor, *, failed=False):
    photo = deps.make_photo(status="in_repair", assignee=deps.users.retoucher)
    builder = deps.scenes.failed_render if failed else deps.scenes.done_render
    return SimpleNamespace(photo=photo, render=builder(photo, deps.users.retoucher))


def submit_ctx(deps, actor):
    photo = deps.make_photo(status="in_repair", assignee=actor)
    deps.scenes.revision(photo, deps.users.manager)
    return SimpleNamespace(photo=photo)


def flag_ctx(deps, actor):
    photo = deps.make_photo(status="flagged")
    return SimpleNamespace(
        photo=photo, flag=Flag.objects.create(photo=photo, reason="halo", created_by=deps.users.reviewer)
    )


def upload_body(ctx):
    images = ctx.images
    return {
        "batch": "matrix",
        "files": [
            SimpleUploadedFile("MATRIX_front.jpg", images.jpeg(40, 30, seed=99)),
            SimpleUploadedFile("MATRIX_front_cutout.png", images.cutout(40, 30)),
        ],
    }


def upload_ctx(deps, actor):
    return SimpleNamespace(images=deps.images)


def autofix_ctx(deps, actor):
    return SimpleNamespace(photo=deps.scene_photo())


def photo_url(suffix=""):
    return lambda ctx: f"/api/photos/{ctx.photo.pk}/{suffix}"


CASES: dict[str, Case] = {
    "me": Case("get", lambda ctx: "/api/me/", SIGNED_IN),
    "token revoke": Case("delete", lambda ctx: "/api/auth/token/", SIGNED_IN, ok=204),
    "token create": Case(
        "post",
        lambda ctx: "/api/auth/token/",
        ALL,
        anonymous=400,
        setup=lambda deps, actor: SimpleNamespace(username=getattr(actor, "username", "ghost")),
        body=lambda ctx: {"username": ctx.username, "password": "pw"},
    ),
    "batches": Case("get", lambda ctx: "/api/batches/", ALL),
    "skus": Case("get", lambda ctx: "/api/skus/", ALL),
    "photos": Case("get", lambda ctx: "/api/photos/?page_size=5", ALL),
    "photo": Case("get", photo_url(), ALL),
    "original": Case("get", photo_url("files/original"), ALL),
    "ai mask": Case("get", photo_url("files/ai_mask"), ALL),
    "preview": Case("get", photo_url("files/preview_cutout"), ALL, setup=tiles_ctx),
    "dzi": Case("get", photo_url("tiles/original.dzi"), ALL, setup=tiles_ctx),
    "tile": Case("get", photo_url("tiles/cutout_files/3/1_2.png"), ALL, setup=tiles_ctx),
    "final.png": Case("get", photo_url("final.png"), ALL, setup=render_ctx),
    "thumbnail": Case("get", photo_url("thumb.webp"), ALL, setup=render_ctx),
    "events": Case("get", photo_url("events/"), ALL),
    "flags": Case("get", photo_url("flags/"), ALL),
    "revisions": Case("get", photo_url("revisions/"), ALL, setup=render_ctx),
    "approve": Case("post", photo_url("approve/"), REVIEW),
    "flag": Case("post", photo_url("flag/"), REVIEW, body=lambda ctx: {"reason": "halo", "pins": [{"x": 3, "y": 4}]}),
    "claim": Case(
        "post", photo_url("claim/"), REPAIR, setup=lambda deps, actor: photo_ctx(deps, actor, status="flagged")
    ),
    "release": Case(
        "post",
        photo_url("release/"),
        REPAIR,
        setup=lambda deps, actor: photo_ctx(deps, actor, status="in_repair", assignee=actor),
    ),
    "submit": Case("post", photo_url("submit/"), REPAIR, setup=submit_ctx),
    "reopen": Case(
        "post", photo_url("reopen/"), MANAGER, setup=lambda deps, actor: photo_ctx(deps, actor, status="approved")
    ),
    "reshoot": Case("post", photo_url("reshoot/"), MANAGER),
    "assign": Case("post", photo_url("assign/"), MANAGER, body=lambda ctx: {"user": "tom"}),
    "resolve flag": Case("post", lambda ctx: f"/api/flags/{ctx.flag.pk}/resolve/", REVIEW, setup=flag_ctx),
    "save revision": Case(
        "post",
        photo_url("revisions/"),
        REPAIR,
        ok=201,
        setup=lambda deps, actor: photo_ctx(deps, actor, status="in_repair", assignee=actor),
        body=lambda ctx: {"recipe": {"version": 1, "ops": []}, "base_revision": None},
    ),
    "render": Case("get", lambda ctx: f"/api/renders/{ctx.render.pk}/", ALL, setup=render_ctx),
    "render final": Case("get", lambda ctx: f"/api/renders/{ctx.render.pk}/final.png", ALL, setup=render_ctx),
    "render preview": Case("get", lambda ctx: f"/api/renders/{ctx.render.pk}/preview.png", ALL, setup=render_ctx),
    "render retry": Case(
        "post",
        lambda ctx: f"/api/renders/{ctx.render.pk}/retry/",
        REPAIR,
        setup=lambda deps, actor: render_ctx(deps, actor, failed=True),
    ),
    "upload": Case("post", lambda ctx: "/api/uploads/", MANAGER, setup=upload_ctx, body=upload_body, multipart=True),
    "status.csv": Case("get", lambda ctx: "/api/exports/status.csv", MANAGER),
    "approved.zip": Case("get", lambda ctx: "/api/exports/approved.zip", MANAGER),
    "queue next": Case("post", lambda ctx: "/api/queue/next/", REVIEW),
    "queue renew": Case("post", lambda ctx: "/api/queue/renew/", REVIEW, body=lambda ctx: {"photos": [ctx.photo.pk]}),
    "queue release": Case(
        "post", lambda ctx: "/api/queue/release/", REVIEW,
        body=lambda ctx: {"leases": [{"photo": ctx.photo.pk, "lease_until": "2026-11-30T15:00:00Z"}]}
    ),
    "autofix": Case("post", photo_url("autofix/"), REVIEW, ok=201, setup=autofix_ctx),
    "crop preview": Case(
        "post",
        photo_url("preview/"),
        REPAIR,
        body=lambda ctx: {
            "recipe": {"version": 1, "ops": []},
            "rect": {"x0": 0, "y0": 0, "x1": 8, "y1": 8},
            "scale": 1,
        },
    ),
    "channels": Case("post", photo_url("channels/"), REPAIR, body=lambda ctx: {"region": "M 0 0 H 8 V 8 H 0 Z"}),
    "draft": Case("delete", photo_url("draft/"), REPAIR, ok=204),
    "batch autofix": Case(
        "post",
        lambda ctx: f"/api/batches/{ctx.photo.batch_id}/autofix/",
        MANAGER,
        ok=202,
        body=lambda ctx: {"min_risk": 0.5},
    ),
}


def test_every_routed_endpoint_is_in_the_matrix():
    from jewelreview.api import urls

    # The schema and docs need any signed-in user, whatever the role: test_schema_and_errors.py.
    routes = {str(p.pattern) for p in urls.urlpatterns} - {"schema/", "docs/", r"^[\s\S]*$"}
    covered = {
        "me/",
        "auth/token/",
        "batches/",
        "batches/<int:batch_id>/autofix/",
        "skus/",
        "photos/",
        "photos/<int:photo_id>/",
        "photos/<int:photo_id>/files/<str:kind>",
        "photos/<int:photo_id>/tiles/<str:pyramid>.dzi",
        "photos/<int:photo_id>/tiles/<str:pyramid>_files/<int:level>/<int:col>_<int:row>.<str:fmt>",
        "photos/<int:photo_id>/final.png",
        "photos/<int:photo_id>/thumb.webp",
        "photos/<int:photo_id>/events/",
        "photos/<int:photo_id>/flags/",
        "photos/<int:photo_id>/revisions/",
        "photos/<int:photo_id>/autofix/",
        "photos/<int:photo_id>/preview/",
        "photos/<int:photo_id>/channels/",
        "photos/<int:photo_id>/draft/",
        "flags/<int:flag_id>/resolve/",
        "renders/<int:render_id>/",
        "renders/<int:render_id>/final.png",
        "renders/<int:render_id>/preview.png",
        "renders/<int:render_id>/retry/",
        "uploads/",
        "exports/status.csv",
        "exports/approved.zip",
        "queue/next/",
        "queue/renew/",
        "queue/release/",
        *[
            f"photos/<int:photo_id>/{action}/"
            for action in ("approve", "flag", "claim", "release", "submit", "reopen", "reshoot", "assign")
        ],
    }
    assert routes == covered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_role_matrix(name, role, api, users, user_of, make_photo, scene_photo, scenes, images):
    case = CASES[name]
    actor = user_of[role]
    deps = SimpleNamespace(make_photo=make_photo, scene_photo=scene_photo, scenes=scenes, users=users, images=images)
    ctx = case.setup(deps, actor)
    client = getattr(api, role)
    send = getattr(client, case.method)
    kwargs = {"format": "multipart"} if case.multipart else {"format": "json"}
    response = send(case.path(ctx), case.body(ctx), **kwargs) if case.method in ("post",) else send(case.path(ctx))
    if role == "anonymous":
        expected = case.anonymous
    else:
        expected = case.ok if role in case.allowed else 403
    assert response.status_code == expected, (name, role, getattr(response, "data", None))
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"
    if expected == 403:
        body = response.json()
        assert body["code"] == "role_not_allowed" and body["message"].startswith(f"Your role ({role}) may not")
        # Every role-restricted endpoint names who may (as this matrix says) and who you are.
        assert set(body["details"]["allowed_roles"]) == case.allowed & ALL, (name, body)
        assert body["details"]["your_roles"] == [role]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "nobody" not in c.allowed and c.anonymous == 401])
def test_a_user_without_a_role_is_refused_everywhere(name, api, users, make_photo, scene_photo, scenes, images):
    case = CASES[name]
    deps = SimpleNamespace(make_photo=make_photo, scene_photo=scene_photo, scenes=scenes, users=users, images=images)
    ctx = case.setup(deps, users.nobody)
    send = getattr(api.nobody, case.method)
    kwargs = {"format": "multipart"} if case.multipart else {"format": "json"}
    response = send(case.path(ctx), case.body(ctx), **kwargs) if case.method == "post" else send(case.path(ctx))
    assert response.status_code == 403, response.content[:200]
    assert response.json()["message"].startswith("A user without a role may not")
