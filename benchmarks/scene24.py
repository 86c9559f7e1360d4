"""A synthetic 24-megapixel studio jewelry scene and a heavy recipe, for the speed benchmarks.

Light studio background with a vertical sweep and sensor noise, gold and silver pieces with
1-3 px wires, a JPEG at quality 92 and an AI-like mask with lost wires and a soft edge.
Seeded: the same files every run.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import cv2
import numpy as np

WIDTH, HEIGHT = 6000, 4000


def make_scene(seed: int = 7, width: int = WIDTH, height: int = HEIGHT) -> tuple[np.ndarray, np.ndarray]:
    """Return (rgb (H, W, 3) uint8, ai_alpha (H, W) uint8)."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(226, 200, height, dtype=np.float32)[:, None]
    background = np.repeat(ramp, width, axis=1)
    rgb = np.stack([background, background, background + 2], axis=2)
    alpha = np.zeros((height, width), np.uint8)
    gold = (196, 160, 72)
    silver = (150, 152, 160)
    for i in range(6):
        cx, cy = int(width * (0.15 + 0.14 * i)), int(height * (0.35 + 0.25 * (i % 2)))
        radius = int(min(width, height) * 0.09)
        color = gold if i % 2 == 0 else silver
        cv2.circle(rgb, (cx, cy), radius, color, thickness=int(radius * 0.25), lineType=cv2.LINE_AA)
        cv2.circle(alpha, (cx, cy), radius, 255, thickness=int(radius * 0.25), lineType=cv2.LINE_AA)
        # a chain of 2 px wire hanging from the piece: the AI mask loses it
        pts = np.array(
            [(cx + 40 * math.sin(t / 9.0), cy - radius - t * 6) for t in range(0, 120)], np.int32
        ).reshape(-1, 1, 2)
        cv2.polylines(rgb, [pts], False, color, thickness=2, lineType=cv2.LINE_AA)
    noise = rng.normal(0, 1.5, size=(height, width, 1)).astype(np.float32)
    rgb = np.clip(rgb + noise, 0, 255).astype(np.uint8)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.8)
    return rgb, alpha


def heavy_recipe(width: int = WIDTH, height: int = HEIGHT, seed: int = 11) -> dict:
    """refine + 20 paths of ~50 cubic Beziers + 3 channel regions + decontaminate."""
    rng = np.random.default_rng(seed)
    ops: list[dict] = [{"op": "refine", "smooth": 0, "feather": 0, "contrast": 15, "shift_edge": 10}]
    for i in range(20):
        cx, cy = rng.uniform(0.1, 0.9) * width, rng.uniform(0.1, 0.9) * height
        ops.append({"op": "path", "d": _blob(cx, cy, rng.uniform(60, 400), 50, rng), "mode": "add" if i % 4 else "subtract", "feather": 0})
    for i in range(3):
        x0, y0 = int(width * (0.2 + 0.25 * i)), int(height * 0.2)
        ops.append({"op": "channel", "region": f"M {x0} {y0} H {x0 + 400} V {y0 + 400} H {x0} Z", "channel": "auto",
                    "black": None, "white": None, "gamma": 1.0, "invert": None, "mode": "add"})
    ops.append({"op": "decontaminate", "amount": 60})
    return {"version": 1, "base": "ai", "ops": ops}


def _blob(cx: float, cy: float, radius: float, segments: int, rng: np.random.Generator) -> str:
    """A closed wobbly path of ``segments`` cubic Beziers around (cx, cy)."""
    angles = np.linspace(0, 2 * math.pi, segments + 1)
    radii = radius * (1 + 0.25 * rng.uniform(-1, 1, segments + 1))
    radii[-1] = radii[0]
    pts = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a, r in zip(angles, radii)]
    handle = 2 * math.pi * radius / segments / 3
    parts = [f"M {pts[0][0]:.2f} {pts[0][1]:.2f}"]
    for k in range(segments):
        a0, a1 = angles[k], angles[k + 1]
        (x0, y0), (x1, y1) = pts[k], pts[k + 1]
        c1 = (x0 - handle * math.sin(a0), y0 + handle * math.cos(a0))
        c2 = (x1 + handle * math.sin(a1), y1 - handle * math.cos(a1))
        parts.append(f"C {c1[0]:.2f} {c1[1]:.2f} {c2[0]:.2f} {c2[1]:.2f} {x1:.2f} {y1:.2f}")
    parts.append("Z")
    return " ".join(parts)


def write_scene(folder: Path) -> tuple[Path, Path]:
    """Write scene.jpg (quality 92) and scene_mask.png (OpenCV defaults) into ``folder``."""
    rgb, alpha = make_scene()
    photo, mask = folder / "scene.jpg", folder / "scene_mask.png"
    cv2.imwrite(str(photo), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    cv2.imwrite(str(mask), alpha)
    return photo, mask


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.scene24 FOLDER``: write scene.jpg, scene_mask.png and recipe.json.

    The speed benchmark runs this in a child process: building the scene peaks near 1 GB, and
    a process keeps its peak memory for life, which Linux hands on to every child it starts
    (``ru_maxrss`` survives fork and exec), so the renders it measures would report it as theirs.
    """
    folder = Path((argv if argv is not None else sys.argv[1:])[0])
    write_scene(folder)
    (folder / "recipe.json").write_text(json.dumps(heavy_recipe()))


if __name__ == "__main__":
    main()
