"""Ingest: pairing, sha256 dedupe, refusals with reasons, nothing written for a refused file."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from jewelreview.catalog.archives import IngestLimits
from jewelreview.catalog.ingest import ingest_directory, ingest_files, ingest_upload
from jewelreview.catalog.models import Batch, Photo, Sku
from jewelreview.errors import NotAllowed
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db


def _files(mapping: dict[str, bytes]) -> list[tuple[str, io.BytesIO]]:
    return [(name, io.BytesIO(data)) for name, data in mapping.items()]


def _nothing_stored() -> bool:
    return not default_storage.exists("originals") and not default_storage.exists("masks")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares a huge image (a pixel bomb); no real pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_a_pair_becomes_a_photo_with_content_addressed_files(images, users, django_capture_on_commit_callbacks):
    original = images.jpeg(64, 48, seed=1)
    with django_capture_on_commit_callbacks() as callbacks:
        report = ingest_files(
            files=_files({"RING-1_front.jpg": original, "RING-1_front_cutout.png": images.cutout(64, 48)}),
            batch_name="launch",
            actor=users.manager,
        )
    assert [(i.name, i.sku, i.view) for i in report.imported] == [("RING-1_front.jpg", "RING-1", "front")]
    assert report.skipped == [] and report.refused == []
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    sha = hashlib.sha256(original).hexdigest()
    assert photo.original.name == f"originals/{sha[:2]}/{sha}.jpg"
    assert photo.ai_mask.name == f"masks/{photo.ai_mask_sha256[:2]}/{photo.ai_mask_sha256}.png"
    assert default_storage.open(photo.original.name).read() == original
    assert (photo.width, photo.height, photo.status, photo.version, photo.original_bytes) == (
        64,
        48,
        "new",
        1,
        len(original),
    )
    assert (photo.sku.code, photo.view, photo.batch.name, photo.source_name) == (
        "RING-1",
        "front",
        "launch",
        "RING-1_front.jpg",
    )
    event = Event.objects.get(photo=photo)
    assert (event.action, event.from_status, event.to_status, event.actor_id) == ("import", "", "new", users.manager.pk)
    assert len(callbacks) == 1  # photo_prepare, queued after commit
    assert report.batch_id == photo.batch_id


def test_reimporting_the_same_files_creates_nothing(images, users):
    files = {"A_front.jpg": images.jpeg(64, 48, seed=2), "A_front.png": images.mask(64, 48)}
    first = ingest_files(files=_files(files), batch_name="b1", actor=users.manager)
    counts = (Photo.objects.count(), Sku.objects.count(), Event.objects.count(), Batch.objects.count())
    second = ingest_files(files=_files(files), batch_name="b2", actor=users.manager)
    assert second.imported == [] and second.batch_id is None
    photo_id = first.imported[0].photo_id
    assert [(s.name, s.reason, s.photo_id) for s in second.skipped] == [
        ("A_front.jpg", f"duplicate of photo {photo_id} (A/front)", photo_id),
    ]
    assert (Photo.objects.count(), Sku.objects.count(), Event.objects.count(), Batch.objects.count()) == counts


def test_ai_mask_of_another_size_is_refused_and_nothing_is_written(images, users):
    report = ingest_files(
        files=_files({"ring_front.jpg": images.jpeg(40, 30, seed=3), "ring_front_mask.png": images.mask(30, 40)}),
        batch_name="b",
        actor=users.manager,
    )
    assert [(r.name, r.reason) for r in report.refused] == [
        ("ring_front.jpg", "AI mask is 30x40 but the original is 40x30"),
    ]
    refused = "  refused ring_front.jpg (with ring_front_mask.png): AI mask is 30x40 but the original is 40x30"
    assert refused in report.lines()
    assert Photo.objects.count() == 0 and Sku.objects.count() == 0 and Batch.objects.count() == 0


def test_a_mask_at_an_exif_rotated_originals_stored_size_is_told_the_orientation_was_applied(images, users):
    """QA L7: the refusal named both sizes but not the EXIF orientation that made them differ."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter: stored 40 x 30, shown 30 x 40
    rotated = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 40)).save(rotated, "JPEG", exif=exif.tobytes())
    report = ingest_files(
        files=_files({"ring_front.jpg": rotated.getvalue(), "ring_front_mask.png": images.mask(40, 30)}),
        batch_name="b",
        actor=users.manager,
    )
    assert [(r.name, r.reason) for r in report.refused] == [
        (
            "ring_front.jpg",
            "AI mask is 40x30 but the original is 30x40: the original's EXIF orientation was applied (it is shown "
            "upright), and the mask has its unrotated size; save the mask upright, at 30x40",
        ),
    ]
    assert Photo.objects.count() == 0 and Batch.objects.count() == 0
    assert _nothing_stored()


