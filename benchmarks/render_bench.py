"""Speed and memory of full-resolution renders on a 24-megapixel photo.

Prints: the CLI render (start-up included) split into decode / ops (and each kind of op) /
encode with peak memory, the same in a warm worker, the 2048 px preview, a 1024x1024 crop at
100%, and ImageMagick's channel-mask job on the same photo, alternating with ours, as a ratio.

Peak memory is the child's ``ru_maxrss``. Linux carries a process's peak over into the children
it starts, so this process must stay small until the CLI runs: the 24 MP scene (about 1 GB to
build) is written by a child process, and the benchmark's own peak is printed as the floor
below which no CLI figure can read.

    .venv/bin/python benchmarks/render_bench.py [--runs 5]

Needs Debian's imagemagick for the comparison (skipped with a note when absent).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAGICK_ARGS = ["\\(", "+clone", "-channel", "B", "-separate", "+channel", "-level", "20%,80%", "-negate", "\\)",
               "-alpha", "off", "-compose", "CopyOpacity", "-composite"]


def run_cli(photo: Path, mask: Path, recipe: Path, out: Path) -> dict:
    """One `python -m core render` process: wall time, its own stage timings and peak RSS."""
    cmd = [sys.executable, "-m", "core", "render", str(photo), "--mask", str(mask), "--recipe", str(recipe),
           "--out", str(out), "--timings"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"render failed: {stderr.decode().strip()}")
    stages = json.loads(stdout)
    return {"wall": wall, "peak_mb": usage.ru_maxrss / 1024, **stages}


def run_magick(magick: str, photo: Path, out: Path) -> float:
    args = [a.replace("\\", "") for a in MAGICK_ARGS]
    start = time.perf_counter()
    subprocess.run([magick, str(photo), *args, str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


def warm_worker(photo: Path, mask: Path, recipe_path: Path, runs: int) -> dict:
    """Decode + render + encode repeatedly in this process (a long-lived worker)."""
    import cv2

    from core import codecs
    from core.recipe import Recipe
    from core.render import encode_final, encode_preview_of, render, render_crop
    from core.window import Rect

    cv2.setNumThreads(1)
    recipe = Recipe.from_json(recipe_path.read_bytes())
    photo_bytes, mask_bytes = photo.read_bytes(), mask.read_bytes()
    totals, previews, crops, stages, kinds = [], [], [], [], []
    for _ in range(runs + 1):  # the first run warms caches and JIT and is dropped
        t0 = time.perf_counter()
        image, ai = codecs.decode_inputs(photo_bytes, mask_bytes)
        t1 = time.perf_counter()
        result = render(image, ai, recipe)
        t2 = time.perf_counter()
        encode_final(result, recipe)
        t3 = time.perf_counter()
        encode_preview_of(result)
        t4 = time.perf_counter()
        render_crop(image, ai, recipe, Rect(2500, 1500, 3524, 2524), 1.0)
        t5 = time.perf_counter()
        totals.append(t3 - t0)
        stages.append((t1 - t0, t2 - t1, t3 - t2))
        kinds.append(result.timings_by_op_kind)
        previews.append(t4 - t3)
        crops.append(t5 - t4)
    totals, stages, previews, crops, kinds = totals[1:], stages[1:], previews[1:], crops[1:], kinds[1:]
    return {
        **{kind: statistics.median(k[kind] for k in kinds) for kind in kinds[0]},
        "total": statistics.median(totals),
        "decode": statistics.median(s[0] for s in stages),
        "ops": statistics.median(s[1] for s in stages),
        "encode": statistics.median(s[2] for s in stages),
        "preview": statistics.median(previews),
        "crop_1024": statistics.median(crops),
    }


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    # Measure start-up as installed (pip compiles bytecode): let the warm-up run write core's .pyc
    # files, which a PYTHONDONTWRITEBYTECODE shell would otherwise make every run recompile (~20 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def perf_notes_line() -> str | None:
    notes = ROOT.parent / "shared" / "perf-notes.md"
    if notes.exists():
        return f"reference: {notes.name} measured ImageMagick at 9-15 s and numpy+OpenCV+ISA-L at 0.6-0.75 s for this job"
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "benchmarks.scene24", str(folder)], cwd=ROOT, env=_env(), check=True)
        photo, mask, recipe = folder / "scene.jpg", folder / "scene_mask.png", folder / "recipe.json"
        out = folder / "out.png"
        magick = shutil.which("magick") or shutil.which("convert")
        magick_ok = magick is not None and "ImageMagick" in subprocess.run(
            [magick, "-version"], capture_output=True, text=True).stdout

        floor_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        run_cli(photo, mask, recipe, out)  # warm the OS file cache and the bytecode and numba caches
        cli_runs, magick_runs = [], []
        for _ in range(args.runs):  # alternate, so drift on a shared machine hits both alike
            cli_runs.append(run_cli(photo, mask, recipe, out))
            if magick_ok:
                magick_runs.append(run_magick(magick, photo, folder / "magick.png"))
        warm = warm_worker(photo, mask, recipe, args.runs)

    cli = {k: statistics.median(r[k] for r in cli_runs) for k in cli_runs[0]}
    figures = {"cli": cli, "warm": warm, "floor_mb": floor_mb}
    op_kinds = [key for key in cli if key.startswith("ops_")]
    print(f"24 MP (6000x4000) JPEG + mask; recipe: refine + 20 paths x 50 cubics + 3 channel regions + decontaminate; "
          f"median of {args.runs}")
    print(f"{'measure':<44}{'seconds':>10}{'target':>10}")
    rows = [
        ("CLI render, whole process (wall)", cli["wall"], "<= 1.5"),
        ("  decode (original + mask)", cli["decode"], ""),
        ("  ops", cli["ops"], ""),
        *((f"    {kind[4:]}", cli[kind], "") for kind in op_kinds),
        ("  encode PNG", cli["encode"], ""),
        ("  start-up and exit (wall - stages)", cli["wall"] - cli["total"], ""),
        ("warm worker: decode + ops + encode", warm["total"], "<= 0.8"),
        ("  decode", warm["decode"], ""),
        ("  ops", warm["ops"], ""),
        *((f"    {kind[4:]}", warm[kind], "") for kind in op_kinds if kind in warm),
        ("  encode", warm["encode"], ""),
        ("preview 2048 px from the render", warm["preview"], "<= 0.2"),
        ("crop 1024x1024 at 100%", warm["crop_1024"], "<= 0.05"),
    ]
    for name, value, target in rows:
        print(f"{name:<44}{value:>10.3f}{target:>10}")
    print(f"{'CLI peak memory (MB)':<44}{cli['peak_mb']:>10.0f}{'<= 1024':>10}")
    print(f"{'  floor: this benchmark process (MB)':<44}{floor_mb:>10.0f}")
    if magick_runs:
        magick_median = statistics.median(magick_runs)
        ratio = cli["wall"] / magick_median
        figures["imagemagick"] = {"median": magick_median, "ratio": ratio}
        print(f"{'ImageMagick channel-mask job (wall)':<44}{magick_median:>10.3f}")
        print(f"{'jewelreview full recipe / ImageMagick':<44}{ratio:>10.3f}{'<= 0.25':>10}")
    else:
        print("ImageMagick not installed (apt-get install imagemagick): comparison skipped")
    note = perf_notes_line()
    if note:
        print(note)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
