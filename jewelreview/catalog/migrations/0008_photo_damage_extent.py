"""Photo.damage_extent: the share of the photo its detected regions cover, weighted by confidence.

Risk (1 - prod(1 - confidence)) is 1.00 on nearly every damaged photo, so "highest risk first"
could not tell them apart; this second figure from the same detection breaks the ties. Photos
detection has scored get it from the regions stored with them (``Photo.detections``), by the
same rule the detect task now uses (``catalog.detections.damage_extent``); photos not yet
scored keep null, as their risk. Stored regions that no longer parse (none should: the parser
wrote them) are left null too rather than stopping the migration: such a photo sorts after the
others of its risk, and ``manage.py detect_photos --all`` scores it again.

The parser and the figure are frozen copies of ``catalog.detections`` as the migration was
written (below; nothing is imported from the project): what a migration does must not change
when that module does. A test checks that the copies still agree with it. When a deliberate
change there makes that test fail, the copy stays as it is: the test changes, not the migration.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import migrations, models

CHUNK = 1000


def forwards(apps, schema_editor):
    Photo = apps.get_model("catalog", "Photo")
    scored = Photo.objects.filter(risk__isnull=False).only("pk", "width", "height", "detections").order_by("pk")
    changed = []
    for photo in scored.iterator(chunk_size=CHUNK):
        try:
            regions = detections_parse(photo.detections, width=photo.width, height=photo.height)
        except UnparsableDetections:
            continue
        photo.damage_extent = damage_extent(regions, width=photo.width, height=photo.height)
        changed.append(photo)
        if len(changed) >= CHUNK:
            Photo.objects.bulk_update(changed, ["damage_extent"])
            changed = []
    Photo.objects.bulk_update(changed, ["damage_extent"])


# --- Frozen copy of jewelreview.catalog.detections (926286f): detections_parse, damage_extent ---
# Verbatim but for the docstrings, the Detection methods it never calls, and the error: this
# module's own instead of the project's InvalidInput (live code too; only its raising is read).

MAX_DETECTIONS = 200
MAX_KIND_LENGTH = 40


class UnparsableDetections(ValueError):
    """A photo's stored regions do not parse (``catalog.detections`` raises InvalidInput)."""


@dataclass(frozen=True)
class Detection:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str
    confidence: float


def detections_parse(raw: Any, *, width: int, height: int) -> list[Detection]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        raise _error("detections must be a list", index=None)
    if len(raw) > MAX_DETECTIONS:
        raise _error(f"at most {MAX_DETECTIONS} detections, got {len(raw)}", index=None)
    parsed = [_detection(index, item, width, height) for index, item in enumerate(raw)]
    return sorted(parsed, key=lambda d: -d.confidence)


def damage_extent(detections: Sequence[Detection], *, width: int, height: int) -> float:
    if not detections or width <= 0 or height <= 0:
        return 0.0
    xs = np.unique([edge for d in detections for edge in (d.x0, d.x1)])
    ys = np.unique([edge for d in detections for edge in (d.y0, d.y1)])
    clean = np.ones((len(ys) - 1, len(xs) - 1))  # chance that no real region covers each cell
    for d in detections:
        columns = slice(np.searchsorted(xs, d.x0), np.searchsorted(xs, d.x1))
        rows = slice(np.searchsorted(ys, d.y0), np.searchsorted(ys, d.y1))
        clean[rows, columns] *= 1.0 - d.confidence
    damaged = float(np.diff(ys) @ (1.0 - clean) @ np.diff(xs))
    return min(1.0, max(0.0, damaged / (width * height)))


def _detection(index: int, item: Any, width: int, height: int) -> Detection:
    if not isinstance(item, dict) or set(item) != {"box", "kind", "confidence"}:
        raise _error("must be an object with exactly box, kind and confidence", index=index)
    box = item["box"]
    if not isinstance(box, dict) or set(box) != {"x0", "y0", "x1", "y1"}:
        raise _error("box must have exactly x0, y0, x1, y1", index=index)
    x0, x1 = (_number(index, box[k], k, 0, width) for k in ("x0", "x1"))
    y0, y1 = (_number(index, box[k], k, 0, height) for k in ("y0", "y1"))
    if x1 <= x0 or y1 <= y0:
        raise _error("box must have x1 > x0 and y1 > y0", index=index)
    kind = item["kind"]
    if not isinstance(kind, str) or not 0 < len(kind) <= MAX_KIND_LENGTH:
        raise _error(f"kind must be a word of 1 to {MAX_KIND_LENGTH} characters", index=index)
    confidence = _number(index, item["confidence"], "confidence", 0, 1)
    return Detection(x0=x0, y0=y0, x1=x1, y1=y1, kind=kind, confidence=confidence)


def _number(index: int, value: Any, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _error(f"{field} must be a number, got {value!r}", index=index)
    if not low <= value <= high:
        raise _error(f"{field} = {value:g} is outside {low:g}..{high:g}", index=index)
    return float(value)


def _error(message: str, *, index: int | None) -> UnparsableDetections:
    where = "detections" if index is None else f"detections[{index}]"
    return UnparsableDetections(f"{where}: {message}")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_photo_status_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="damage_extent",
            field=models.FloatField(
                blank=True,
                help_text="0..1: the share of the photo its detected regions cover, weighted by confidence "
                "(overlaps counted once); null until detected",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="photo",
            constraint=models.CheckConstraint(
                condition=models.Q(damage_extent__isnull=True) | models.Q(damage_extent__gte=0, damage_extent__lte=1),
                name="catalog_photo_damage_extent_0_1",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
