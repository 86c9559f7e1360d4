"""The import_batch and demo commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoot(tmp_path, images):
    root = tmp_path / "launch-2025"
    root.mkdir()
    (root / "RING-1_front.jpg").write_bytes(images.jpeg(64, 48, seed=1))
    (root / "RING-1_front_cutout.png").write_bytes(images.cutout(64, 48))
    (root / "RING-1_side.jpg").write_bytes(images.jpeg(64, 48, seed=2))
    (root / "RING-1_side_mask.png").write_bytes(images.mask(48, 64))
    (root / "IMG_7.jpg").write_bytes(images.jpeg(64, 48, seed=3))
    (root / "IMG_7.png").write_bytes(images.mask(64, 48))
    return root


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_batch", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_batch_reports_imported_and_refused_with_reasons(shoot, tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,sku,view,title\nIMG_7.jpg,PEND-7,front,Pendant\n")
    out, err = _run(str(shoot), "--manifest", str(manifest))
    lines = out.splitlines()
    assert lines[0] == "Batch 'launch-2025': imported 2, skipped 0, refused 1, ignored 0."
    assert any(line.startswith("  imported IMG_7.jpg (with IMG_7.png) as PEND-7/front (photo ") for line in lines)
    assert "  refused RING-1_side.jpg (with RING-1_side_mask.png): AI mask is 48x64 but the original is 64x48" in lines
    assert "import" in err and "3/3" in err  # the tqdm progress bar, one step per pair
    assert Photo.objects.count() == 2


def test_import_batch_twice_creates_nothing(shoot):
    _run(str(shoot), "--batch", "launch", "--no-progress")
    before = (Photo.objects.count(), Event.objects.count())
    out, _ = _run(str(shoot), "--batch", "launch", "--no-progress")
    assert out.splitlines()[0] == "Nothing new was imported and no batch was created: 2 skipped, 1 refused, 0 ignored."
    assert (Photo.objects.count(), Event.objects.count()) == before


def test_import_batch_of_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        _run(str(tmp_path / "nope"))


@pytest.mark.django_db(transaction=True)  # real commits: previews are built in-process after each one
def test_demo_is_idempotent_and_prints_one_login_per_role(tmp_path, django_user_model):
    out = io.StringIO()
    call_command("demo", "--scenes", str(tmp_path / "no-such-folder"), stdout=out)
    text = out.getvalue()
    assert "Demo photos from generated scenes: 4 imported, 0 already there, 0 refused." in text
    for role, password in (
        ("reviewer", "reviewer-demo-1"),
        ("retoucher", "retoucher-demo-1"),
        ("manager", "manager-demo-1"),
    ):
        assert f"username {role:<10} password {password}" in text
        user = django_user_model.objects.get(username=role)
        assert user.check_password(password) and list(user.groups.values_list("name", flat=True)) == [role]
    statuses = sorted(Photo.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [PhotoStatus.APPROVED, PhotoStatus.FLAGGED, PhotoStatus.IN_REPAIR, PhotoStatus.NEEDS_REVIEW]
    )
    events = Event.objects.count()

    out = io.StringIO()
    call_command("demo", "--scenes", str(tmp_path / "no-such-folder"), stdout=out)
    assert "0 imported, 4 already there" in out.getvalue()
    assert Photo.objects.count() == 4 and Event.objects.count() == events
    assert django_user_model.objects.count() == 3


def test_demo_reads_dev_scenes_when_present(tmp_path, images):
    scenes = tmp_path / "synthetic-dev"
    scenes.mkdir()
    (scenes / "dev_000.jpg").write_bytes(images.jpeg(64, 48, seed=1))
    (scenes / "dev_000_cutout.png").write_bytes(images.cutout(64, 48))
    (scenes / "dev_000_gt.png").write_bytes(images.mask(64, 48))
    (scenes / "dev_000.json").write_text('{"objects": [{"type": "solitaire_ring", "metal": {"kind": "rose_gold"}}]}')
    out = io.StringIO()
    call_command("demo", "--scenes", str(scenes), stdout=out)
    assert f"Demo photos from {scenes}: 1 imported" in out.getvalue()
    photo = Photo.objects.select_related("sku").get()
    assert (photo.sku.code, photo.view, photo.sku.title) == ("DEV-000", "front", "rose gold solitaire ring")
