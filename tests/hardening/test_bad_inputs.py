"""The bad-input corpus, built here, sent through the real HTTP API: refused by name, never a 500.

One table per entry point:

- UPLOADS (``POST /api/uploads/``): a whole-request problem (zip slip, zip bomb, over the size
  limit) is a 4xx naming it with nothing imported; a problem with one pair of files is a line of
  the import report (``refused``: the file and the reason) and nothing of that pair is stored,
  so one bad file in a shoot of hundreds does not cost the rest; an upload whose every pair was
  refused is a 422 ``nothing_imported`` whose body is that report and a message naming the file. Odd-but-valid photos (16-bit,
  CMYK, EXIF-rotated, greyscale) are imported and prepared.
- RECIPES (``POST /api/photos/{id}/revisions/``): 400 naming op and field; no revision written.
- MARKUP: HTML and script in SKU codes, titles, notes and file names render as text on the pages.

Many single cases also have focused tests next to their code (tests/jewelreview/catalog,
tests/core); this file is the one place that runs all of them through HTTP.
"""

from __future__ import annotations

import io
import json
import stat
import struct
import zipfile
import zlib

import cv2
import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jewelreview.catalog.models import Batch, Photo
from jewelreview.repairs.models import Render, Revision
from jewelreview.reviews.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("core_render")]

W, H = 64, 48


