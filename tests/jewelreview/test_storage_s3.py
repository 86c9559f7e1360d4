"""The same pipeline on an S3-compatible store (django-storages' S3Storage, S3 mocked by moto)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage, storages

pytest.importorskip("moto")
from moto import mock_aws

from jewelreview import stored_files
from jewelreview.catalog.ingest import ingest_files
from jewelreview.catalog.models import Photo

BUCKET = "jewelreview-test"


@pytest.fixture
def s3_storage(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "file_overwrite": True},
            },
        }
        yield storages["default"]


@pytest.mark.django_db
def test_ingest_and_prepare_on_s3(s3_storage, images, users, media_storage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_files(
            files=[
                ("R_front.jpg", io.BytesIO(images.jpeg(300, 200, seed=1))),
                ("R_front_cutout.png", io.BytesIO(images.cutout(300, 200))),
            ],
            batch_name="s3",
            actor=users.manager,
        )
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    assert photo.status == "needs_review"
    assert type(s3_storage).__name__ == "S3Storage"
    assert stored_files.read_bytes(photo.tiles_original.name).startswith(b"<?xml")
    assert default_storage.exists(photo.original.name)
    assert photo.original.url.startswith(f"https://{BUCKET}.s3.amazonaws.com/originals/")
    assert not media_storage.exists(), "nothing may touch the filesystem"


@pytest.mark.django_db
@pytest.mark.usefixtures("core_render")
def test_render_on_s3(s3_storage, images, users, recipe, django_capture_on_commit_callbacks):
    from jewelreview.repairs.models import Render
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_claim, photo_flag

    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_files(
            files=[
                ("R_front.jpg", io.BytesIO(images.jpeg(64, 48, seed=3))),
                ("R_front.png", io.BytesIO(images.mask(64, 48))),
            ],
            batch_name="s3",
            actor=users.manager,
        )
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    photo_claim(photo=photo, actor=users.retoucher)
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    assert render.state == "done", render.error
    assert stored_files.sha256_hex(stored_files.read_bytes(render.final.name)) == render.checksum
