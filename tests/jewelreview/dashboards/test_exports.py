"""Exports shared by the API and the dashboard: the ZIP of approved finals of a selection."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.dashboards.exports import safe_name_part
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.repairs.services import render_complete

pytestmark = pytest.mark.django_db


def approved_with_final(make_photo, images, author, **photo_kwargs) -> tuple[Photo, Render]:
    """An approved photo whose current revision has a finished render (a real PNG in storage)."""
    photo = make_photo(status="approved", **photo_kwargs)
    revision = Revision.objects.create(photo=photo, number=1, author=author, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    render = Render.objects.create(revision=revision, state=RenderState.QUEUED)
    png = images.cutout(photo.width, photo.height)
    sha = hashlib.sha256(png).hexdigest()
    final = stored_files.save_new(f"renders/{photo.pk}/r1-{sha[:16]}.png", png)
    preview = stored_files.save_new(f"renders/{photo.pk}/r1-{sha[:16]}-preview.png", png)
    render = render_complete(
        render_id=render.pk, final=final, preview=preview, checksum=sha, final_bytes=len(png), timings={"total_ms": 1.0}
    )
    return photo, render


@pytest.fixture
def manager_api(users):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users.manager).key}")
    return client


def test_zip_of_a_selection(manager_api, make_photo, images, users):
    first, first_render = approved_with_final(make_photo, images, users.manager, sku="RING-1", view="front")
    second, _ = approved_with_final(make_photo, images, users.manager, sku="RING-2", view="front")
    not_approved = make_photo(sku="RING-3", status="needs_review")

    response = manager_api.get(f"/api/exports/approved.zip?photo={first.pk}&photo={not_approved.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="selection-approved.zip"'
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["RING-1/RING-1_front.png", "manifest.csv"]
        png = archive.read("RING-1/RING-1_front.png")
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and png == default_storage.open(first_render.final.name).read()
        manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [row[:4] + row[6:] for row in manifest[1:]] == [
        ["RING-1", "front", str(first.pk), "RING-1/RING-1_front.png", ""],
        ["RING-3", not_approved.view, str(not_approved.pk), "", "not approved: it is waiting for review"],
    ]
    assert second.pk not in [int(row[2]) for row in manifest[1:]]


def test_zip_selection_is_validated(manager_api):
    bad = manager_api.get("/api/exports/approved.zip?photo=abc")
    assert bad.status_code == 400 and bad.json()["details"]["field"] == "photo"
    too_many = "&".join(f"photo={n}" for n in range(1, 502))
    response = manager_api.get(f"/api/exports/approved.zip?{too_many}")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "photo: An export takes at most 500 photo ids. Export a whole batch with batch=ID, or the selection "
        "in parts of at most 500 photo ids."
    )


def test_a_selection_past_the_request_field_limit_says_what_to_do(manager_api, settings):
    """Past Django's field limit the query is not even read: the refusal must still say what to do."""
    far_too_many = "&".join(f"photo={n}" for n in range(1, 1200))
    response = manager_api.get(f"/api/exports/approved.zip?{far_too_many}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_fields",
        "message": "Too many fields in one request: at most 1000 query parameters or form fields are read. "
        "Export a whole batch with batch=ID, or the selection in parts of at most 500 photo ids.",
        "details": {"limit": 1000},
    }


def test_zip_without_selection_still_exports_everything(manager_api, make_photo, images, users):
    approved_with_final(make_photo, images, users.manager, sku="RING-1", view="front", batch="a")
    approved_with_final(make_photo, images, users.manager, sku="RING-2", view="front", batch="b")
    response = manager_api.get("/api/exports/approved.zip")
    assert response["Content-Disposition"] == 'attachment; filename="all-approved.zip"'
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["RING-1/RING-1_front.png", "RING-2/RING-2_front.png", "manifest.csv"]


def test_zip_names_keep_letters_of_any_script(manager_api, make_photo, images, users):
    """SKUs in French or Japanese keep their letters (NFC, flagged UTF-8 in the ZIP); separators,
    control characters and path parts still become "_"."""
    decomposed = "BAGUE-E\u0301TE\u0301"  # as a Mac's file names arrive
    ring, _ = approved_with_final(make_photo, images, users.manager, sku=decomposed, view="côté gauche")
    tokyo, _ = approved_with_final(make_photo, images, users.manager, sku="指輪/01", view="..\\正面\x07")
    response = manager_api.get(f"/api/exports/approved.zip?photo={ring.pk}&photo={tokyo.pk}")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(["BAGUE-ÉTÉ/BAGUE-ÉTÉ_côté_gauche.png", "指輪_01/指輪_01_正面.png", "manifest.csv"])
        assert all(info.flag_bits & 0x800 for info in archive.infolist() if info.filename != "manifest.csv")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("BAGUE-E\u0301TE\u0301 / côté", "BAGUE-ÉTÉ_côté"),  # decomposed accents composed (NFC)
        ("अंगूठी", "अंगूठी"),  # Hindi: its vowel signs are marks, kept
        ("கம்மல்", "கம்மல்"),  # Tamil
        ("خاتَم", "خاتَم"),  # Arabic with a vowel mark
        ("../side", "side"),
        ("a\u202eb\u200fc", "a_b_c"),  # bidi controls
        ("指輪／01∕02\\03:04", "指輪_01_02_03_04"),  # full-width and look-alike slashes, backslash, colon
        ("..", ""),
        ("CON", "CON_"),  # names Windows reserves
        ("nul.front", "nul_.front"),
        ("COM¹", "COM¹_"),
        ("CONSOLE", "CONSOLE"),
    ],
)
def test_a_name_part_keeps_every_script_and_nothing_that_could_leave_its_folder(text, part):
    assert safe_name_part(text) == (part, False)


def test_a_long_name_part_is_cut_to_100_bytes_on_a_character_boundary(manager_api, make_photo, images, users):
    long_sku = "指輪" * 60  # 120 characters, 360 bytes of UTF-8
    cut, was_cut = safe_name_part(long_sku)
    assert was_cut and cut == "指輪" * 16 + "指" and len(cut.encode()) <= 100
    photo, _ = approved_with_final(make_photo, images, users.manager, sku=long_sku, view="front")
    response = manager_api.get(f"/api/exports/approved.zip?photo={photo.pk}")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        name = archive.namelist()[0]
    assert name == f"{cut}/{cut}_front-{photo.pk}.png"  # the id tells cut names apart
    assert all(len(component.encode()) <= 255 for component in name.split("/"))


def test_names_that_differ_only_in_case_do_not_overwrite_each_other(manager_api, make_photo, images, users):
    upper, _ = approved_with_final(make_photo, images, users.manager, sku="RING1", view="front")
    lower, _ = approved_with_final(make_photo, images, users.manager, sku="ring1", view="FRONT")
    response = manager_api.get(f"/api/exports/approved.zip?photo={upper.pk}&photo={lower.pk}")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = [name for name in archive.namelist() if name != "manifest.csv"]
    assert len({name.casefold() for name in names}) == 2, names


def test_a_cut_never_leaves_a_letter_without_its_marks():
    hindi = "कि" * 40  # each letter: KA (3 bytes) + vowel sign I (3 bytes)
    cut, was_cut = safe_name_part(hindi)
    assert was_cut and len(cut.encode()) <= 100
    assert cut == "कि" * 16  # 96 bytes: the 17th KA fits alone (99 bytes) but would lose its vowel sign
