"""Pairing rules by file name, and SKU/view from names or a manifest (pure: no database)."""

from __future__ import annotations

import io

import pytest

from jewelreview.catalog.pairing import Entry, ManifestRow, entries_pair, manifest_parse, sku_and_view
from jewelreview.errors import InvalidInput


def _entries(*names: str) -> list[Entry]:
    return [Entry(name=name, open=lambda: io.BytesIO(b""), size=0) for name in names]


def _pairs(pairing):
    return sorted((p.original.name, p.ai_result.name, p.sku, p.view) for p in pairing.pairs)


def test_the_three_ai_result_conventions():
    pairing = entries_pair(
        _entries(
            "RING-1_front.jpg",
            "RING-1_front_cutout.png",
            "RING-1_side.jpeg",
            "RING-1_side_mask.png",
            "RING-2_top.JPG",
            "RING-2_top.png",
        )
    )
    assert _pairs(pairing) == [
        ("RING-1_front.jpg", "RING-1_front_cutout.png", "RING-1", "front"),
        ("RING-1_side.jpeg", "RING-1_side_mask.png", "RING-1", "side"),
        ("RING-2_top.JPG", "RING-2_top.png", "RING-2", "top"),
    ]
    assert pairing.refused == [] and pairing.ignored == []


def test_png_original_pairs_with_an_explicit_cutout():
    assert _pairs(entries_pair(_entries("A_front.png", "A_front_cutout.png"))) == [
        ("A_front.png", "A_front_cutout.png", "A", "front"),
    ]


def test_sku_codes_may_contain_underscores_and_a_name_without_one_is_view_main():
    assert sku_and_view("AB_12_front.jpg", {}) == ("AB_12", "front", "")
    assert sku_and_view("ring.jpg", {}) == ("ring", "main", "")


def test_pairs_only_within_a_folder():
    pairing = entries_pair(_entries("a/R_front.jpg", "b/R_front_cutout.png"))
    assert pairing.pairs == []
    assert sorted((r.name, r.reason) for r in pairing.refused) == [
        ("a/R_front.jpg", "no AI result (expected R_front_cutout.png, R_front_mask.png or R_front.png)"),
        ("b/R_front_cutout.png", "no original photo named R_front.*"),
    ]


def test_ambiguous_names_are_refused():
    pairing = entries_pair(
        _entries(
            "R_front.jpg", "R_front_cutout.png", "R_front_mask.png", "S_front.jpg", "S_front.tif", "S_front_cutout.png"
        )
    )
    assert pairing.pairs == []
    reasons = {r.name: r.reason for r in pairing.refused}
    assert reasons["R_front.jpg"] == "several AI results: R_front_cutout.png, R_front_mask.png"
    assert reasons["S_front.jpg"] == "several originals share the name S_front: S_front.jpg, S_front.tif"


def test_the_same_name_in_two_folders_is_refused_as_loose_files_are():
    """Sent loose, two ZS8_front.jpg are refused ("several originals share the name"); a zip or a
    folder tree holding them in two folders must not import two photos of ZS8/front either."""
    pairing = entries_pair(
        _entries(
            "ZS8_front.jpg", "ZS8_front.png", "sub/ZS8_front.jpg", "sub/ZS8_front.png", "ZS9_front.jpg", "ZS9_front.png"
        )
    )
    assert _pairs(pairing) == [("ZS9_front.jpg", "ZS9_front.png", "ZS9", "front")]
    reason = "several originals share the name ZS8_front: ZS8_front.jpg, sub/ZS8_front.jpg"
    assert sorted((r.name, r.reason, r.ai_result) for r in pairing.refused) == [
        ("ZS8_front.jpg", reason, "ZS8_front.png"),
        ("sub/ZS8_front.jpg", reason, "sub/ZS8_front.png"),
    ]


def test_non_images_hidden_files_and_the_manifest_are_ignored():
    pairing = entries_pair(
        _entries(
            "R_front.jpg",
            "R_front.png",
            "notes.txt",
            "R_front.json",
            ".DS_Store",
            "__MACOSX/._R_front.jpg",
            "manifest.csv",
            "old/shoot.zip",
        )
    )
    assert len(pairing.pairs) == 1
    assert sorted((i.name, i.reason) for i in pairing.ignored) == [
        (".DS_Store", "hidden file: its name starts with a dot"),
        ("R_front.json", "not an image or manifest"),
        ("__MACOSX/._R_front.jpg", "macOS archive metadata (__MACOSX), not a photo"),
        ("manifest.csv", "only the manifest.csv at the top of the upload is read"),
        ("notes.txt", "not an image or manifest"),
        ("old/shoot.zip", "archives inside an upload are not read: send one zip on its own"),
    ]


def test_manifest_gives_sku_view_and_title():
    manifest = manifest_parse(
        b"\xef\xbb\xbfFile,SKU,View,Title\nIMG_0001.jpg,RING-9,front,Gold ring\nIMG_0002.jpg,RING-9,,\n"
    )
    assert manifest == {
        "IMG_0001.jpg": ManifestRow("RING-9", "front", "Gold ring"),
        "IMG_0002.jpg": ManifestRow("RING-9", "", ""),
    }
    pairing = entries_pair(
        _entries("IMG_0001.jpg", "IMG_0001_cutout.png", "IMG_0002.jpg", "IMG_0002.png"), manifest=manifest
    )
    assert sorted((p.sku, p.view, p.title) for p in pairing.pairs) == [
        ("RING-9", "front", "Gold ring"),
        ("RING-9", "main", ""),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,code\nx,y\n", "needs the columns file and sku"),
        (b"file,sku\na.jpg,\n", "line 2: file and sku are both required"),
        (b"file,sku\na.jpg,X\na.jpg,Y\n", "line 3: a.jpg is listed twice"),
        (b"file,sku\n\xff\xfe,x\n", "not UTF-8 text"),
    ],
)
def test_bad_manifests_are_refused_with_the_line(data, message):
    with pytest.raises(InvalidInput, match=message):
        manifest_parse(data, name="m.csv")


def test_overlong_sku_is_refused():
    pairing = entries_pair(_entries(f"{'X' * 121}_front.jpg", f"{'X' * 121}_front.png"))
    assert pairing.refused[0].reason == "the SKU is longer than 120 characters"
