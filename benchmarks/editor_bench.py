"""Speed of the editor's crop previews on a 24-megapixel photo: the preview endpoint's server time.

What a retoucher waits for after releasing a slider: ``POST /api/photos/{id}/preview/`` with the
recipe and the viewer's window, answered with a PNG. Measured in this process through Django's
test client (the whole request: DRF, recipe validation, core's windowed render, shrink, PNG
encoding), warm: the photo's decoded inputs are in the per-process cache after the first request,
whose time is printed apart (cold). Each request changes the refine op's Contrast, as a slider
release does, so nothing is served from a cache.

Below 50 % the endpoint answers from a reduced-resolution render (``core.reduced``: the recipe
scaled and rendered on a cached pyramid level at 1.4-2x the screen's scale, an approximation);
the ``level`` column is the ``X-Preview-Level`` it reports (1 = exact full-resolution render).
Each zoom's warm-up request builds its level, so the timed requests find it cached, as a
retoucher's second slider release does.

The windows are the editor's own (state/preview_window.js): the visible part of a 900 x 620 CSS px
viewer at each zoom, grown by 10 % a side, snapped to 32 px, at the screen's scale up to 100 %.

    .venv/bin/python benchmarks/editor_bench.py [--runs 7] [--recipe heavy|refine]

The 24 MP scene and its heavy recipe (refine + 20 paths x 50 cubics + 3 channel regions +
decontaminate) are benchmarks/scene24.py's, written by a child process (it peaks near 1 GB).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 300
VIEWER = (900, 620)  # CSS px: the editor's viewer in a 1280 x 800 window
ZOOMS = [("800 %", 8.0), ("400 %", 4.0), ("100 %", 1.0), ("50 %", 0.5), ("fit", None)]


def preview_window(zoom: float, centre: tuple[float, float], size: tuple[int, int]) -> tuple[dict, float]:
    """The window and scale the editor asks for (a port of state/preview_window.js)."""
    width, height = size
    half_w, half_h = VIEWER[0] / zoom / 2, VIEWER[1] / zoom / 2
    margin_w, margin_h = 2 * half_w * 0.1, 2 * half_h * 0.1
    snap = 32
    rect = {
        "x0": max(0, math.floor((centre[0] - half_w - margin_w) / snap) * snap),
        "y0": max(0, math.floor((centre[1] - half_h - margin_h) / snap) * snap),
        "x1": min(width, math.ceil((centre[0] + half_w + margin_w) / snap) * snap),
        "y1": min(height, math.ceil((centre[1] + half_h + margin_h) / snap) * snap),
    }
    scale = 1.0 if zoom >= 1 else min(1.0, 2 ** (math.ceil(math.log2(zoom) * 4 - 1e-9) / 4))
    return rect, scale


def setup_django(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="jewelreview.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        JEWELREVIEW_TASK_BACKEND="immediate",
    )
    for name in ("DJANGO_ENV", "JEWELREVIEW_STORAGE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_photo(folder: Path):
    """A photo row in repair, held by a retoucher, with the scene's files in storage (no ingest:
    previews and tiles of a 24 MP photo take a minute and the preview endpoint needs neither)."""
    import hashlib

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.models import Batch, Photo, Sku

    user = user_set_roles(user=get_user_model().objects.create_user("bench", password="x"), roles=["retoucher"])
    original = (folder / "scene.jpg").read_bytes()
    mask = (folder / "scene_mask.png").read_bytes()
    sha = hashlib.sha256(original).hexdigest()
    photo = Photo.objects.create(
        batch=Batch.objects.create(name="bench"),
        sku=Sku.objects.create(code="BENCH24"),
        view="front",
        source_name="scene.jpg",
        original=default_storage.save(f"originals/{sha}.jpg", ContentFile(original)),
        original_sha256=sha,
        original_bytes=len(original),
        ai_mask=default_storage.save("masks/scene_mask.png", ContentFile(mask)),
        ai_mask_sha256=hashlib.sha256(mask).hexdigest(),
        width=6000,
        height=4000,
        status="in_repair",
        assignee=user,
    )
    return photo, user


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="slider releases per zoom (after a warm-up)")
    parser.add_argument("--recipe", choices=["heavy", "refine"], default="heavy")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="editor-bench-") as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "benchmarks.scene24", str(folder)], cwd=ROOT, check=True)
        recipe = json.loads((folder / "recipe.json").read_text())
        if args.recipe == "refine":
            recipe = {"version": 1, "base": "ai", "ops": [recipe["ops"][0]]}
        setup_django(folder)
        import cv2
        from django.test import Client

        cv2.setNumThreads(1)  # as the workers run (perf-notes)
        photo, user = make_photo(folder)
        client = Client()
        client.force_login(user)
        url = f"/api/photos/{photo.pk}/preview/"
        # Around the scene's first gold piece and its lost chain, where a retoucher would zoom.
        centre = (900.0, 1100.0)

        def post(rect: dict, scale: float, contrast: float) -> tuple[float, dict, str]:
            recipe["ops"][0]["contrast"] = contrast
            body = json.dumps({"recipe": recipe, "rect": rect, "scale": scale})
            started = time.perf_counter()
            response = client.post(url, body, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"preview failed: {response.status_code} {response.content[:300]!r}")
            timing = dict(part.split(";dur=") for part in response["Server-Timing"].split(", "))
            return elapsed, {key: float(value) for key, value in timing.items()}, response["X-Preview-Level"]

        fit = min(VIEWER[0] / 6000, VIEWER[1] / 4000)
        cold, _, _ = post(*preview_window(1.0, centre, (6000, 4000)), 15)
        print(
            f"recipe: {args.recipe} ({len(recipe['ops'])} ops); viewer {VIEWER[0]} x {VIEWER[1]} CSS px; "
            f"cold first preview (decode 24 MP + render) {cold:.0f} ms"
        )
        columns = [
            "zoom",
            "window (image px)",
            "scale",
            "level",
            "output px",
            "median ms",
            "fastest ms",
            "render ms",
            "encode ms",
            f"<= {TARGET_MS} ms",
        ]
        print("| " + " | ".join(columns) + " |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for label, zoom in ZOOMS:
            zoom = zoom or fit
            rect, scale = preview_window(zoom, centre if label != "fit" else (3000, 2000), (6000, 4000))
            _, _, level = post(rect, scale, 16)  # warm this window's code paths (and build its level)
            times, renders, encodes = [], [], []
            for run in range(args.runs):
                elapsed, timing, level = post(rect, scale, 17 + run)
                times.append(elapsed)
                renders.append(timing["render"])
                encodes.append(timing["encode"] + timing["shrink"])
            w, h = rect["x1"] - rect["x0"], rect["y1"] - rect["y0"]
            median = statistics.median(times)
            print(
                f"| {label} ({zoom * 100:.0f} %) | {w} x {h} | {scale:.3f} | {level} "
                f"| {round(w * scale)} x {round(h * scale)} "
                f"| {median:.0f} | {min(times):.0f} | {statistics.median(renders):.0f} "
                f"| {statistics.median(encodes):.0f} "
                f"| {'yes' if median <= TARGET_MS else 'NO'} |"
            )


if __name__ == "__main__":
    main()