def test_the_size_check_uses_the_upright_original(images, users):
    """A camera JPEG stored 40x30 with EXIF orientation 6 is 30x40 upright, like its AI mask."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (40, 30), (200, 180, 40)).save(buffer, "JPEG", exif=exif)
    report = ingest_files(
        files=_files({"R_side.jpg": buffer.getvalue(), "R_side.png": images.mask(30, 40)}),
        batch_name="b",
        actor=users.manager,
    )
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    assert (photo.width, photo.height) == (30, 40)


@pytest.mark.parametrize(
    ("original", "ai_result", "reason"),
    [
        (b"just some text", None, "not an image: the data is text"),
        (_png_header_only(20000, 20000), None, "image is 20000x20000 = 400,000,000 pixels; the limit is 100,000,000"),
        (None, b"\xff\xd8\xff\xe0" + b"\0" * 20, "AI result R_front_cutout.png: truncated JPEG header"),
    ],
)
def test_unreadable_and_oversized_images_are_refused_before_decoding(images, users, original, ai_result, reason):
    files = {
        "R_front.jpg": original if original is not None else images.jpeg(64, 48, seed=4),
        "R_front_cutout.png": ai_result if ai_result is not None else images.cutout(64, 48),
    }
    report = ingest_files(files=_files(files), batch_name="b", actor=users.manager)
    assert len(report.refused) == 1 and report.refused[0].reason.startswith(reason)
    assert Photo.objects.count() == 0 and _nothing_stored()


def test_a_cut_off_original_is_refused_at_upload_not_stuck_later(images, users):
    """An upload cut short keeps a whole header; it used to be imported and then fail when its
    previews were made, staying "new" for good. The end of the file is checked at once."""
    whole = images.jpeg(64, 48, seed=5)
    files = {"R_front.jpg": whole[: len(whole) // 2], "R_front_cutout.png": images.cutout(64, 48)}
    report = ingest_files(files=_files(files), batch_name="b", actor=users.manager)
    assert [(r.name, r.reason) for r in report.refused] == [
        ("R_front.jpg", "truncated JPEG: the file ends early (no end-of-image marker)"),
    ]
    # Its AI result is not imported either, and the report says so: every uploaded file is accounted for.
    assert report.refused[0].ai_result == "R_front_cutout.png"
    assert "  refused R_front.jpg (with R_front_cutout.png): truncated JPEG" in "\n".join(report.lines())
    assert Photo.objects.count() == 0 and _nothing_stored()
    report = ingest_files(
        files=_files({"R_front.jpg": whole, "R_front_cutout.png": images.cutout(64, 48)}), batch_name="b",
        actor=users.manager,
    )
    assert len(report.imported) == 1 and report.imported[0].ai_result == "R_front_cutout.png"
    again = ingest_files(
        files=_files({"R_front.jpg": whole, "R_front_cutout.png": images.cutout(64, 48)}), batch_name="b",
        actor=users.manager,
    )
    assert [(s.name, s.ai_result) for s in again.skipped] == [("R_front.jpg", "R_front_cutout.png")]


def test_a_file_over_the_size_limit_is_refused(images, users):
    limits = IngestLimits(
        max_upload_bytes=10**9,
        max_file_bytes=1000,
        max_archive_total_bytes=10**9,
        max_archive_ratio=100,
        max_archive_entries=100,
    )
    big = images.jpeg(64, 48, seed=5) + b"\0" * 2000
    report = ingest_files(
        files=_files({"R_front.jpg": big, "R_front.png": images.mask(64, 48)}),
        batch_name="b",
        actor=users.manager,
        limits=limits,
    )
    assert re.fullmatch(r"\d+(\.\d)? KiB is over the 1000 bytes limit for one file", report.refused[0].reason)
    assert Photo.objects.count() == 0 and _nothing_stored()


def test_one_refused_pair_does_not_stop_the_others(images, users):
    report = ingest_files(
        files=_files(
            {
                "A_front.jpg": images.jpeg(64, 48, seed=6),
                "A_front.png": images.mask(64, 48),
                "B_front.jpg": images.jpeg(64, 48, seed=7),
                "B_front.png": images.mask(48, 64),
                "C_front.jpg": images.jpeg(64, 48, seed=8),
                "D_front_cutout.png": images.cutout(64, 48),
                "readme.txt": b"hello",
            }
        ),
        batch_name="b",
        actor=users.manager,
    )
    assert [i.name for i in report.imported] == ["A_front.jpg"]
    assert sorted(r.name for r in report.refused) == ["B_front.jpg", "C_front.jpg", "D_front_cutout.png"]
    assert [(i.name, i.reason) for i in report.ignored] == [("readme.txt", "not an image or manifest")]
    assert report.lines()[0] == "Batch 'b': imported 1, skipped 0, refused 3, ignored 1."
    assert "  ignored readme.txt: not an image or manifest" in report.lines()


def test_manifest_in_the_upload_sets_sku_view_and_title(images, users):
    manifest = b"file,sku,view,title\nIMG_1.jpg,NECK-7,front,Silver chain\n"
    report = ingest_files(
        files=_files(
            {
                "IMG_1.jpg": images.jpeg(64, 48, seed=9),
                "IMG_1_cutout.png": images.cutout(64, 48),
                "manifest.csv": manifest,
            }
        ),
        batch_name="b",
        actor=users.manager,
    )
    photo = Photo.objects.select_related("sku").get(pk=report.imported[0].photo_id)
    assert (photo.sku.code, photo.view, photo.sku.title) == ("NECK-7", "front", "Silver chain")
    assert report.ignored == []  # it was read, not ignored
    assert report.as_dict()["manifests"] == [{"name": "manifest.csv", "rows": 1}]
    assert "  read manifest.csv: 1 row" in report.lines()


def test_accented_names_are_one_sku_however_they_are_spelled(images, users):
    """A Mac writes "É" decomposed (E + U+0301), a spreadsheet composed: one SKU, one pair, found by either."""
    from jewelreview.catalog.selectors import photo_list

    decomposed, composed = "BAGUE-E\u0301TE\u0301", "BAGUE-\u00c9T\u00c9"
    report = ingest_files(
        files=_files(
            {
                f"{decomposed}_front.jpg": images.jpeg(64, 48, seed=21),
                f"{composed}_front_mask.png": images.mask(64, 48),  # the remover wrote it composed
                f"{composed}_side.jpg": images.jpeg(64, 48, seed=22),
                f"{composed}_side_cutout.png": images.cutout(64, 48),
                "IMG_3.jpg": images.jpeg(64, 48, seed=23),
                "IMG_3.png": images.mask(64, 48),
                "manifest.csv": f"file,sku,view\nIMG_3.jpg,{decomposed},back\n".encode(),
            }
        ),
        batch_name="b",
        actor=users.manager,
    )
    assert len(report.imported) == 3 and report.refused == [], report
    assert list(Sku.objects.values_list("code", flat=True)) == [composed]
    assert photo_list(sku=decomposed).count() == 3
def test_only_managers_upload(images, users):
    with pytest.raises(NotAllowed):
        ingest_upload(files=_files({"A_front.jpg": images.jpeg(64, 48, seed=1)}), batch_name="b", actor=users.reviewer)
    assert Photo.objects.count() == 0


def test_directory_import_recurses_and_refuses_symlinks(images, users, tmp_path):
    root = tmp_path / "shoot"
    (root / "rings").mkdir(parents=True)
    (root / "rings" / "R_front.jpg").write_bytes(images.jpeg(64, 48, seed=10))
    (root / "rings" / "R_front_cutout.png").write_bytes(images.cutout(64, 48))
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(images.jpeg(64, 48, seed=11))
    (root / "S_front.jpg").symlink_to(outside)
    (root / "S_front.png").write_bytes(images.mask(64, 48))
    report = ingest_directory(root=root, batch_name="shoot")
    assert [i.name for i in report.imported] == ["rings/R_front.jpg"]
    reasons = {r.name: r.reason for r in report.refused}
    assert reasons["S_front.jpg"] == "symbolic link; not followed"
    assert Photo.objects.count() == 1
