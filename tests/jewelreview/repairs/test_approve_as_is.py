"""Approving a photo nobody repaired still gives it a final PNG: the AI cutout, rendered like any revision."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from django.core.files.storage import default_storage

from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, Revision
from jewelreview.repairs.services import AS_IS_RECIPE
from jewelreview.reviews.services import photo_approve

pytestmark = pytest.mark.django_db


def test_approving_an_unrepaired_photo_renders_the_ai_cutout(users, make_photo, django_capture_on_commit_callbacks):
    photo = make_photo(status="needs_review")
    with django_capture_on_commit_callbacks(execute=True):
        photo_approve(photo=photo, actor=users.reviewer)

    photo.refresh_from_db()
    revision = Revision.objects.get(photo=photo)
    assert photo.status == "approved" and photo.current_revision_id == revision.pk
    assert revision.recipe == AS_IS_RECIPE and revision.author_id == users.reviewer.pk
    render = Render.objects.get(revision=revision)
    assert render.state == "done"
    with default_storage.open(render.final.name) as stored:
        final = cv2.imdecode(np.frombuffer(stored.read(), np.uint8), cv2.IMREAD_UNCHANGED)
    with default_storage.open(photo.ai_mask.name) as stored:
        mask = cv2.imdecode(np.frombuffer(stored.read(), np.uint8), cv2.IMREAD_UNCHANGED)
    assert final.shape == (photo.height, photo.width, 4)
    np.testing.assert_array_equal(final[..., 3], mask)  # the final's alpha is the AI mask, untouched
    event = photo.events.get(action="approve")
    assert event.data["revision"] == revision.pk


def test_approving_a_repaired_photo_keeps_its_revision(users, make_photo, recipe):
    photo = make_photo(status="needs_review")
    revision = Revision.objects.create(photo=photo, number=1, author=users.retoucher, recipe=recipe, recipe_sha256="x")
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    photo.refresh_from_db()

    photo_approve(photo=photo, actor=users.reviewer)

    photo.refresh_from_db()
    assert photo.current_revision_id == revision.pk and Revision.objects.filter(photo=photo).count() == 1
    assert "revision" not in photo.events.get(action="approve").data


def test_a_refused_approval_creates_no_revision(users, make_photo):
    from jewelreview.errors import Conflict

    photo = make_photo(status="flagged")
    with pytest.raises(Conflict):
        photo_approve(photo=photo, actor=users.reviewer)
    assert not Revision.objects.filter(photo=photo).exists()


def test_the_as_is_render_reuses_the_cutout_pyramid_and_its_tile_routes_serve_it(
    users, make_photo, django_capture_on_commit_callbacks, monkeypatch
):
    from rest_framework.test import APIClient

    from jewelreview import stored_files
    from jewelreview.repairs import rendering

    photo = make_photo(status="needs_review")
    prefix = f"photos/{photo.pk}/run1"
    cutout = stored_files.save_new(f"{prefix}/cutout.dzi", b"<Image Format='png'/>")
    stored_files.save_new(f"{prefix}/cutout_files/3/1_2.png", b"\x89PNGcutout-tile")
    Photo.objects.filter(pk=photo.pk).update(tiles_cutout=cutout)
    photo.refresh_from_db()

    def no_second_pyramid(**kwargs):
        raise AssertionError("the as-is render must not build a pyramid")

    monkeypatch.setattr(rendering, "pyramid_store", no_second_pyramid)
    with django_capture_on_commit_callbacks(execute=True):
        photo_approve(photo=photo, actor=users.reviewer)

    render = Render.objects.get(revision__photo=photo)
    assert render.state == "done", render.error
    assert render.tiles.name == cutout
    client = APIClient()
    client.force_authenticate(users.reviewer)
    descriptor = client.get(f"/api/photos/{photo.pk}/tiles/r1.dzi")
    assert descriptor.status_code == 200 and _body(descriptor) == b"<Image Format='png'/>"
    tile = client.get(f"/api/photos/{photo.pk}/tiles/r1_files/3/1_2.png")
    assert tile.status_code == 200 and _body(tile) == b"\x89PNGcutout-tile"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_repaired_render_still_gets_its_own_pyramid(users, make_photo, recipe, monkeypatch):
    from core.recipe import Recipe

    from jewelreview.repairs import rendering

    photo = make_photo(status="needs_review")
    Photo.objects.filter(pk=photo.pk).update(tiles_cutout="photos/x/cutout.dzi")
    photo.refresh_from_db()
    assert rendering.reuses_cutout_tiles(Recipe.from_dict(AS_IS_RECIPE), photo)
    assert not rendering.reuses_cutout_tiles(Recipe.from_dict(recipe), photo)
    Photo.objects.filter(pk=photo.pk).update(tiles_cutout="")
    photo.refresh_from_db()
    assert not rendering.reuses_cutout_tiles(Recipe.from_dict(AS_IS_RECIPE), photo)  # not prepared: build one
