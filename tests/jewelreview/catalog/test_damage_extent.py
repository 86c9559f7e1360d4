"""Photo.damage_extent: the share of the photo detection's regions cover, weighted by confidence
(overlaps once), stored with the risk, backfilled by migration 0008; it orders equal risks."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import numpy as np
import pytest

from core.detect import Detection as CoreDetection
from core.detect import Region
from jewelreview.catalog.detection_services import photo_detection_store
from jewelreview.catalog.detections import Detection, damage_extent, detections_parse
from jewelreview.catalog.models import Photo
from jewelreview.catalog.tasks import photo_detect
from jewelreview.errors import InvalidInput

migration = importlib.import_module("jewelreview.catalog.migrations.0008_photo_damage_extent")


def box(x0, y0, x1, y1, confidence=1.0) -> Detection:
    return Detection(x0=x0, y0=y0, x1=x1, y1=y1, kind="halo", confidence=confidence)


def stored(x0, y0, x1, y1, confidence=1.0) -> dict:
    return box(x0, y0, x1, y1, confidence).as_dict()


# --- the figure -----------------------------------------------------------------------------


def test_a_sure_box_covers_its_area():
    assert damage_extent([box(0, 0, 10, 10)], width=100, height=100) == 0.01  # 100 of 10,000 px


def test_a_box_counts_at_its_confidence():
    assert damage_extent([box(20, 30, 30, 40, 0.5)], width=100, height=100) == 0.005


def test_no_region_is_no_damage():
    assert damage_extent([], width=100, height=100) == 0.0


def test_the_same_box_twice_counts_once_and_two_doubts_add_up_as_the_risk_does():
    assert damage_extent([box(0, 0, 10, 10), box(0, 0, 10, 10)], width=100, height=100) == 0.01
    # two regions at 0.5 over the same 100 px: 1 - 0.5 x 0.5 = 0.75 of them
    assert damage_extent([box(0, 0, 10, 10, 0.5), box(0, 0, 10, 10, 0.5)], width=100, height=100) == 0.0075


def test_overlapping_boxes_count_their_union():
    # 10 x 10 and 10 x 10 sharing a 5 x 10 strip: 150 px, not 200
    assert damage_extent([box(0, 0, 10, 10), box(5, 0, 15, 10)], width=100, height=100) == 0.015


def test_boxes_over_the_whole_photo_make_one_not_more():
    regions = [box(0, 0, 64, 48), box(0, 0, 40, 48), box(10, 5, 64, 30)]
    assert damage_extent(regions, width=64, height=48) == 1.0


def test_fractional_boxes_are_measured_exactly():
    assert damage_extent([box(0.5, 0.25, 2.5, 1.25)], width=4, height=2) == 0.25  # 2 x 1 of 8 px


def reference_extent(regions: list[Detection], width: int, height: int) -> float:
    """The slow exact answer for integer boxes: 1 - prod(1 - confidence) pixel by pixel."""
    clean = np.ones((height, width))
    for r in regions:
        clean[int(r.y0) : int(r.y1), int(r.x0) : int(r.x1)] *= 1 - r.confidence
    return float((1 - clean).sum() / (width * height))


def test_random_overlapping_boxes_match_a_pixel_by_pixel_reference():
    rng = np.random.default_rng(7)
    for _ in range(50):
        width, height = (int(v) for v in rng.integers(5, 60, size=2))
        regions = []
        for _ in range(int(rng.integers(1, 12))):
            x0, x1 = sorted(rng.choice(width + 1, size=2, replace=False))
            y0, y1 = sorted(rng.choice(height + 1, size=2, replace=False))
            regions.append(box(float(x0), float(y0), float(x1), float(y1), float(rng.uniform(0, 1))))
        assert damage_extent(regions, width=width, height=height) == pytest.approx(
            reference_extent(regions, width, height), abs=1e-12
        )


# --- stored with the risk ---------------------------------------------------------------------


@pytest.mark.django_db
def test_detection_stores_the_extent_with_the_risk(make_photo):
    photo = make_photo(width=100, height=50)
    found = CoreDetection(
        (Region((0, 0, 10, 10), "halo", 1.0), Region((5, 0, 10, 10), "bleed", 0.5)), 1.0, (100, 50), studio_fit=1.0
    )
    photo_detection_store(photo_id=photo.pk, detection=found)
    photo.refresh_from_db()
    assert photo.risk == 1.0
    # core's boxes are (x, y, w, h): 100 px sure, and 50 more px at one half
    assert photo.damage_extent == 125 / 5000


@pytest.mark.django_db
def test_detecting_the_prong_scene_stores_its_box_share(scene_photo):
    photo = scene_photo()
    photo_detect.call(photo_id=photo.pk)
    photo.refresh_from_db()
    [region] = photo.detections
    b = region["box"]
    area = (b["x1"] - b["x0"]) * (b["y1"] - b["y0"])
    assert photo.damage_extent == pytest.approx(region["confidence"] * area / (160 * 160))
    clean = scene_photo(prong=False)
    photo_detect.call(photo_id=clean.pk)
    assert Photo.objects.get(pk=clean.pk).damage_extent == 0.0


@pytest.mark.django_db
def test_a_photo_not_yet_detected_has_no_extent(make_photo):
    assert make_photo().damage_extent is None


# --- migration 0008 ---------------------------------------------------------------------------


def test_the_migration_gives_scored_photos_the_extent_of_their_stored_regions(migrate):
    """Run on the schema and models it was written for (it was run on today's, through forwards)."""
    apps = migrate(("catalog", "0007_photo_status_since"))
    Batch, Sku, Photo = (apps.get_model("catalog", name) for name in ("Batch", "Sku", "Photo"))
    batch, sku = Batch.objects.create(name="old"), Sku.objects.create(code="RING-1")

    def make(view: str, *, width: int = 64, height: int = 48, **fields):
        return Photo.objects.create(
            batch=batch, sku=sku, view=view, source_name=f"{view}.jpg", original=f"originals/{view}.jpg",
            original_sha256=view.ljust(64, "0"), original_bytes=1, ai_mask="masks/m.png", ai_mask_sha256="0" * 64,
            width=width, height=height, status="needs_review", **fields,
        )

    regions = [stored(0, 0, 10, 10), stored(5, 0, 15, 10, 0.5)]
    scored = make("scored", width=100, height=100, risk=1.0, detections=regions)
    clean = make("clean", risk=0.0, detections=[])
    unscored = make("unscored")
    # regions outside the photo: left to detect_photos --all
    broken = make("broken", width=10, height=10, risk=0.9, detections=[stored(0, 0, 50, 50)])

    apps = migrate(("catalog", "0008_photo_damage_extent"))

    extents = dict(apps.get_model("catalog", "Photo").objects.values_list("pk", "damage_extent"))
    assert extents == {scored.pk: 0.0125, clean.pk: 0.0, unscored.pk: None, broken.pk: None}


def test_the_migration_imports_nothing_from_the_project():
    """It imported catalog.detections: any later edit there would have changed what it does."""
    tree = ast.parse(Path(migration.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"jewelreview", "core"}}


def _as_tuples(regions) -> list[tuple]:
    return [(r.x0, r.y0, r.x1, r.y1, r.kind, r.confidence) for r in regions]


def test_the_migrations_frozen_copy_agrees_with_catalog_detections_today():
    """The migration keeps its own copy of the parser and the figure. If a deliberate change to
    catalog.detections makes this fail, change this test, not the migration."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        width, height = (int(v) for v in rng.integers(1, 400, size=2))
        raw = []
        for _ in range(int(rng.integers(0, 14))):
            x0, x1 = sorted(rng.uniform(0, width, size=2))
            y0, y1 = sorted(rng.uniform(0, height, size=2))
            raw.append(stored(float(x0), float(y0), float(x1), float(y1), float(rng.uniform(0, 1))))
        live = detections_parse(raw, width=width, height=height)
        frozen = migration.detections_parse(raw, width=width, height=height)
        assert _as_tuples(frozen) == _as_tuples(live)
        assert migration.damage_extent(frozen, width=width, height=height) == damage_extent(
            live, width=width, height=height
        )
    sure = {"box": {"x0": 0, "y0": 0, "x1": 5, "y1": 5}, "kind": "halo", "confidence": 1}
    refused = [
        {"not": "a list"},
        [sure] * 201,
        [{"box": sure["box"], "kind": "halo"}],
        [{**sure, "box": {"x0": 0, "y0": 0, "x1": 5}}],
        [{**sure, "box": {"x0": 5, "y0": 0, "x1": 5, "y1": 5}}],
        [{**sure, "box": {"x0": 0, "y0": 0, "x1": 50, "y1": 5}}],
        [{**sure, "box": {"x0": True, "y0": 0, "x1": 5, "y1": 5}}],
        [{**sure, "box": {"x0": float("nan"), "y0": 0, "x1": 5, "y1": 5}}],
        [{**sure, "kind": ""}],
        [{**sure, "kind": "k" * 41}],
        [sure, {**sure, "confidence": 1.5}],
    ]
    for raw in refused:
        with pytest.raises(InvalidInput) as live_error:
            detections_parse(raw, width=10, height=10)
        with pytest.raises(migration.UnparsableDetections) as frozen_error:
            migration.detections_parse(raw, width=10, height=10)
        assert str(frozen_error.value) == live_error.value.message
    for raw in (None, [], [sure]):
        frozen = migration.detections_parse(raw, width=10, height=10)
        assert _as_tuples(frozen) == _as_tuples(detections_parse(raw, width=10, height=10))