# --- the corpus --------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header declaring a huge image; the pixel data would inflate to width*height bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1_000_000, 9)  # starts inflating like the real thing
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg(width: int = W, height: int = H, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    bgr = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def mask(width: int = W, height: int = H) -> bytes:
    alpha = np.zeros((height, width), np.uint8)
    alpha[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = 255
    return cv2.imencode(".png", alpha)[1].tobytes()


def corrupt_png() -> bytes:
    """A mask whose compressed pixel data is garbage (the CRCs recomputed, so only inflating fails)."""
    data = mask()
    start = data.index(b"IDAT") + 4
    length = struct.unpack(">I", data[start - 8 : start - 4])[0]
    garbage = bytes((b ^ 0x5A) for b in data[start : start + length])
    return data[: start - 4] + _png_chunk(b"IDAT", garbage)[4:] + data[start + length + 4 :]


def png16() -> bytes:
    rgb = (np.random.default_rng(3).integers(0, 65536, (H, W, 3))).astype(np.uint16)
    return cv2.imencode(".png", rgb)[1].tobytes()


def pil_jpeg(mode: str, *, orientation: int | None = None, size=(W, H)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size, {"CMYK": (10, 200, 30, 5), "L": 128, "RGB": (200, 180, 40)}[mode])
    if orientation is None:
        image.save(buffer, "JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def zip_of(members: list[tuple[str | zipfile.ZipInfo, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def symlink(name: str, target: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


GOOD_PAIR = [("shoot/RING-1_front.jpg", jpeg()), ("shoot/RING-1_front_mask.png", mask())]

# name, files (name -> bytes), outcome:
#   ("refused", file, reason fragment)    422 report: that (only) pair refused with the reason, nothing stored
#   ("status", http, code, message frag)  the whole upload refused: the status and error; nothing stored
#   ("imported", (width, height))         a valid photo, imported and prepared upright at that size
UPLOADS = [
    (
        "truncated-jpeg",
        {"R_front.jpg": jpeg()[:300], "R_front_cutout.png": mask()},
        ("refused", "R_front.jpg", "truncated"),
    ),
    (
        "corrupt-png",
        {"R_front.jpg": jpeg(), "R_front_cutout.png": corrupt_png()},
        ("refused", "R_front.jpg", "AI result R_front_cutout.png"),
    ),
    (
        "text-named-jpg",
        {"R_front.jpg": b"hello, I am a text file\n", "R_front_cutout.png": mask()},
        ("refused", "R_front.jpg", "not an image: the data is text"),
    ),
    (
        "empty-file",
        {"R_front.jpg": b"", "R_front_cutout.png": mask()},
        ("status", 400, "invalid_input", "files.0: The submitted file is empty."),
    ),
    (
        "pixel-bomb",
        {"R_front.jpg": png_bomb(100_000, 100_000), "R_front_cutout.png": mask()},
        ("refused", "R_front.jpg", "100000x100000 = 10,000,000,000 pixels; the limit is"),
    ),
    (
        "pixel-bomb-mask",
        {"R_front.jpg": jpeg(), "R_front_cutout.png": png_bomb(30_000, 30_000)},
        ("refused", "R_front.jpg", "30000x30000"),
    ),
    (
        "mask-wrong-size",
        {"R_front.jpg": jpeg(), "R_front_cutout.png": mask(W + 1, H)},
        ("refused", "R_front.jpg", f"{W + 1}x{H}"),
    ),
    ("16-bit-png", {"R_front.png": png16(), "R_front_cutout.png": mask()}, ("imported", (W, H))),
    ("cmyk-jpeg", {"R_front.jpg": pil_jpeg("CMYK"), "R_front_cutout.png": mask()}, ("imported", (W, H))),
    (
        "exif-rotated",
        {"R_front.jpg": pil_jpeg("RGB", orientation=6, size=(H, W)), "R_front_cutout.png": mask()},
        ("imported", (W, H)),
    ),
    ("greyscale", {"R_front.jpg": pil_jpeg("L"), "R_front_cutout.png": mask()}, ("imported", (W, H))),
    (
        "zip-slip",
        {"shoot.zip": zip_of([*GOOD_PAIR, ("../../etc/cron.d/RING-2_front.jpg", jpeg())])},
        ("status", 400, "zip_slip", "../../etc/cron.d/RING-2_front.jpg: the path leaves the archive"),
    ),
    (
        "zip-absolute",
        {"shoot.zip": zip_of([*GOOD_PAIR, ("/etc/RING-2_front.jpg", jpeg())])},
        ("status", 400, "zip_slip", "/etc/RING-2_front.jpg: the path leaves the archive"),
    ),
    (
        "zip-symlink",
        {"shoot.zip": zip_of([*GOOD_PAIR, symlink("shoot/RING-2_front.jpg", b"/etc/passwd")])},
        ("status", 400, "zip_symlink", "shoot/RING-2_front.jpg: symbolic links are not allowed"),
    ),
    (
        "zip-bomb",
        {"shoot.zip": zip_of([*GOOD_PAIR, ("shoot/BOMB_front.png", b"\0" * 20_000_000)])},
        ("status", 413, "zip_bomb", "shoot/BOMB_front.png: expands"),
    ),
    (
        "not-a-zip",
        {"shoot.zip": b"PK\x03\x04 but then nothing sensible"},
        ("status", 400, "bad_zip", "shoot.zip is not a readable zip"),
    ),
]


def _stored_names() -> list[str]:
    names = []
    for top in ("originals", "masks", "photos"):
        if default_storage.exists(top):
            stack = [top]
            while stack:
                folder = stack.pop()
                dirs, files = default_storage.listdir(folder)
                names += [f"{folder}/{f}" for f in files]
                stack += [f"{folder}/{d}" for d in dirs]
    return names


@pytest.mark.parametrize(("files", "outcome"), [pytest.param(f, o, id=n) for n, f, o in UPLOADS])
def test_each_bad_upload_is_refused_by_name_and_nothing_of_it_is_stored(
    api, files, outcome, django_capture_on_commit_callbacks
):
    uploads = [SimpleUploadedFile(name, data, content_type="application/octet-stream") for name, data in files.items()]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.manager.post("/api/uploads/", {"batch": "corpus", "files": uploads}, format="multipart")
    assert response.status_code < 500
    body = response.json()
    kind = outcome[0]
    if kind == "imported":
        assert response.status_code == 200 and body["refused"] == [], body
        photo = Photo.objects.get(pk=body["imported"][0]["photo_id"])
        assert (photo.width, photo.height, photo.status) == (*outcome[1], "needs_review"), photo.prepare_error
        return
    if kind == "refused":
        _, name, reason = outcome
        assert response.status_code == 422 and body["code"] == "nothing_imported", body
        assert body["imported"] == [] and [r["name"] for r in body["refused"]] == [name], body
        assert reason in body["refused"][0]["reason"], body["refused"][0]["reason"]
        assert body["message"].startswith(f"Nothing was imported: {name}: ") and reason in body["message"], body
        assert not Batch.objects.exists()
    else:
        _, status, code, message = outcome
        assert response.status_code == status, body
        assert body["code"] == code and message in body["message"], body
        assert not Batch.objects.exists()
    assert Photo.objects.count() == 0 and _stored_names() == []


def test_an_upload_over_the_size_limit_is_413_before_anything_is_read(api, settings):
    settings.JEWELREVIEW_MAX_UPLOAD_BYTES = 50_000
    big = SimpleUploadedFile("BIG_front.jpg", jpeg(400, 400) + b"\0" * 60_000)
    response = api.manager.post(
        "/api/uploads/",
        {"batch": "corpus", "files": [big, SimpleUploadedFile("BIG_front_cutout.png", mask(400, 400))]},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large" and "Nothing was imported" in response.json()["message"]
    assert Photo.objects.count() == 0 and not Batch.objects.exists() and _stored_names() == []


# --- recipes through the revisions API --------------------------------------------------------


def _path(d: str) -> dict:
    return {"version": 1, "base": "ai", "ops": [{"op": "path", "d": d, "mode": "add"}]}


def _with_literal(literal: str) -> str:
    """A revision body whose path op's ``feather`` is the bare JSON token ``literal`` (not standard JSON)."""
    body = {"recipe": {**_path("M 0 0 L 5 5 Z"), "ops": [{**_path("M 0 0 L 5 5 Z")["ops"][0], "feather": "?"}]}}
    return json.dumps({**body, "base_revision": None}).replace('"?"', literal)


MILLION_SEGMENTS = "M0 0" + "h1" * 999_990  # a million segments, just under the 2,000,000-character limit
SIX_MILLION_CHARS = "M 0 0 " + "L 1 1 " * 1_000_000

# name, raw JSON body (the recipe), HTTP status, message fragment
RECIPES = [
    ("million-segments", json.dumps({"recipe": _path(MILLION_SEGMENTS), "base_revision": None}), 400, "segments"),
    (
        "six-million-characters",
        json.dumps({"recipe": _path(SIX_MILLION_CHARS), "base_revision": None}),
        400,
        "path data is longer than 2000000 characters",
    ),
    (
        "nan-in-path",
        json.dumps({"recipe": _path("M NaN 0 L 10 10 L 0 10 Z"), "base_revision": None}),
        400,
        "ops[0].d: ",
    ),
    (
        "huge-number-in-path",
        json.dumps({"recipe": _path("M 1e308 0 L 10 10 L 0 10 Z"), "base_revision": None}),
        400,
        "ops[0].d: ",
    ),
    (
        "overflowing-number",
        json.dumps({"recipe": _path("M 1e309 0 L 10 10 L 0 10 Z"), "base_revision": None}),
        400,
        "ops[0].d: ",
    ),
    ("malformed-path", json.dumps({"recipe": _path("M 0 0 Q 5"), "base_revision": None}), 400, "ops[0].d: "),
    (
        "not-a-path",
        json.dumps({"recipe": _path("<script>alert(1)</script>"), "base_revision": None}),
        400,
        "ops[0].d: ",
    ),
    (
        "json-nan-literal",
        _with_literal("NaN"),
        400,
        "JSON parse error - Out of range float values are not JSON compliant: 'NaN'",
    ),
    (
        "json-infinity",
        _with_literal("Infinity"),
        400,
        "JSON parse error - Out of range float values are not JSON compliant: 'Infinity'",
    ),
    (
        "unknown-op",
        json.dumps({"recipe": {"version": 1, "base": "ai", "ops": [{"op": "explode"}]}, "base_revision": None}),
        400,
        "ops[0].op: unknown op",
    ),
    ("not-json", "{recipe: ", 400, "JSON"),
]


@pytest.mark.parametrize(("body", "status", "message"), [pytest.param(b, s, m, id=n) for n, b, s, m in RECIPES])
def test_each_bad_recipe_is_400_naming_the_problem_and_no_revision_is_written(
    api, users, make_photo, body, status, message
):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    response = api.retoucher.post(f"/api/photos/{photo.pk}/revisions/", body, content_type="application/json")
    assert response.status_code == status, response.content[:500]
    error = response.json()
    assert error["code"] and message in error["message"], error
    assert Revision.objects.count() == 0 and Render.objects.count() == 0
    assert Event.objects.filter(photo=photo).count() == 0


# --- markup renders as text --------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"


def test_html_in_sku_titles_notes_and_file_names_renders_as_text(api, users, django_capture_on_commit_callbacks):
    """Markup is data like any other: imported as sent (file name -> SKU, manifest -> title), shown as text."""
    manifest = f'file,sku,view,title\n{IMG}_front.jpg,{IMG},front,"{SCRIPT}"\n'.encode()
    files = {f"{IMG}_front.jpg": jpeg(), f"{IMG}_front_cutout.png": mask(), "manifest.csv": manifest}
    uploads = [SimpleUploadedFile(name, data) for name, data in files.items()]
    with django_capture_on_commit_callbacks(execute=True):
        report = api.manager.post("/api/uploads/", {"batch": SCRIPT, "files": uploads}, format="multipart").json()
    assert [(i["sku"], i["view"]) for i in report.get("imported", [])] == [(IMG, "front")], report
    photo = Photo.objects.select_related("sku").get(pk=report["imported"][0]["photo_id"])
    assert (photo.sku.title, photo.source_name) == (SCRIPT, f"{IMG}_front.jpg")
    flagged = api.reviewer.post(
        f"/api/photos/{photo.pk}/flag/",
        {"reason": "halo", "note": SCRIPT + IMG, "pins": [{"x": 3, "y": 4}]},
        format="json",
    )
    assert flagged.status_code == 200, flagged.json()
    pages = [
        (users.reviewer, f"/photos/{photo.pk}/review/"),
        (users.manager, "/grid/"),
        (users.manager, "/dashboard/"),
        (users.manager, "/dashboard/photos/"),
        (users.retoucher, "/retouch/"),
    ]
    for user, url in pages:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    review = Client()
    review.force_login(users.reviewer)
    html = review.get(f"/photos/{photo.pk}/review/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html  # there, as text
