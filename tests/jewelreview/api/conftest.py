"""API fixtures: clients per role (token auth), and photos with revisions, renders and tiles in storage."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.repairs.services import render_complete, render_fail

ROLES = ("anonymous", "reviewer", "retoucher", "manager")


@pytest.fixture
def user_of(users):
    return {"anonymous": None, "reviewer": users.reviewer, "retoucher": users.retoucher, "manager": users.manager}


@pytest.fixture
def scenes(make_photo, images, recipe):
    """Builders that put a photo into a given shape (storage files included)."""

    def revision(photo, author, *, recipe_dict=None) -> Revision:
        number = photo.revisions.count() + 1
        made = Revision.objects.create(
            photo=photo, number=number, author=author, recipe=recipe_dict or recipe, recipe_sha256="0" * 64
        )
        Photo.objects.filter(pk=photo.pk).update(current_revision=made)
        photo.refresh_from_db()
        return made

    def done_render(photo, author) -> Render:
        made = revision(photo, author)
        render = Render.objects.create(revision=made, state=RenderState.QUEUED)
        png = images.cutout(photo.width, photo.height)
        sha = hashlib.sha256(png).hexdigest()
        final = stored_files.save_new(f"renders/{photo.pk}/r{made.number}-{sha[:16]}.png", png)
        preview = stored_files.save_new(
            f"renders/{photo.pk}/r{made.number}-{sha[:16]}.webp", b"RIFF\x00\x00\x00\x00WEBP"
        )
        return render_complete(
            render_id=render.pk,
            final=final,
            preview=preview,
            checksum=sha,
            final_bytes=len(png),
            timings={"render_ms": 1.5, "total_ms": 2.0},
        )

    def failed_render(photo, author) -> Render:
        made = revision(photo, author)
        render = Render.objects.create(revision=made, state=RenderState.QUEUED)
        return render_fail(render_id=render.pk, error="core: out of memory", timings={"total_ms": 3.0})

    def with_tiles(photo) -> Photo:
        prefix = f"photos/{photo.pk}/run1"
        names = {
            "preview_original": stored_files.save_new(f"{prefix}/preview_original.webp", b"RIFF-original-WEBP"),
            "preview_cutout": stored_files.save_new(f"{prefix}/preview_cutout.webp", b"RIFF-cutout-WEBP"),
            "tiles_original": stored_files.save_new(f"{prefix}/original.dzi", b"<Image Format='jpeg'/>"),
            "tiles_cutout": stored_files.save_new(f"{prefix}/cutout.dzi", b"<Image Format='png'/>"),
        }
        stored_files.save_new(f"{prefix}/original_files/0/0_0.jpeg", b"\xff\xd8tile-jpeg")
        stored_files.save_new(f"{prefix}/cutout_files/3/1_2.png", b"\x89PNGtile")
        Photo.objects.filter(pk=photo.pk).update(**names)
        photo.refresh_from_db()
        return photo

    return SimpleNamespace(
        revision=revision, done_render=done_render, failed_render=failed_render, with_tiles=with_tiles
    )
