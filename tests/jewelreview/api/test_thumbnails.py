"""/api/photos/{id}/thumb.webp: the grid's and My work's small picture of what a photo looks like now."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from django.utils import timezone

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.repairs.services import render_complete

pytestmark = pytest.mark.django_db


def preview_png(width: int, height: int, bgr: tuple[int, int, int]) -> bytes:
    """An RGBA preview: a solid colour, transparent outside a centred rectangle."""
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = (*bgr, 255)
    return cv2.imencode(".png", pixels)[1].tobytes()


def decoded(response) -> np.ndarray:
    data = b"".join(response.streaming_content)
    assert data[8:12] == b"WEBP"
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)


def thumbs_stored() -> list[str]:
    storage = stored_files.storage()
    found, todo = [], ["thumbs"]
    while todo:
        folder = todo.pop()
        if not storage.exists(folder):
            continue
        dirs, files = storage.listdir(folder)
        found += [f"{folder}/{name}" for name in files]
        todo += [f"{folder}/{name}" for name in dirs]
    return found


def test_a_thumbnail_of_the_cutout_then_of_the_render_made_once_each(api, make_photo, users, monkeypatch):
    """For previews stored without one (before thumbnails existed): made on first request, then served."""
    from core import codecs

    made = []
    real = codecs.thumbnail_of
    monkeypatch.setattr(codecs, "thumbnail_of", lambda *args, **kwargs: made.append(1) or real(*args, **kwargs))
    photo = make_photo(status="in_repair", assignee=users.retoucher, width=2048, height=1536)
    cutout = stored_files.save_new(f"photos/{photo.pk}/run/preview_cutout.png", preview_png(2048, 1536, (0, 0, 255)))
    Photo.objects.filter(pk=photo.pk).update(preview_cutout=cutout, prepared_at=timezone.now())

    first = api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp")
    assert first.status_code == 200 and first["Content-Type"] == "image/webp"
    pixels = decoded(first)
    assert pixels.shape == (360, 480, 4)  # long side 480, aspect kept
    assert pixels[0, 0, 3] == 0 and pixels[180, 240, 3] == 255  # transparency kept
    assert tuple(int(v) for v in pixels[180, 240, :3]) == pytest.approx((0, 0, 255), abs=8)  # red (BGR)
    assert len(thumbs_stored()) == 1 and len(made) == 1
    stamp = int(Photo.objects.get(pk=photo.pk).prepared_at.timestamp())
    again = api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp?v=c{stamp}")
    assert (decoded(again) == pixels).all()
    assert len(thumbs_stored()) == 1 and len(made) == 1  # made once, then served
    # Asked for by what it shows, it may be cached for good; by an address that no longer says so, not.
    assert "immutable" in again["Cache-Control"]
    assert "immutable" not in api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp?v=r1")["Cache-Control"]

    # A finished render of the current revision: the thumbnail shows it instead.
    revision = Revision.objects.create(photo=photo, number=1, author=users.retoucher, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    render = Render.objects.create(revision=revision, state=RenderState.QUEUED)
    preview = stored_files.save_new(f"renders/{photo.pk}/r1-preview.png", preview_png(2048, 1536, (255, 0, 0)))
    final = stored_files.save_new(f"renders/{photo.pk}/r1.png", preview_png(2048, 1536, (255, 0, 0)))
    render_complete(render_id=render.pk, final=final, preview=preview, checksum="1" * 64, final_bytes=1, timings={})
    answer = api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp?v=r{render.pk}")
    rendered = decoded(answer)
    assert tuple(int(v) for v in rendered[180, 240, :3]) == pytest.approx((255, 0, 0), abs=8)  # blue (BGR)
    assert len(thumbs_stored()) == 2 and "immutable" in answer["Cache-Control"]


def test_no_thumbnail_before_the_previews_are_made(api, make_photo):
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(preview_cutout="")
    response = api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp")
    assert response.status_code == 404 and response.json()["code"] == "file_not_ready"
    assert api.anonymous.get(f"/api/photos/{photo.pk}/thumb.webp").status_code == 401


def test_a_preview_that_cannot_be_read_is_served_as_it_is(api, make_photo):
    photo = make_photo()
    broken = stored_files.save_new(f"photos/{photo.pk}/run/preview_cutout.webp", b"RIFF-not-really-WEBP")
    Photo.objects.filter(pk=photo.pk).update(preview_cutout=broken, prepared_at=timezone.now())
    response = api.reviewer.get(f"/api/photos/{photo.pk}/thumb.webp")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"RIFF-not-really-WEBP"
    assert thumbs_stored() == []
