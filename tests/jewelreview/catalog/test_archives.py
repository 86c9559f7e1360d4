"""Zip uploads: streamed entries, zip slip / symlink / bomb refused whole, naming the problem."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jewelreview.catalog.archives import IngestLimits
from jewelreview.catalog.ingest import ingest_upload, ingest_zip
from jewelreview.catalog.models import Batch, Photo, Sku
from jewelreview.errors import InvalidInput, TooLarge
from jewelreview.reviews.models import Event
from jewelreview.stored_files import read_capped

pytestmark = pytest.mark.django_db


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]], compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _good_members(images) -> list[tuple[str, bytes]]:
    return [
        ("shoot/RING-1_front.jpg", images.jpeg(64, 48, seed=1)),
        ("shoot/RING-1_front_cutout.png", images.cutout(64, 48)),
    ]


def _assert_nothing_imported():
    assert (Photo.objects.count(), Sku.objects.count(), Batch.objects.count(), Event.objects.count()) == (0, 0, 0, 0)
    assert not default_storage.exists("originals") and not default_storage.exists("masks")


def test_a_zip_is_imported_entry_by_entry(images, users):
    archive = _zip(_good_members(images) + [("shoot/notes.txt", b"hi"), ("shoot/", b"")])
    report = ingest_zip(archive=archive, batch_name="zip", actor=users.manager)
    assert [(i.name, i.sku, i.view) for i in report.imported] == [("shoot/RING-1_front.jpg", "RING-1", "front")]
    assert [(i.name, i.reason) for i in report.ignored] == [("shoot/notes.txt", "not an image or manifest")]


def test_web_upload_of_one_zip_is_recognised_by_its_bytes(images, users):
    upload = SimpleUploadedFile("photos.zip", _zip(_good_members(images)).getvalue())
    report = ingest_upload(files=[("photos.zip", upload)], batch_name="web", actor=users.manager)
    assert len(report.imported) == 1


def test_web_upload_of_loose_files(images, users):
    files = [
        ("C:\\Users\\me\\RING-2_front.jpg", SimpleUploadedFile("x", images.jpeg(64, 48, seed=2))),
        ("RING-2_front.png", SimpleUploadedFile("y", images.mask(64, 48))),
    ]
    report = ingest_upload(files=files, batch_name="web", actor=users.manager)
    assert [i.name for i in report.imported] == ["RING-2_front.jpg"]  # only the last part of a path is used


@pytest.mark.parametrize(
    "evil_name",
    ["../../etc/cron.d/evil.jpg", "shoot/../../evil.jpg", "/etc/passwd.jpg", "C:/Windows/evil.jpg", "..\\evil.jpg"],
)
def test_zip_slip_refuses_the_whole_archive(images, users, evil_name):
    archive = _zip(_good_members(images) + [(evil_name, b"x")])
    with pytest.raises(InvalidInput) as caught:
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager)
    assert caught.value.code == "zip_slip"
    assert caught.value.message == (
        f"{evil_name}: the path leaves the archive (zip slip). The archive was refused; nothing was imported."
    )
    _assert_nothing_imported()


def test_symlink_entries_refuse_the_whole_archive(images, users):
    link = zipfile.ZipInfo("shoot/RING-9_front.jpg")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(_good_members(images) + [(link, b"/etc/passwd")])
    with pytest.raises(InvalidInput, match="shoot/RING-9_front.jpg: symbolic links are not allowed") as caught:
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager)
    assert caught.value.code == "zip_symlink"
    _assert_nothing_imported()


def test_a_highly_compressed_entry_is_a_zip_bomb(images, users):
    archive = _zip(_good_members(images) + [("shoot/BOMB_front.png", b"\0" * 5_000_000)])
    with pytest.raises(TooLarge) as caught:
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager)
    error = caught.value
    assert error.code == "zip_bomb" and error.http_status == 413
    assert error.message.startswith("shoot/BOMB_front.png: expands ")
    assert "-fold (limit 200; zip bomb?). Nothing was imported." in error.message
    _assert_nothing_imported()


def test_too_many_bytes_in_all_is_a_zip_bomb(images, users):
    limits = IngestLimits(
        max_upload_bytes=10**9,
        max_file_bytes=10**6,
        max_archive_total_bytes=1000,
        max_archive_ratio=10**6,
        max_archive_entries=100,
    )
    archive = _zip(_good_members(images), compression=zipfile.ZIP_STORED)
    with pytest.raises(TooLarge, match=r"archive: expands to more than 1000 bytes \(zip bomb\?\)") as caught:
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager, limits=limits)
    assert caught.value.code == "zip_bomb"
    _assert_nothing_imported()


def test_too_many_entries(images, users):
    limits = IngestLimits(
        max_upload_bytes=10**9,
        max_file_bytes=10**6,
        max_archive_total_bytes=10**9,
        max_archive_ratio=1000,
        max_archive_entries=3,
    )
    archive = _zip([(f"f{i}.txt", b"x") for i in range(4)])
    with pytest.raises(TooLarge, match="archive: 4 entries; the limit is 3"):
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager, limits=limits)


def test_encrypted_entries_are_refused(images, users):
    data = bytearray(_zip(_good_members(images) + [("shoot/SECRET_front.jpg", b"xxxx")]).getvalue())
    # zipfile cannot write encrypted entries: set the "encrypted" flag in the central directory.
    name = b"shoot/SECRET_front.jpg"
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    data[record + 8] |= 0x1
    archive = io.BytesIO(bytes(data))
    with pytest.raises(InvalidInput, match="encrypted entries cannot be imported"):
        ingest_zip(archive=archive, batch_name="zip", actor=users.manager)
    _assert_nothing_imported()


def test_duplicate_names_are_refused(images, users):
    members = _good_members(images)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr(*members[0])
    buffer.seek(0)
    with pytest.raises(InvalidInput, match="two entries with this name"):
        ingest_zip(archive=buffer, batch_name="zip", actor=users.manager)
    _assert_nothing_imported()


def test_not_a_zip(users):
    with pytest.raises(InvalidInput, match="photos.zip is not a readable zip") as caught:
        ingest_zip(
            archive=io.BytesIO(b"PK\x03\x04 but broken"),
            batch_name="zip",
            actor=users.manager,
            archive_name="photos.zip",
        )
    assert caught.value.code == "bad_zip"


def test_an_upload_over_the_limit_is_refused_before_reading(images, users, settings):
    settings.JEWELREVIEW_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("photos.zip", _zip(_good_members(images)).getvalue())
    with pytest.raises(TooLarge, match="photos.zip is larger than 100 bytes") as caught:
        ingest_upload(files=[("photos.zip", upload)], batch_name="web", actor=users.manager)
    assert caught.value.code == "upload_too_large"
    _assert_nothing_imported()


def test_reading_is_capped_whatever_the_headers_say():
    with pytest.raises(TooLarge, match="x.png: larger than the 1 KiB limit for one file"):
        read_capped(io.BytesIO(b"\0" * 5000), max_bytes=1024, name="x.png")
    assert read_capped(io.BytesIO(b"abc"), max_bytes=3, name="x") == b"abc"
