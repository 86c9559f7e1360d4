"""Originals an upload makes the same SKU and view are refused, all of them, unless already imported."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage

from jewelreview.catalog.ingest import ingest_files
from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db


def _files(mapping: dict[str, bytes]) -> list[tuple[str, io.BytesIO]]:
    return [(name, io.BytesIO(data)) for name, data in mapping.items()]


def _pair(images, name: str, seed: int) -> dict[str, bytes]:
    return {f"{name}.jpg": images.jpeg(64, 48, seed=seed), f"{name}_cutout.png": images.cutout(64, 48)}


def test_two_new_originals_of_one_view_are_both_refused_and_nothing_of_them_stored(images, users):
    manifest = b"file,sku,view\nIMG_1.jpg,RING-9,front\nIMG_2.jpg,RING-9,front\nIMG_3.jpg,RING-9,side\n"
    files = {**_pair(images, "IMG_1", 1), **_pair(images, "IMG_2", 2), **_pair(images, "IMG_3", 3),
             **_pair(images, "RING-9_side", 4), **_pair(images, "RING-8_front", 5), "manifest.csv": manifest}
    report = ingest_files(files=_files(files), batch_name="b", actor=users.manager)
    assert [(i.sku, i.view) for i in report.imported] == [("RING-8", "front")]
    refused = {r.name: (r.reason, r.ai_result) for r in report.refused}
    assert refused["IMG_1.jpg"] == (
        "RING-9/front is also given to IMG_2.jpg: one new photo per SKU and view in an upload; "
        "say which in the manifest's view column",
        "IMG_1_cutout.png",
    )
    assert refused["IMG_2.jpg"][0].startswith("RING-9/front is also given to IMG_1.jpg:")
    # a manifest row and another file's name that say the same SKU and view clash too
    assert refused["IMG_3.jpg"][0].startswith("RING-9/side is also given to RING-9_side.jpg:")
    assert set(refused) == {"IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "RING-9_side.jpg"}
    assert Photo.objects.count() == 1 and len(default_storage.listdir("originals")[0]) == 1


def test_a_resent_upload_with_an_imported_original_and_its_replacement_imports_the_replacement(images, users):
    old = _pair(images, "RING-9_front", 1)
    ingest_files(files=_files(old), batch_name="first", actor=users.manager)
    manifest = b"file,sku,view\nRING-9_front.jpg,RING-9,front\nRESHOOT.jpg,RING-9,front\n"
    again = {**old, **_pair(images, "RESHOOT", 2), "manifest.csv": manifest}
    report = ingest_files(files=_files(again), batch_name="second", actor=users.manager)
    assert [s.name for s in report.skipped] == ["RING-9_front.jpg"]  # a duplicate, as before
    assert [(i.name, i.sku, i.view) for i in report.imported] == [("RESHOOT.jpg", "RING-9", "front")]
    assert report.refused == []


def test_a_manifest_without_views_names_a_few_clashing_files_and_says_where_main_came_from(images, users):
    rows = "".join(f"IMG_{i}.jpg,RING-9\n" for i in range(6))
    files = {"manifest.csv": f"file,sku\n{rows}".encode()}
    for i in range(6):
        files.update(_pair(images, f"IMG_{i}", 10 + i))
    report = ingest_files(files=_files(files), batch_name="b", actor=users.manager)
    assert report.imported == [] and len(report.refused) == 6
    reason = next(r.reason for r in report.refused if r.name == "IMG_0.jpg")
    assert reason.startswith(
        "RING-9/main (the view when neither the manifest nor the name gives one) is also given to "
        "IMG_1.jpg, IMG_2.jpg, IMG_3.jpg, 2 more:"
    )
