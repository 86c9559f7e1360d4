"""The review screen's reads: result layers (AI cutout, renders with their pyramids), the current one,
the flagged one to compare with, detections; and the render task storing each render's pyramid."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import cv2
import numpy as np
import pytest
from django.utils import timezone

from jewelreview import stored_files
from jewelreview.catalog.detections import detections_parse
from jewelreview.catalog.models import Photo
from jewelreview.catalog.selectors import photo_get, photo_tile_name
from jewelreview.errors import InvalidInput, NotFound
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.repairs.services import render_complete, revision_create
from jewelreview.repairs.tasks import render_revision
from jewelreview.reviews.models import Flag
from jewelreview.reviews.review_selectors import lease_holder, review_screen

pytestmark = pytest.mark.django_db


def _with_cutout_tiles(photo):
    Photo.objects.filter(pk=photo.pk).update(tiles_original="p/original.dzi", tiles_cutout="p/cutout.dzi")
    return photo_get(photo_id=photo.pk)


def _revision(photo, user, number, *, render_state=None, tiles=""):
    revision = Revision.objects.create(photo=photo, number=number, author=user, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    if render_state is not None:
        Render.objects.create(
            revision=revision, state=render_state, tiles=tiles, final=f"r/{number}.png", finished_at=timezone.now()
        )
    return revision


def test_a_photo_without_revisions_is_reviewed_on_its_ai_cutout(make_photo):
    photo = _with_cutout_tiles(make_photo())
    screen = review_screen(photo=photo)
    assert [(layer.key, layer.label, layer.has_tiles) for layer in screen.layers] == [("cutout", "AI cutout", True)]
    assert (screen.current_key, screen.current_note, screen.flagged_key) == ("cutout", "", None)


def test_a_photo_still_being_prepared_has_nothing_to_show(make_photo):
    screen = review_screen(photo=photo_get(photo_id=make_photo().pk))
    assert screen.layers == [] and screen.current_key is None
    assert screen.current_note == "The previews and tiles are still being made."


def test_a_photo_whose_previews_failed_says_why_instead_of_still_being_made(make_photo):
    photo = make_photo()
    photo.prepare_error = "truncated JPEG: the file ends early"
    photo.save()
    screen = review_screen(photo=photo_get(photo_id=photo.pk))
    assert screen.current_key is None
    said = "The previews could not be made: truncated JPEG: the file ends early"
    assert screen.current_note == said


def test_the_current_revisions_render_is_reviewed_and_the_flagged_result_is_offered(make_photo, users):
    photo = _with_cutout_tiles(make_photo())
    Flag.objects.create(photo=photo, revision=None, reason="halo", created_by=users.reviewer)  # on the AI cutout
    first = _revision(photo, users.retoucher, 1, render_state=RenderState.DONE, tiles="r/1/result.dzi")
    Flag.objects.create(photo=photo, revision=first, reason="clipped_prong", created_by=users.reviewer)
    _revision(photo, users.retoucher, 2, render_state=RenderState.DONE, tiles="r/2/result.dzi")
    screen = review_screen(photo=photo_get(photo_id=photo.pk))
    assert [layer.key for layer in screen.layers] == ["cutout", "r1", "r2"]
    assert screen.current_key == "r2" and screen.current_note == ""
    assert screen.flagged_key == "r1"  # the newest flag's revision: what changed since then
    assert [flag.reason for flag in screen.flags] == ["clipped_prong", "halo"]


def test_a_render_made_before_pyramids_is_shown_from_its_final_png(make_photo, users):
    photo = _with_cutout_tiles(make_photo())
    _revision(photo, users.retoucher, 1, render_state=RenderState.DONE, tiles="")
    layer = review_screen(photo=photo_get(photo_id=photo.pk)).layers[1]
    assert (layer.key, layer.has_tiles) == ("r1", False)
    assert layer.render_id == Render.objects.get().pk


@pytest.mark.parametrize("state", [RenderState.QUEUED, RenderState.FAILED])
def test_an_unrendered_current_revision_is_said_so_and_the_newest_result_shown(make_photo, users, state):
    photo = _with_cutout_tiles(make_photo())
    _revision(photo, users.retoucher, 1, render_state=RenderState.DONE, tiles="r/1/result.dzi")
    _revision(photo, users.retoucher, 2, render_state=state)
    screen = review_screen(photo=photo_get(photo_id=photo.pk))
    assert screen.current_key == "r1"
    assert screen.current_note == f"Revision 2 is not rendered yet ({state}): showing Revision 1."


def test_detections_are_read_most_confident_first(make_photo):
    photo = make_photo(width=100, height=80)
    Photo.objects.filter(pk=photo.pk).update(
        detections=[
            {"box": {"x0": 1, "y0": 2, "x1": 10, "y1": 20}, "kind": "halo", "confidence": 0.4},
            {"box": {"x0": 50, "y0": 10, "x1": 100, "y1": 80}, "kind": "clipped_prong", "confidence": 0.9},
        ]
    )
    screen = review_screen(photo=photo_get(photo_id=photo.pk))
    assert [(d.kind, d.confidence) for d in screen.detections] == [("clipped_prong", 0.9), ("halo", 0.4)]
    assert screen.detections[0].as_dict() == {
        "box": {"x0": 50.0, "y0": 10.0, "x1": 100.0, "y1": 80.0},
        "kind": "clipped_prong",
        "confidence": 0.9,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("halo", "detections: detections must be a list"),
        ([{"box": {"x0": 0, "y0": 0, "x1": 5, "y1": 5}, "kind": "halo"}], "exactly box, kind and confidence"),
        ([{"box": {"x0": 0, "y0": 0, "x1": 500, "y1": 5}, "kind": "h", "confidence": 1}], "x1 = 500 is outside 0..100"),
        ([{"box": {"x0": 9, "y0": 0, "x1": 5, "y1": 5}, "kind": "h", "confidence": 1}], "x1 > x0"),
        ([{"box": {"x0": 0, "y0": 0, "x1": 5, "y1": 5}, "kind": "h", "confidence": 1.5}], "confidence = 1.5"),
        ([{"box": {"x0": 0, "y0": 0, "x1": 5, "y1": 5}, "kind": "", "confidence": 1}], "kind must be a word"),
        ([{"box": [0, 0, 5, 5], "kind": "h", "confidence": 1}], "box must have exactly x0, y0, x1, y1"),
    ],
)
def test_malformed_detections_are_refused_naming_the_entry(raw, message):
    with pytest.raises(InvalidInput) as refused:
        detections_parse(raw, width=100, height=80)
    assert message in refused.value.message and refused.value.code == "invalid_detections"


def test_lease_holder_is_none_once_the_lease_lapsed(make_photo, users):
    photo = make_photo()
    now = timezone.now()
    Photo.objects.filter(pk=photo.pk).update(review_holder=users.reviewer, review_lease_until=now)
    fresh = photo_get(photo_id=photo.pk)
    assert lease_holder(photo=fresh, now=now - timedelta(seconds=1)) == ("rita", now)
    assert lease_holder(photo=fresh, now=now) == (None, None)


# --- the pyramid of each render --------------------------------------------------------------------


def test_revision_pyramids_resolve_to_the_newest_finished_render_with_tiles(make_photo, users):
    photo = make_photo()
    revision = _revision(photo, users.retoucher, 3)
    Render.objects.create(revision=revision, state=RenderState.FAILED)
    with pytest.raises(NotFound) as missing:
        photo_tile_name(photo=photo, pyramid="r3")
    assert missing.value.code == "file_not_ready" and "Revision 3" in missing.value.message
    Render.objects.create(
        revision=revision, state=RenderState.DONE, tiles="renders/x/result.dzi", finished_at=timezone.now()
    )
    assert photo_tile_name(photo=photo, pyramid="r3") == "renders/x/result.dzi"
    assert photo_tile_name(photo=photo, pyramid="r3", level=4, col=1, row=0, fmt="png") == (
        "renders/x/result_files/4/1_0.png"
    )
    for bad in ("r0", "r", "r3x", "R3", "r03"):
        with pytest.raises(NotFound):
            photo_tile_name(photo=photo, pyramid=bad)


def test_another_photos_revision_is_not_reachable(make_photo, users):
    mine, theirs = make_photo(), make_photo()
    revision = _revision(theirs, users.retoucher, 1)
    Render.objects.create(revision=revision, state=RenderState.DONE, tiles="t.dzi", finished_at=timezone.now())
    with pytest.raises(NotFound):
        photo_tile_name(photo=mine, pyramid="r1")


@pytest.mark.usefixtures("core_render")
def test_the_render_task_stores_a_pyramid_of_the_result(make_photo, users, recipe, client):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    render_revision.call(render_id=render.pk)
    render.refresh_from_db()
    assert render.tiles.name.startswith(f"renders/{photo.pk}/r1-{render.checksum[:16]}-tiles-")
    assert render.tiles.name.endswith("/result.dzi")
    descriptor = stored_files.read_bytes(render.tiles.name).decode()
    assert 'Format="png"' in descriptor and 'Width="64" Height="48"' in descriptor
    # The top level (6: 64 px wide) is one tile; its alpha is the render's own.
    top = stored_files.read_bytes(render.tiles.name.replace(".dzi", "_files/6/0_0.png"))
    tile = cv2.imdecode(np.frombuffer(top, np.uint8), cv2.IMREAD_UNCHANGED)
    final = cv2.imdecode(np.frombuffer(stored_files.read_bytes(render.final.name), np.uint8), cv2.IMREAD_UNCHANGED)
    assert tile.shape == (48, 64, 4)
    assert np.array_equal(tile[..., 3], final[..., 3])
    assert (tile[5:15, 5:15, 3] == 255).all()  # the recipe's 10 x 10 square
    assert "tiles_ms" in render.timings
    client.force_login(users.reviewer)
    served = client.get(f"/api/photos/{photo.pk}/tiles/r1.dzi")
    assert served.status_code == 200 and b"".join(served.streaming_content).decode() == descriptor


def test_render_complete_keeps_tiles_empty_when_none_were_made(make_photo, users):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    revision = _revision(photo, users.retoucher, 1)
    render = Render.objects.create(revision=revision, state=RenderState.RUNNING)
    png = b"\x89PNG"
    done = render_complete(
        render_id=render.pk,
        final="f.png",
        preview="p.png",
        checksum=hashlib.sha256(png).hexdigest(),
        final_bytes=len(png),
        timings={},
    )
    assert done.tiles.name == "" and done.state == RenderState.DONE
