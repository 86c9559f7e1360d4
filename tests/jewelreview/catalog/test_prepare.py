"""photo_prepare: previews and DZI pyramids of the original and the cutout, then new -> needs_review."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import ImageDecodeError
from jewelreview import stored_files
from jewelreview.thumbnail_files import thumbnail_name
from jewelreview.catalog.ingest import ingest_files
from jewelreview.catalog.models import Photo
from jewelreview.catalog.tasks import photo_prepare
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db

DZI = "{http://schemas.microsoft.com/deepzoom/2008}"


def _tile_names(dzi_name: str) -> list[str]:
    base = dzi_name[: -len(".dzi")] + "_files"
    names = []
    levels = default_storage.listdir(base)[0]
    for level in levels:
        names += [f"{base}/{level}/{f}" for f in default_storage.listdir(f"{base}/{level}")[1]]
    return names


def test_prepare_builds_previews_and_tiles_then_the_photo_needs_review(make_photo):
    photo = make_photo(status="new", width=600, height=300)
    result = photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == "needs_review" and photo.version == 2 and photo.prepare_error == ""
    assert photo.has_previews and photo.prepared_at is not None
    for name in (photo.preview_original.name, photo.preview_cutout.name):
        assert stored_files.read_bytes(name)[8:12] == b"WEBP"
    cutout = cv2.imdecode(
        np.frombuffer(stored_files.read_bytes(photo.preview_cutout.name), np.uint8), cv2.IMREAD_UNCHANGED
    )
    assert cutout.shape == (300, 600, 4) and cutout[0, 0, 3] == 0 and cutout[..., 3].max() == 255
    thumbnail = cv2.imdecode(  # the grid's tile, made with the preview (jewelreview.thumbnail_files)
        np.frombuffer(stored_files.read_bytes(thumbnail_name(photo.preview_cutout.name)), np.uint8),
        cv2.IMREAD_UNCHANGED,
    )
    assert thumbnail.shape == (240, 480, 4) and thumbnail[0, 0, 3] == 0

    for dzi_name, fmt in ((photo.tiles_original.name, "jpeg"), (photo.tiles_cutout.name, "png")):
        root = ET.fromstring(stored_files.read_bytes(dzi_name))
        assert root.attrib["Format"] == fmt and root.attrib["TileSize"] == "254"
        assert root.find(f"{DZI}Size").attrib == {"Width": "600", "Height": "300"}
        # 600 x 300: levels 0..10; level 10 has 3 x 2 tiles, level 9 (300 x 150) 2 x 1, levels 0..8 one each.
        tiles = _tile_names(dzi_name)
        assert len(tiles) == 6 + 2 + 9
        assert all(name.endswith(f".{fmt}") for name in tiles)
        assert f"{dzi_name[:-4]}_files/10/2_1.{fmt}" in tiles
    assert result == {"photo": photo.pk, "tiles": 34}
    event = Event.objects.get(photo=photo, action="prepare")
    assert (event.actor, event.from_status, event.to_status) == (None, "new", "needs_review")


def test_prepare_twice_does_nothing_the_second_time(make_photo):
    photo = make_photo(status="new")
    photo_prepare.call(photo_id=photo.pk)
    first = Photo.objects.get(pk=photo.pk)
    assert photo_prepare.call(photo_id=photo.pk) == {"photo": photo.pk, "skipped": "prepared"}
    again = Photo.objects.get(pk=photo.pk)
    assert (again.tiles_original.name, again.version) == (first.tiles_original.name, first.version)
    assert Event.objects.filter(photo=photo, action="prepare").count() == 1


def test_a_failed_prepare_is_recorded_and_the_photo_stays_new(make_photo):
    photo = make_photo(status="new")
    default_storage.delete(photo.original.name)
    default_storage.save(photo.original.name, ContentFile(b"\xff\xd8\xff\xe0 broken"))
    with pytest.raises(ImageDecodeError):
        photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == "new" and not photo.has_previews
    assert photo.prepare_error == "truncated JPEG header: the file ends early"  # core's message, no class name
    assert not Event.objects.filter(photo=photo, action="prepare").exists()


@pytest.mark.parametrize(("field", "what"), [("original", "original"), ("ai_mask", "AI mask")])
def test_a_missing_stored_file_is_said_in_a_sentence_and_its_path_only_logged(make_photo, field, what, caplog):
    photo = make_photo(status="new")
    name = getattr(photo, field).name
    default_storage.delete(name)
    with pytest.raises(FileNotFoundError):
        photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.prepare_error == f"the photo's stored {what} is missing; ask a manager to re-import it."
    assert name in caplog.text and "Traceback" in caplog.text  # the detail is for the server's log


def test_an_unexpected_failure_shows_no_path_or_source_location(make_photo, monkeypatch, caplog):
    from jewelreview.catalog import tasks

    def broken(**kwargs):
        raise RuntimeError("boom in /srv/app/secret/place.py")

    monkeypatch.setattr(tasks, "photo_renditions_build", broken)
    photo = make_photo(status="new")
    with pytest.raises(RuntimeError):
        photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.prepare_error == "something unexpected went wrong on the server; tell a manager."
    assert "/srv/app/secret/place.py" in caplog.text


def test_prepare_of_a_photo_not_new_keeps_its_status(make_photo):
    photo = make_photo(status="flagged")
    photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == "flagged" and photo.has_previews


def test_ingest_runs_prepare_after_commit_in_process(images, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_files(
            files=[
                ("R_front.jpg", io.BytesIO(images.jpeg(64, 48, seed=1))),
                ("R_front.png", io.BytesIO(images.mask(64, 48))),
            ],
            batch_name="b",
            actor=users.manager,
        )
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    assert photo.status == "needs_review" and photo.has_previews
    assert [e.action for e in Event.objects.filter(photo=photo)] == ["import", "prepare"]


def test_the_queue_being_down_is_recorded_on_the_photo(make_photo, monkeypatch, django_capture_on_commit_callbacks):
    from jewelreview.catalog import tasks
    from jewelreview.catalog.services import photo_prepare_enqueue

    class DownTask:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "photo_prepare", DownTask())
    photo = make_photo(status="new")
    with django_capture_on_commit_callbacks(execute=True):
        photo_prepare_enqueue(photo=photo)
    photo.refresh_from_db()
    assert photo.prepare_error == (
        "could not enqueue: the task queue did not answer; it is queued again once the queue is back."
    )


def test_only_managers_rebuild_previews(make_photo, users):
    from jewelreview.catalog.services import photo_prepare_enqueue
    from jewelreview.errors import NotAllowed

    with pytest.raises(NotAllowed):
        photo_prepare_enqueue(photo=make_photo(status="new"), actor=users.reviewer)
