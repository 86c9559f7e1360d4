"""Demo data: one user per role and a batch of scenes, loaded idempotently by ``manage.py demo``.

Scenes come from the shared dev set (``<repo>/../shared/data/synthetic-dev``: NAME.jpg with
NAME_cutout.png) when it is there, else from :mod:`jewelreview.demo_scenes`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from jewelreview.accounts.roles import Role
from jewelreview.accounts.services import user_ensure
from jewelreview.catalog.ingest import IngestReport, ingest_files
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.pairing import ManifestRow
from jewelreview.reviews.models import FlagReason
from jewelreview.reviews.services import photo_approve, photo_claim, photo_flag

DEMO_BATCH = "demo"
# Fixed, printed passwords: this is demo data on a developer's machine, never production.
DEMO_USERS = (
    ("reviewer", "reviewer-demo-1", Role.REVIEWER),
    ("retoucher", "retoucher-demo-1", Role.RETOUCHER),
    ("manager", "manager-demo-1", Role.MANAGER),
)


@dataclass(frozen=True)
class DemoResult:
    logins: list[tuple[str, str, str]]  # (username, password, role)
    report: IngestReport
    source: str


def dev_scenes_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "synthetic-dev"


def demo_load(*, scenes_dir: Path | None = None) -> DemoResult:
    users = {role: user_ensure(username=name, password=password, roles=[role]) for name, password, role in DEMO_USERS}
    scenes_dir = scenes_dir if scenes_dir is not None else dev_scenes_dir()
    if scenes_dir.is_dir() and any(scenes_dir.glob("*_cutout.png")):
        files, manifest, source = _dev_scene_files(scenes_dir)
    else:
        files, manifest, source = _generated_scene_files()
    try:
        report = ingest_files(files=files, batch_name=DEMO_BATCH, actor=users[Role.MANAGER], manifest=manifest)
    finally:
        for _, stream in files:
            stream.close()
    if report.imported:
        _demo_scenario([item.photo_id for item in report.imported], users)
    logins = [(name, password, role.value) for name, password, role in DEMO_USERS]
    return DemoResult(logins=logins, report=report, source=source)


def _dev_scene_files(directory: Path):
    files = []
    manifest: dict[str, ManifestRow] = {}
    for original in sorted(directory.glob("*.jpg")):
        cutout = original.with_name(f"{original.stem}_cutout.png")
        if not cutout.exists():
            continue
        files.append((original.name, original.open("rb")))
        files.append((cutout.name, cutout.open("rb")))
        manifest[original.name] = ManifestRow(
            sku=original.stem.upper().replace("_", "-"), view="front", title=_dev_title(original.with_suffix(".json"))
        )
    return files, manifest, str(directory)


def _dev_title(sidecar: Path) -> str:
    try:
        objects = json.loads(sidecar.read_text())["objects"]
        names = [
            f"{(o.get('metal') or {}).get('kind', '').replace('_', ' ')} {o.get('type', '').replace('_', ' ')}".strip()
            for o in objects
        ]
        return ", ".join(n for n in names if n)[:300]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""


def _generated_scene_files():
    from core import codecs
    from jewelreview.demo_scenes import demo_scenes

    files = []
    manifest: dict[str, ManifestRow] = {}
    for scene in demo_scenes():
        stem = f"{scene.sku}_{scene.view}"
        opaque_rgb = scene.rgb
        files.append((f"{stem}.jpg", io.BytesIO(codecs.encode_tile(opaque_rgb, None, fmt="jpeg"))))
        files.append((f"{stem}_cutout.png", io.BytesIO(codecs.encode_png(scene.rgb, scene.ai_alpha))))
        manifest[f"{stem}.jpg"] = ManifestRow(sku=scene.sku, view=scene.view, title=scene.title)
    return files, manifest, "generated scenes"


def _demo_scenario(photo_ids: list[int], users: dict[Role, AbstractBaseUser]) -> None:
    """Give a fresh demo some variety: one approved, one flagged, one in repair."""
    photos = list(Photo.objects.filter(pk__in=photo_ids, status=PhotoStatus.NEEDS_REVIEW).order_by("pk")[:3])
    reviewer, retoucher = users[Role.REVIEWER], users[Role.RETOUCHER]
    if len(photos) >= 1:
        photo_approve(photo=photos[0], actor=reviewer, note="clean edges")
    if len(photos) >= 2:
        p = photos[1]
        photo_flag(
            photo=p,
            actor=reviewer,
            reason=FlagReason.HALO,
            note="grey fringe around the band",
            pins=[{"x0": p.width * 0.3, "y0": p.height * 0.4, "x1": p.width * 0.7, "y1": p.height * 0.8}],
        )
    if len(photos) >= 3:
        p = photos[2]
        photo_flag(
            photo=p,
            actor=reviewer,
            reason=FlagReason.CLIPPED_PRONG,
            note="right prongs cut off",
            pins=[{"x": p.width * 0.52, "y": p.height * 0.33}],
        )
        photo_claim(photo=p, actor=retoucher)
