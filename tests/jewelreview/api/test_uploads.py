"""POST /api/uploads/: files or one zip -> the import report; unsafe input refused, nothing half-imported."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jewelreview.catalog.models import Batch, Photo

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nothing_stored() -> bool:
    return not default_storage.exists("originals") and not default_storage.exists("masks")


def post(client, files, batch="launch"):
    return client.post("/api/uploads/", {"batch": batch, "files": files}, format="multipart")


def test_files_are_paired_imported_and_prepared(api, images, django_capture_on_commit_callbacks):
    files = [
        upload("RING-1_front.jpg", images.jpeg(300, 200, seed=1)),
        upload("RING-1_front_cutout.png", images.cutout(300, 200)),
        upload("RING-2_side.jpg", images.jpeg(300, 200, seed=2)),
        upload("RING-2_side.png", images.mask(300, 200)),
        upload("notes.txt", b"shot on a Tuesday"),
        upload("RING-3_top.jpg", images.jpeg(300, 200, seed=3)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api.manager, files)
    assert response.status_code == 200, response.json()
    report = response.json()
    batch = Batch.objects.get(name="launch")
    assert report["batch"] == {"id": batch.pk, "name": "launch"}
    assert report["summary"] == "Batch launch: 2 imported, 0 skipped, 1 refused, 1 ignored."
    assert [(i["name"], i["ai_result"], i["sku"], i["view"]) for i in report["imported"]] == [
        ("RING-1_front.jpg", "RING-1_front_cutout.png", "RING-1", "front"),
        ("RING-2_side.jpg", "RING-2_side.png", "RING-2", "side"),
    ]
    assert report["refused"] == [
        {
            "name": "RING-3_top.jpg",
            "reason": "no AI result (expected RING-3_top_cutout.png, RING-3_top_mask.png or RING-3_top.png)",
            "ai_result": "",
        }
    ]
    assert report["ignored"] == [{"name": "notes.txt", "reason": "not an image or manifest"}]
    assert report["skipped"] == []

    # The prepare task ran in-process: previews and deep-zoom tiles are served through the API.
    photo_id = report["imported"][0]["photo_id"]
    photo = api.reviewer.get(f"/api/photos/{photo_id}/").json()
    assert photo["status"] == "needs_review"
    dzi = api.reviewer.get(photo["tiles_cutout_url"])
    assert dzi.status_code == 200
    descriptor = b"".join(dzi.streaming_content).decode()
    assert 'Format="png"' in descriptor
    tile = api.reviewer.get(photo["tiles_cutout_url"].replace(".dzi", "_files/0/0_0.png"))
    assert tile.status_code == 200 and b"".join(tile.streaming_content).startswith(b"\x89PNG")
    preview = api.reviewer.get(photo["preview_cutout_url"])
    assert preview.status_code == 200 and b"".join(preview.streaming_content)[8:12] == b"WEBP"

    again = post(
        api.manager,
        [
            upload("RING-1_front.jpg", images.jpeg(300, 200, seed=1)),
            upload("RING-1_front_cutout.png", images.cutout(300, 200)),
        ],
    )
    assert again.json()["imported"] == [] and again.json()["skipped"][0]["photo_id"] == photo_id
    assert Photo.objects.count() == 2


def test_one_zip_is_imported(api, images):
    archive = zip_of(
        {
            "launch/NECK-1_front.jpg": images.jpeg(64, 48, seed=5),
            "launch/NECK-1_front_mask.png": images.mask(64, 48),
            "__MACOSX/launch/._NECK-1_front.jpg": b"junk",
        }
    )
    response = post(api.manager, [upload("launch.zip", archive)])
    assert response.status_code == 200
    assert [(i["sku"], i["view"]) for i in response.json()["imported"]] == [("NECK-1", "front")]


@pytest.mark.parametrize("evil", ["../../etc/cron.d/evil.jpg", "/abs/RING_front.jpg", "ok/../../RING_front.jpg"])
def test_zip_slip_refuses_the_whole_archive(api, images, evil):
    archive = zip_of(
        {
            "RING-1_front.jpg": images.jpeg(64, 48, seed=1),
            "RING-1_front_cutout.png": images.cutout(64, 48),
            evil: images.jpeg(64, 48, seed=2),
        }
    )
    response = post(api.manager, [upload("evil.zip", archive)])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "zip_slip" and body["details"] == {"entry": evil}
    assert (
        body["message"]
        == f"{evil}: the path leaves the archive (zip slip). The archive was refused; nothing was imported."
    )
    assert Photo.objects.count() == 0 and not Batch.objects.exists() and nothing_stored()


def test_non_images_are_refused_with_the_reason_and_nothing_of_them_is_stored(api, images):
    files = [
        upload("FAKE-1_front.jpg", b"MZ\x90\x00 this is an executable"),
        upload("FAKE-1_front_cutout.png", images.cutout(64, 48)),
        upload("REAL-1_front.jpg", images.jpeg(64, 48, seed=4)),
        upload("REAL-1_front_cutout.png", b"<svg>not a png</svg>"),
    ]
    response = post(api.manager, files)
    assert response.status_code == 422  # every pair refused: the upload as a whole failed
    report = response.json()
    assert report["imported"] == [] and report["batch"] is None
    refused = {r["name"]: r["reason"] for r in report["refused"]}
    assert set(refused) == {"FAKE-1_front.jpg", "REAL-1_front.jpg"}
    assert "not" in refused["FAKE-1_front.jpg"].lower()
    assert refused["REAL-1_front.jpg"].startswith("AI result REAL-1_front_cutout.png:")
    first = report["refused"][0]
    assert report["code"] == "nothing_imported"
    assert report["message"] == f"Nothing was imported: {first['name']}: {first['reason']} (1 more file refused)."
    assert report["details"] == {"file": first["name"], "refused": 2, "ignored": 0}
    assert Photo.objects.count() == 0 and not Batch.objects.exists() and nothing_stored()


def test_an_upload_with_one_good_pair_is_200_with_the_bad_one_refused(api, images):
    files = [
        upload("GOOD-1_front.jpg", images.jpeg(64, 48, seed=1)),
        upload("GOOD-1_front_cutout.png", images.cutout(64, 48)),
        upload("BAD-1_front.jpg", b"hello, I am text"),
        upload("BAD-1_front_cutout.png", images.cutout(64, 48)),
    ]
    response = post(api.manager, files)
    assert response.status_code == 200
    report = response.json()
    assert [i["name"] for i in report["imported"]] == ["GOOD-1_front.jpg"]
    assert [r["name"] for r in report["refused"]] == ["BAD-1_front.jpg"] and "code" not in report


def test_re_uploading_only_duplicates_is_200_not_an_error(api, images):
    shoot = {"DUP-1_front.jpg": images.jpeg(64, 48, seed=7), "DUP-1_front_cutout.png": images.cutout(64, 48)}
    assert post(api.manager, [upload(name, data) for name, data in shoot.items()]).status_code == 200
    again = post(api.manager, [upload(name, data) for name, data in shoot.items()])
    assert again.status_code == 200
    assert again.json()["imported"] == [] and [s["name"] for s in again.json()["skipped"]] == ["DUP-1_front.jpg"]
    assert again.json()["batch"] is None  # no batch was made: none is named
    summary = "Nothing new was imported and no batch was created: 1 skipped, 0 refused, 0 ignored."
    assert again.json()["summary"] == summary
    assert Batch.objects.count() == 1


def test_the_schema_documents_the_422_of_an_upload_that_imported_nothing(api):
    schema = api.reviewer.get("/api/schema/?format=json").json()
    response = schema["paths"]["/api/uploads/"]["post"]["responses"]["422"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"code", "message", "details", "imported", "refused"} <= set(properties)


def test_a_corrupt_zip_is_400(api):
    response = post(api.manager, [upload("broken.zip", b"PK\x03\x04 definitely not a zip")])
    assert response.status_code == 400 and response.json()["code"] == "bad_zip"
    assert Photo.objects.count() == 0


def test_upload_needs_files_and_a_batch(api):
    response = api.manager.post("/api/uploads/", {"batch": "x"}, format="multipart")
    assert response.status_code == 400 and response.json()["details"]["field"] == "files"
    response = api.manager.post("/api/uploads/", {"files": [upload("a.jpg", b"1")]}, format="multipart")
    assert response.status_code == 400 and response.json()["message"] == "batch: This field is required."
    json_body = api.manager.post("/api/uploads/", {"batch": "x"}, format="json")
    assert json_body.status_code == 415 and json_body.json()["code"] == "unsupported_media_type"


def test_an_upload_over_the_limit_is_413_and_nothing_is_imported(api, images, settings):
    settings.JEWELREVIEW_MAX_UPLOAD_BYTES = 2000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    files = [
        upload("BIG-1_front.jpg", images.jpeg(200, 200, seed=1) + b"\0" * 5000),
        upload("BIG-1_front_cutout.png", images.cutout(200, 200)),
    ]
    response = post(api.manager, files)
    assert response.status_code == 413
    assert response.json() == {
        "code": "upload_too_large",
        "message": "The upload is larger than 2.0 KiB. Nothing was imported.",
        "details": {"limit_bytes": 2000},
    }
    assert Photo.objects.count() == 0 and nothing_stored()


def test_a_file_over_the_per_file_limit_is_refused_by_name(api, images, settings):
    settings.JEWELREVIEW_MAX_FILE_BYTES = 3000
    files = [
        upload("BIG-1_front.jpg", images.jpeg(64, 48, seed=1) + b"\0" * 5000),
        upload("BIG-1_front_cutout.png", images.cutout(64, 48)),
    ]
    response = post(api.manager, files)
    assert response.status_code == 422 and response.json()["code"] == "nothing_imported"
    assert response.json()["refused"][0]["name"] == "BIG-1_front.jpg"
    assert "limit for one file" in response.json()["refused"][0]["reason"]
    assert response.json()["message"].startswith("Nothing was imported: BIG-1_front.jpg: ")
    assert Photo.objects.count() == 0


ONLY_ONE_ZIP = "only one zip per upload, sent on its own: this one came with other files"
NESTED_ZIP = "archives inside a zip are not read"
NOT_AN_IMAGE = "not an image or manifest"
UNREADABLE_ZIP = "not a zip this server can read: only .zip archives are, and this one is empty, damaged or another kind"


def _shoot_zip(images, seed=1) -> bytes:
    return zip_of({"X_front.jpg": images.jpeg(64, 48, seed=seed), "X_front_cutout.png": images.cutout(64, 48)})


@pytest.mark.parametrize(
    ("files", "ignored", "message"),
    [
        (
            lambda images: [upload("a.zip", _shoot_zip(images, 1)), upload("b.zip", _shoot_zip(images, 2))],
            [("a.zip", ONLY_ONE_ZIP), ("b.zip", ONLY_ONE_ZIP)],
            f"Nothing was imported: a.zip: {ONLY_ONE_ZIP} (1 more file ignored).",
        ),
        (
            lambda images: [upload("outer.zip", zip_of({"inner.zip": _shoot_zip(images)}))],
            [("inner.zip", NESTED_ZIP)],
            f"Nothing was imported: inner.zip: {NESTED_ZIP}.",
        ),
        (  # review: a lone archive that is no zip (a damaged one is bad_zip) was said to have come "with other files"
            lambda images: [upload("shoot.7z", b"7z\xbc\xaf\x27\x1c\x00\x04")],
            [("shoot.7z", UNREADABLE_ZIP)],
            f"Nothing was imported: shoot.7z: {UNREADABLE_ZIP}.",
        ),
        (
            lambda images: [upload("weird.exe", b"MZ\x90\x00")],
            [("weird.exe", NOT_AN_IMAGE)],
            f"Nothing was imported: weird.exe: {NOT_AN_IMAGE}.",
        ),
        (
            lambda images: [upload("..RING_front.jpg", images.jpeg(64, 48, seed=1))],
            [("..RING_front.jpg", "hidden file: its name starts with a dot")],
            "Nothing was imported: ..RING_front.jpg: hidden file: its name starts with a dot.",
        ),
    ],
)
def test_an_upload_whose_every_file_is_ignored_is_422_with_a_reason_per_file(api, images, files, ignored, message):
    response = post(api.manager, files(images))
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "nothing_imported" and body["message"] == message
    assert [(i["name"], i["reason"]) for i in body["ignored"]] == ignored
    assert body["details"] == {"file": ignored[0][0], "refused": 0, "ignored": len(ignored)}
    assert Photo.objects.count() == 0 and not Batch.objects.exists() and nothing_stored()


def test_an_empty_zip_is_422_saying_it_holds_nothing_to_import(api):
    response = post(api.manager, [upload("empty.zip", zip_of({}))])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "nothing_imported"
    assert body["message"] == "Nothing was imported: the upload holds no photos to import."
    assert body["details"] == {"file": None, "refused": 0, "ignored": 0}
    assert Photo.objects.count() == 0 and not Batch.objects.exists()


def test_a_zip_sent_with_loose_files_is_ignored_with_its_reason_and_the_files_imported(api, images):
    files = [
        upload("shoot.zip", _shoot_zip(images)),
        upload("RING-1_front.jpg", images.jpeg(64, 48, seed=3)),
        upload("RING-1_front_cutout.png", images.cutout(64, 48)),
    ]
    response = post(api.manager, files)
    assert response.status_code == 200, response.json()
    assert [i["name"] for i in response.json()["imported"]] == ["RING-1_front.jpg"]
    assert response.json()["ignored"] == [{"name": "shoot.zip", "reason": ONLY_ONE_ZIP}]


def test_a_zip_with_the_same_name_in_two_folders_imports_neither(api, images):
    archive = zip_of(
        {
            "ZS8_front.jpg": images.jpeg(64, 48, seed=1),
            "ZS8_front.png": images.mask(64, 48),
            "sub/ZS8_front.jpg": images.jpeg(64, 48, seed=2),
            "sub/ZS8_front.png": images.mask(64, 48),
        }
    )
    response = post(api.manager, [upload("shoot.zip", archive)])
    assert response.status_code == 422, response.json()
    reason = "several originals share the name ZS8_front: ZS8_front.jpg, sub/ZS8_front.jpg"
    assert [(r["name"], r["reason"]) for r in response.json()["refused"]] == [
        ("ZS8_front.jpg", reason),
        ("sub/ZS8_front.jpg", reason),
    ]
    assert Photo.objects.count() == 0 and nothing_stored()
