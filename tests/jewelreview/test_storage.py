"""Storage: atomic filesystem saves, and the whole pipeline on a non-filesystem storage."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages

from jewelreview import stored_files
from jewelreview.catalog.ingest import ingest_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render
from jewelreview.reviews.services import photo_claim, photo_flag
from jewelreview.storages import AtomicFileSystemStorage


class DyingContent(ContentFile):
    def chunks(self, chunk_size=None):
        yield b"half of a png"
        raise OSError("disk unplugged")


def test_atomic_storage_never_shows_a_half_written_file(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError, match="disk unplugged"):
        storage.save("renders/1/final.png", DyingContent(b""))
    assert not storage.exists("renders/1/final.png")
    assert list((tmp_path / "renders" / "1").iterdir()) == []  # no temporary file left either


def test_atomic_storage_never_overwrites(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    assert storage.save("a/x.png", ContentFile(b"one")) == "a/x.png"
    second = storage.save("a/x.png", ContentFile(b"two"))
    assert second != "a/x.png" and second.startswith("a/x_")
    assert storage.open("a/x.png").read() == b"one" and storage.open(second).read() == b"two"
    assert oct((tmp_path / "a" / "x.png").stat().st_mode & 0o777) in {"0o644", "0o600", "0o664"}


def test_save_new_refuses_to_rename():
    stored_files.save_new("a/b.txt", b"1")
    with pytest.raises(FileExistsError):
        stored_files.save_new("a/b.txt", b"2")
    assert stored_files.read_bytes("a/b.txt") == b"1"
    assert default_storage.listdir("a")[1] == ["b.txt"]


@pytest.mark.django_db
def test_ingest_and_prepare_on_in_memory_storage(
    in_memory_storage, images, users, media_storage, django_capture_on_commit_callbacks
):
    assert type(storages["default"]) is InMemoryStorage
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_files(
            files=[
                ("R_front.jpg", io.BytesIO(images.jpeg(300, 200, seed=1))),
                ("R_front_cutout.png", io.BytesIO(images.cutout(300, 200))),
            ],
            batch_name="mem",
            actor=users.manager,
        )
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    assert photo.status == "needs_review"
    for name in (photo.original.name, photo.ai_mask.name, photo.preview_cutout.name, photo.tiles_cutout.name):
        assert default_storage.exists(name)
    assert not media_storage.exists(), "nothing may touch the filesystem"


@pytest.mark.django_db
@pytest.mark.usefixtures("core_render")
def test_render_on_in_memory_storage(
    in_memory_storage, images, users, recipe, media_storage, django_capture_on_commit_callbacks
):
    from jewelreview.repairs.services import revision_create

    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_files(
            files=[
                ("R_front.jpg", io.BytesIO(images.jpeg(64, 48, seed=2))),
                ("R_front.png", io.BytesIO(images.mask(64, 48))),
            ],
            batch_name="mem",
            actor=users.manager,
        )
        photo = Photo.objects.get(pk=report.imported[0].photo_id)
    photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    photo_claim(photo=photo, actor=users.retoucher)
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    assert render.state == "done", render.error
    assert stored_files.read_bytes(render.final.name)[:8] == b"\x89PNG\r\n\x1a\n"
    assert not media_storage.exists()
