"""Photo.damage_extent: the share of the photo detection's regions cover, weighted by confidence
(overlaps once), stored with the risk, backfilled by migration 0008; it orders equal risks."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from django.apps import apps

from core.detect import Detection as CoreDetection
from core.detect import Region
from jewelreview.catalog.detection_services import photo_detection_store
from jewelreview.catalog.detections import Detection, damage_extent
from jewelreview.catalog.models import Photo
from jewelreview.catalog.tasks import photo_detect

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


@pytest.mark.django_db
def test_the_migration_gives_scored_photos_the_extent_of_their_stored_regions(make_photo):
    scored = make_photo(width=100, height=100)
    Photo.objects.filter(pk=scored.pk).update(
        risk=1.0, detections=[stored(0, 0, 10, 10), stored(5, 0, 15, 10, 0.5)]
    )
    clean = make_photo()
    Photo.objects.filter(pk=clean.pk).update(risk=0.0, detections=[])
    unscored = make_photo()
    broken = make_photo(width=10, height=10)  # regions outside the photo: left to detect_photos --all
    Photo.objects.filter(pk=broken.pk).update(risk=0.9, detections=[stored(0, 0, 50, 50)])

    migration.forwards(apps, None)

    extents = dict(Photo.objects.values_list("pk", "damage_extent"))
    assert extents == {scored.pk: 0.0125, clean.pk: 0.0, unscored.pk: None, broken.pk: None}
