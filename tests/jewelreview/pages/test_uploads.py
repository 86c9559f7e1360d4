"""/uploads/: managers import files or one zip through the ingest service and see the report."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jewelreview.catalog.models import Batch, Photo

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def ring_pair(ring):
    """A fresh pair of uploads (an upload is read once) per call: RING1_front.jpg + RING1_front_mask.png."""
    return lambda: [upload("RING1_front.jpg", ring.jpeg()), upload("RING1_front_mask.png", ring.mask())]


# The report's row head for the ring pair: the photo, and its AI result beneath.
RING1_ROW = '<th scope="row">RING1_front.jpg <span class="paired-file">with RING1_front_mask.png</span></th>'


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def post(client: Client, files, batch: str = "launch", **extra):
    return client.post("/uploads/", {"files": files, "batch": batch}, **extra)


def nothing_stored() -> bool:
    return not default_storage.exists("originals") and not default_storage.exists("masks")


# --- who may ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_nothing_is_imported(browsers, ring_pair):
    assert browsers.anonymous.get("/uploads/").url == "/login/?next=/uploads/"
    response = post(browsers.anonymous, ring_pair())
    assert response.status_code == 302 and response.url == "/login/?next=/uploads/"
    assert Photo.objects.count() == 0 and nothing_stored()


@pytest.mark.parametrize("role", ["reviewer", "retoucher", "nobody"])
def test_other_roles_get_the_403_page(browsers, role, ring_pair):
    client = getattr(browsers, role)
    for response in (client.get("/uploads/"), post(client, ring_pair())):
        assert response.status_code == 403
        html = response.content.decode()
        assert "<h1>Not allowed</h1>" in html and "Only managers may import batches." in html
    assert Photo.objects.count() == 0 and nothing_stored()


def test_manager_gets_an_accessible_upload_form(browsers):
    response = browsers.manager.get("/uploads/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_files">Photos and AI results, or one zip:</label>' in html
    assert '<label for="id_batch">Batch name (optional):</label>' in html
    assert 'type="file" name="files"' in html and "multiple" in html
    assert 'aria-describedby="id_files_helptext"' in html


# --- imports ---------------------------------------------------------------------------------


def test_two_generated_images_import_one_photo_shown_in_the_report(browsers, ring_pair):
    response = post(browsers.manager, ring_pair())
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert (photo.sku.code, photo.view, photo.batch.name) == ("RING1", "front", "launch")
    assert (photo.width, photo.height) == (40, 30)
    html = response.content.decode()
    assert "<caption>Every file of the upload and what became of it</caption>" in html
    assert f"{RING1_ROW}<td>Imported</td>" in html
    assert f"Photo {photo.pk}: SKU RING1, view front" in html
    assert "1 imported, 0 skipped," in html


def test_re_uploading_the_same_files_is_skipped_as_duplicate(browsers, ring_pair):
    post(browsers.manager, ring_pair())
    response = post(browsers.manager, ring_pair())
    photo = Photo.objects.get()
    html = response.content.decode()
    assert "Nothing new was imported and no batch was created: 1 skipped, 0 refused, 0 ignored." in html
    assert "Batch <strong>" not in html  # no batch named: none was made (QA: it named one never created)
    assert f"duplicate of photo {photo.pk} (RING1/front)" in html
    assert '<span class="paired-file">with RING1_front_mask.png</span></th><td>Skipped</td>' in html


def test_without_a_batch_name_the_batch_is_named_after_the_time(browsers, ring_pair):
    response = post(browsers.manager, ring_pair(), batch="  ")
    assert response.status_code == 200
    name = Batch.objects.get().name
    assert name.startswith("Upload 20") and name.endswith(" UTC")
    assert f"Batch <strong>{name}</strong>" in response.content.decode()


def test_a_zip_of_a_pair_imports(browsers, ring):
    archive = zip_of({"shoot/RING1_front.jpg": ring.jpeg(), "shoot/RING1_front_mask.png": ring.mask()})
    response = post(browsers.manager, [upload("launch.zip", archive)])
    assert response.status_code == 200
    assert Photo.objects.get().sku.code == "RING1"
    assert (
        '<th scope="row">shoot/RING1_front.jpg <span class="paired-file">with shoot/RING1_front_mask.png</span></th>'
        "<td>Imported</td>"
    ) in response.content.decode()


def test_a_zip_slip_archive_is_refused_whole_with_the_reason(browsers, ring):
    archive = zip_of(
        {"RING1_front.jpg": ring.jpeg(), "RING1_front_mask.png": ring.mask(), "../evil.jpg": ring.jpeg(seed=2)}
    )
    response = post(browsers.manager, [upload("launch.zip", archive)])
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<li class="message message-error" role="alert">../evil.jpg: the path leaves the archive (zip slip). '
        "The archive was refused; nothing was imported.</li>"
    ) in html
    assert "Import report" not in html
    assert 'name="batch" value="launch"' in html  # kept for the next try
    assert Photo.objects.count() == 0 and Batch.objects.count() == 0 and nothing_stored()


def test_html_in_a_file_name_is_shown_escaped(browsers, ring):
    name = "<img src=x onerror=alert(1)>_front.jpg"
    response = post(browsers.manager, [upload(name, ring.jpeg())])
    assert response.status_code == 200
    html = response.content.decode()
    assert "<img src=x" not in html
    assert '<th scope="row">&lt;img src=x onerror=alert(1)&gt;_front.jpg</th><td>Refused</td>' in html
    assert "no AI result (expected &lt;img src=x onerror=alert(1)&gt;_front_cutout.png" in html
    assert Photo.objects.count() == 0


def test_a_mask_of_the_wrong_size_is_refused_with_the_reason(browsers, ring):
    files = [upload("RING1_front.jpg", ring.jpeg()), upload("RING1_front_mask.png", ring.mask(20, 10))]
    html = post(browsers.manager, files).content.decode()
    assert f"{RING1_ROW}<td>Refused</td>" in html
    assert "AI mask is 20x10 but the original is 40x30" in html
    assert Photo.objects.count() == 0


def test_an_empty_file_is_refused_by_name_in_the_report_and_the_rest_imports(browsers, ring, ring_pair):
    """QA: one 0-byte file among twelve refused the whole upload ("The submitted file is empty.",
    no file named) and cleared the selection; now it is a line of the report like any bad file."""
    files = [*ring_pair(), upload("EMPTY_front.jpg", b""), upload("EMPTY_front_mask.png", ring.mask()),
             upload("LONE_front.jpg", b"")]
    response = post(browsers.manager, files)
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert f"{RING1_ROW}<td>Imported</td>" in html
    row = '<th scope="row">EMPTY_front.jpg <span class="paired-file">with EMPTY_front_mask.png</span></th>'
    assert f"{row}<td>Refused</td><td>not an image: the data is empty (0 bytes)</td>" in html
    assert '<th scope="row">LONE_front.jpg</th><td>Refused</td><td>no AI result' in html
    assert "The submitted file is empty." not in html
    assert Photo.objects.count() == 1


def test_other_files_are_listed_as_ignored(browsers, ring_pair):
    html = post(browsers.manager, [*ring_pair(), upload("notes.txt", b"shot on a Tuesday")]).content.decode()
    assert '<th scope="row">notes.txt</th><td>Ignored</td><td>not an image or manifest</td>' in html


def test_a_zip_inside_the_zip_is_listed_as_ignored_with_why(browsers, ring):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
    html = post(browsers.manager, [upload("outer.zip", buffer.getvalue())]).content.decode()
    assert '<th scope="row">inner.zip</th><td>Ignored</td><td>archives inside a zip are not read</td>' in html
    assert Batch.objects.count() == 0


# --- bad requests, limits --------------------------------------------------------------------


def test_no_files_is_a_form_error(browsers):
    response = browsers.manager.post("/uploads/", {"batch": "launch"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported: please correct the form." in html
    assert '<ul class="errorlist" id="id_files_error"><li>This field is required.</li></ul>' in html
    assert 'aria-invalid="true"' in html
    assert Batch.objects.count() == 0


def test_a_zip_mixed_with_files_is_a_form_error(browsers, ring_pair):
    response = post(browsers.manager, [*ring_pair(), upload("more.zip", zip_of({"a.txt": b"x"}))])
    assert response.status_code == 400
    assert "Upload a zip on its own, or image files without a zip." in response.content.decode()
    assert Photo.objects.count() == 0 and nothing_stored()


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(browsers, settings, ring_pair):
    settings.JEWELREVIEW_MAX_UPLOAD_BYTES = 100
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1  # parsing the body would fail differently (400)
    response = post(browsers.manager, ring_pair())
    assert response.status_code == 413
    assert "The upload is larger than 100 bytes. Nothing was imported." in response.content.decode()
    assert Photo.objects.count() == 0 and nothing_stored()


def test_files_over_the_upload_limit_are_refused_by_the_service(browsers, settings, ring_pair):
    settings.JEWELREVIEW_MAX_UPLOAD_BYTES = 1024  # the form fields' allowance lets the body through
    response = post(browsers.manager, ring_pair())
    assert response.status_code == 413
    assert "The upload is larger than 1 KiB. Nothing was imported." in response.content.decode()
    assert Photo.objects.count() == 0 and nothing_stored()


def test_a_file_over_the_file_limit_is_refused_in_the_report(browsers, settings, ring_pair):
    settings.JEWELREVIEW_MAX_FILE_BYTES = 200
    response = post(browsers.manager, ring_pair())
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{RING1_ROW}<td>Refused</td>" in html
    assert "over the 200 bytes limit for one file" in html
    assert Photo.objects.count() == 0


def test_too_many_files_is_a_message_not_an_error_page(browsers, settings, ring_pair):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    response = post(browsers.manager, ring_pair())
    assert response.status_code == 400
    assert "more files than the limit of 1: send them as one zip. Nothing was imported." in response.content.decode()
    assert Photo.objects.count() == 0


def test_uploads_are_csrf_protected(users, ring_pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    assert post(client, ring_pair()).status_code == 403
    assert Photo.objects.count() == 0 and nothing_stored()

    client.get("/uploads/")
    token = client.cookies["csrftoken"].value
    response = client.post("/uploads/", {"files": ring_pair(), "batch": "launch", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and Photo.objects.count() == 1


def test_a_manifest_in_the_upload_is_reported_as_read_not_ignored(browsers, ring_pair):
    manifest = upload("manifest.csv", b"file,sku,view\nRING1_front.jpg,RING-9,top\n")
    html = post(browsers.manager, [*ring_pair(), manifest]).content.decode()
    photo = Photo.objects.get()
    assert (photo.sku.code, photo.view) == ("RING-9", "top")
    row = '<th scope="row">manifest.csv</th><td>Read</td><td>Manifest: 1 file named with SKU, view and title</td>'
    assert row in html
    assert "<td>Ignored</td>" not in html
