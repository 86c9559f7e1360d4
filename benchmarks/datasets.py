"""Evaluation scenes for the benchmarks: synthetic dev scenes and real photos with true alpha.

Data root: ``$JEWELREVIEW_DATA`` if set, else ``../shared/data`` next to the repository root.

* ``synthetic-dev/``: ``NAME.jpg`` (photo), ``NAME_ai.png`` (damaged "AI" alpha), ``NAME_gt.png``
  (true alpha), ``NAME_damage.png`` (255 where ``|ai - gt| >= 64``), ``NAME.json`` (how it was made).
* ``real/``: alphamatting.com training photos ``am_*_image.png`` with true alpha ``am_*_alpha.png``.
  They have no AI mask, so :func:`damage_alpha` makes one from the true alpha the way the dev set's
  AI masks are damaged (thin parts opened away, opacity bleed, clipped chords, soft edges), with a
  RNG seeded from the scene name. The lemur (a *pseudo* alpha, not ground truth) and the hoop
  earrings (no alpha at all) carry no truth: they are only listed with ``with_truth_only=False``.

Decoding uses OpenCV directly (benchmark code, not ``core``).
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

DATA_ENV = "JEWELREVIEW_DATA"
REPO_ROOT = Path(__file__).resolve().parents[1]
SCENE_KINDS = ("dev", "real", "all")

# The dev set marks a pixel damaged when |ai - gt| >= 64 (of 255): checked on all 12 scenes
# (every damage pixel differs by >= 64, every other pixel by <= 63). The real scenes use the same
# level, so "a damaged component" means the same thing on both. (A level of 0.1 = 26 would flag the
# whole outline after the soft-edge blur: on the troll's hair, thousands of components.)
DAMAGE_LEVEL = 64

# The dev scenes are 1600 px; lengths of the damage model below are given at that size and scaled.
DEV_SIZE_PX = 1600


@dataclass(frozen=True)
class Scene:
    """One evaluation scene. Alphas are (H, W) uint8; ``rgb`` is (H, W, 3) uint8 RGB.

    ``true_alpha`` and ``damage_mask`` are None for scenes without ground truth.
    ``info`` says how the scene was made (the dev JSON, or the damage parameters).
    """

    name: str
    kind: str
    rgb: np.ndarray
    ai_alpha: np.ndarray | None
    true_alpha: np.ndarray | None
    damage_mask: np.ndarray | None
    note: str = ""
    info: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def has_truth(self) -> bool:
        return self.true_alpha is not None


def data_root() -> Path:
    """``$JEWELREVIEW_DATA``, else ``<repo>/../shared/data``."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def _read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"cannot read image {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _read_alpha(path: Path) -> np.ndarray:
    alpha = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if alpha is None:
        raise FileNotFoundError(f"cannot read alpha {path}")
    if alpha.ndim == 3:
        alpha = alpha[..., 0]
    if alpha.dtype != np.uint8:
        raise ValueError(f"{path}: expected an 8-bit alpha, got {alpha.dtype}")
    return alpha


def dev_names(root: Path | None = None) -> list[str]:
    """Names of the synthetic dev scenes (``dev_000`` ...), sorted."""
    folder = (root or data_root()) / "synthetic-dev"
    return sorted(p.stem for p in folder.glob("*.json"))


def real_names(root: Path | None = None, *, with_truth_only: bool = True) -> list[str]:
    """Names of the real scenes: ``am_*`` (true alpha), then, if asked, the ones without truth."""
    folder = (root or data_root()) / "real"
    names = sorted(p.name.removesuffix("_alpha.png") for p in folder.glob("*_alpha.png"))
    if not with_truth_only:
        names += sorted(p.name.removesuffix("_pseudoalpha.png") for p in folder.glob("*_pseudoalpha.png"))
        with_alpha = set(names)
        names += sorted(
            stem for p in folder.glob("*_image.*") if (stem := p.name.rsplit("_image.", 1)[0]) not in with_alpha
        )
    return names


def load_dev_scene(name: str, root: Path | None = None) -> Scene:
    folder = (root or data_root()) / "synthetic-dev"
    info = json.loads((folder / f"{name}.json").read_text())
    return Scene(
        name=name,
        kind="dev",
        rgb=_read_rgb(folder / f"{name}.jpg"),
        ai_alpha=_read_alpha(folder / f"{name}_ai.png"),
        true_alpha=_read_alpha(folder / f"{name}_gt.png"),
        damage_mask=_read_alpha(folder / f"{name}_damage.png") > 0,
        info=info,
    )


# A robustness check's other damage draws: the seed moves by this much per draw (a prime, so the
# draws of one scene never meet another's).
RESEED_STEP = 7919


@dataclass(frozen=True)
class RealVariant:
    """How a real scene is varied for a robustness check (the benchmark's own figures use neither):
    ``scale`` resizes the photo and its alpha before the damage is drawn (area averaging down,
    cubic up), ``draw`` takes the seed ``scene_seed + RESEED_STEP * draw`` instead of the first."""

    scale: float = 1.0
    draw: int = 0

    @property
    def is_default(self) -> bool:
        return self.scale == 1.0 and self.draw == 0

    def seed(self, name: str) -> int:
        return scene_seed(name) + RESEED_STEP * self.draw

    def resized(self, image: np.ndarray) -> np.ndarray:
        """``image`` at ``scale`` (the photo and its alpha alike)."""
        if self.scale == 1.0:
            return image
        interpolation = cv2.INTER_AREA if self.scale < 1 else cv2.INTER_CUBIC
        return cv2.resize(image, None, fx=self.scale, fy=self.scale, interpolation=interpolation)


def scene_seed(name: str) -> int:
    """A seed that depends only on the scene name (stable across runs and machines)."""
    return zlib.crc32(name.encode())


def load_real_scene(name: str, root: Path | None = None, variant: RealVariant = RealVariant()) -> Scene:
    folder = (root or data_root()) / "real"
    image = next(iter(sorted(folder.glob(f"{name}_image.*"))), None)
    if image is None:
        raise FileNotFoundError(f"no photo for real scene {name!r} in {folder}")
    rgb = variant.resized(_read_rgb(image))
    truth_path, pseudo_path = folder / f"{name}_alpha.png", folder / f"{name}_pseudoalpha.png"
    if truth_path.exists():
        truth = variant.resized(_read_alpha(truth_path))
        ai, damage, info = damage_alpha(truth, seed=variant.seed(name))
        return Scene(name, "real", rgb, ai, truth, damage, note="AI mask: damaged true alpha", info=info)
    if pseudo_path.exists():
        ai, _, info = damage_alpha(variant.resized(_read_alpha(pseudo_path)), seed=variant.seed(name))
        note = "pseudo-alpha only (closed-form estimate, not ground truth): no metrics"
        return Scene(name, "real", rgb, ai, None, None, note=note, info=info)
    return Scene(name, "real", rgb, None, None, None, note="no alpha of any kind: no metrics")


def load_scene(name: str, root: Path | None = None, variant: RealVariant = RealVariant()) -> Scene:
    """Load one scene by name (dev scenes are ``dev_NNN``; anything else is looked up in ``real/``,
    varied by ``variant``)."""
    root = root or data_root()
    if (root / "synthetic-dev" / f"{name}.json").exists():
        return load_dev_scene(name, root)
    return load_real_scene(name, root, variant)


def iter_scenes(
    which: str = "dev",
    *,
    only: str | None = None,
    root: Path | None = None,
    with_truth_only: bool = True,
    real_variant: RealVariant = RealVariant(),
) -> Iterator[Scene]:
    """Yield scenes one at a time (each is a few tens of MB; they are not kept).

    Parameters
    ----------
    which : {"dev", "real", "all"}
    only : str, optional
        A single scene name (or a prefix of names, e.g. ``am_gt2``).
    with_truth_only : bool
        Skip the scenes without ground truth (lemur, hoop earrings).
    real_variant : RealVariant
        How the real scenes are varied (the dev scenes never are).
    """
    if which not in SCENE_KINDS:
        raise ValueError(f"which must be one of {', '.join(SCENE_KINDS)}, got {which!r}")
    root = root or data_root()
    names: list[str] = []
    if which in ("dev", "all"):
        names += dev_names(root)
    if which in ("real", "all"):
        names += real_names(root, with_truth_only=with_truth_only)
    if only is not None:
        names = [n for n in names if n == only] or [n for n in names if n.startswith(only)]
        if not names:
            raise ValueError(f"no {which} scene named {only!r} under {root}")
    for name in names:
        yield load_scene(name, root, real_variant)


# --- the damage model ------------------------------------------------------------------------


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _disc(diameter: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (diameter, diameter))


def _thin_loss(alpha: np.ndarray, rng: np.random.Generator, scale: float, log: list) -> np.ndarray:
    """Grey opening with a 7 px ellipse; sometimes a few stretches of the lost parts survive, dimmed."""
    kernel = 7
    opened = cv2.morphologyEx(alpha, cv2.MORPH_OPEN, _disc(kernel))
    entry: dict[str, Any] = {"type": "thin_loss", "kernel_px": kernel, "kernel_shape": "ellipse"}
    lost = (alpha - opened) > 0.3
    if rng.random() < 0.5 and lost.any():
        target = rng.uniform(0.10, 0.20)
        survival_alpha = rng.uniform(0.5, 0.95)
        keep = np.zeros(alpha.shape, np.uint8)
        ys, xs = np.nonzero(lost)
        n_lost = len(ys)
        covered = 0
        for _ in range(200):
            if covered >= target * n_lost:
                break
            i = rng.integers(n_lost)
            radius = max(4, round(rng.uniform(12, 28) * scale))
            trial = keep.copy()
            cv2.circle(trial, (int(xs[i]), int(ys[i])), radius, 1, -1)
            trial_covered = int(np.count_nonzero(trial[ys, xs]))
            if trial_covered <= 1.5 * target * n_lost:  # no single stretch may overshoot the target much
                keep, covered = trial, trial_covered
        survived = keep.astype(bool) & lost
        opened = np.where(survived, np.maximum(opened, alpha * survival_alpha), opened)
        entry |= {
            "partial_survival_area": round(float(survived.sum() / n_lost), 3),
            "survival_alpha": round(float(survival_alpha), 3),
        }
    log.append(entry)
    return opened


def _edge_points(truth_fg: np.ndarray, inside: np.ndarray, min_depth: float) -> tuple[np.ndarray, np.ndarray]:
    """Edge pixels (x, y) of the true foreground lying next to a part at least ``min_depth`` thick."""
    core = (inside >= min_depth).view(np.uint8)
    reach = int(np.ceil(min_depth)) * 2 + 3
    near_core = cv2.dilate(core, _disc(reach)).astype(bool)
    edge = truth_fg & (inside < 1.5) & near_core
    ys, xs = np.nonzero(edge)
    return xs, ys


def _opacity_bleed(
    alpha: np.ndarray, truth_fg: np.ndarray, inside: np.ndarray, rng: np.random.Generator, scale: float, log: list
) -> np.ndarray:
    """Multiply alpha by ~0.35-0.45 in a band inside the edge, in a few discs along the outline.

    Profile measured on the dev set: the factor holds to about ``band - 4`` px inside the edge and
    rises to 1 by ``band + 0.5``; across a region it fades out towards the radius like ``(r/R)^3``.
    """
    factor_map = np.ones(alpha.shape, np.float32)
    regions = []
    for _ in range(int(rng.integers(2, 6))):
        band = rng.uniform(4.5, 9.0)
        xs, ys = _edge_points(truth_fg, inside, band + 2)
        if not len(xs):
            break
        i = rng.integers(len(xs))
        ax, ay = int(xs[i]), int(ys[i])
        radius = rng.uniform(60, 210) * scale
        factor = rng.uniform(0.35, 0.45)
        r = int(np.ceil(radius))
        y0, y1 = max(0, ay - r), min(alpha.shape[0], ay + r + 1)
        x0, x1 = max(0, ax - r), min(alpha.shape[1], ax + r + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        fade = 1.0 - np.clip(np.hypot(xx - ax, yy - ay) / radius, 0, 1) ** 3
        depth = _smoothstep((inside[y0:y1, x0:x1] - (band - 4.0)) / 4.5)
        strength = (1.0 - factor) * (1.0 - depth) * fade
        window = factor_map[y0:y1, x0:x1]
        np.minimum(window, (1.0 - strength).astype(np.float32), out=window)
        regions.append(
            {
                "anchor": [ax, ay],
                "radius_px": round(float(radius), 1),
                "band_px": round(float(band), 1),
                "alpha_factor": round(float(factor), 3),
            }
        )
    log.append({"type": "opacity_bleed", "regions": regions})
    return alpha * factor_map


def _clipped_chords(
    alpha: np.ndarray, truth_fg: np.ndarray, inside: np.ndarray, rng: np.random.Generator, scale: float, log: list
) -> np.ndarray:
    """Cut off a few protruding tips along a chord ``depth`` px in from the outline."""
    cuts = []
    smooth = cv2.GaussianBlur(truth_fg.astype(np.float32), (0, 0), 3)
    gy, gx = np.gradient(smooth)
    for _ in range(int(rng.integers(0, 4))):
        depth = rng.uniform(5, 15) * max(scale, 0.6)
        xs, ys = _edge_points(truth_fg, inside, depth / 2)
        if not len(xs):
            break
        picks = rng.integers(len(xs), size=min(64, len(xs)))
        r = int(np.ceil(depth))
        fill = []
        for i in picks:  # the most protruding candidate: least foreground within `depth` of it
            x, y = int(xs[i]), int(ys[i])
            fill.append(truth_fg[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].mean())
        i = picks[int(np.argmin(fill))]
        x, y = int(xs[i]), int(ys[i])
        normal = -np.array([gx[y, x], gy[y, x]], np.float64)  # outward
        if not np.any(normal):
            continue
        normal /= np.linalg.norm(normal)
        reach = int(np.ceil(2 * depth))
        y0, y1 = max(0, y - reach), min(alpha.shape[0], y + reach + 1)
        x0, x1 = max(0, x - reach), min(alpha.shape[1], x + reach + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        along = (xx - x) * normal[0] + (yy - y) * normal[1]
        cut = (along > -depth) & (np.hypot(xx - x, yy - y) < reach)
        alpha[y0:y1, x0:x1][cut] = 0.0
        cuts.append(
            {
                "point": [x, y],
                "dir": [round(float(normal[0]), 3), round(float(normal[1]), 3)],
                "depth_px": round(float(depth), 1),
                "shape": "chord",
            }
        )
    log.append({"type": "clipped_corners", "cuts": cuts})
    return alpha


def damage_alpha(
    true_alpha: np.ndarray, *, seed: int, damage_level: int = DAMAGE_LEVEL
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Make an "AI mask" from a true alpha, damaged the way the dev set's AI masks are.

    Steps, in the dev generator's order, with lengths scaled by ``max(H, W) / 1600``:

    1. thin loss: grey opening with a 7 px ellipse (thin parts vanish); half the time 10-20 % of
       the lost area survives in short stretches at 0.5-0.95 of its alpha;
    2. opacity bleed: 2-5 discs (radius 60-210 px) anchored on the outline of thick parts, where
       alpha inside a 4.5-9 px band along the edge is multiplied by 0.35-0.45;
    3. clipped chords: 0-3 protruding tips cut off along a chord 5-15 px deep;
    4. soft edges: Gaussian blur, sigma 0.5-1.0 px.

    Parameters
    ----------
    true_alpha : ndarray, shape (H, W), uint8
    seed : int
        Seeds the only RNG used; the same seed gives the same mask.
    damage_level : int
        A pixel is damaged where ``|ai - truth| >= damage_level`` (64, as in the dev set).

    Returns
    -------
    ai_alpha : ndarray, shape (H, W), uint8
    damage_mask : ndarray of bool, shape (H, W)
    info : dict
        The parameters drawn, in the dev JSON's ``artifacts`` format.
    """
    rng = np.random.default_rng(seed)
    truth = true_alpha.astype(np.float32) / 255.0
    scale = max(true_alpha.shape) / DEV_SIZE_PX
    truth_fg = truth >= 0.5
    inside = cv2.distanceTransform(truth_fg.view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    log: list[dict[str, Any]] = []
    alpha = _thin_loss(truth, rng, scale, log)
    alpha = _opacity_bleed(alpha, truth_fg, inside, rng, scale, log)
    alpha = _clipped_chords(alpha, truth_fg, inside, rng, scale, log)
    sigma = rng.uniform(0.5, 1.0)
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigma)
    log.append({"type": "soft_edges", "sigma_px": round(float(sigma), 3)})
    ai = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    damage = np.abs(ai.astype(np.int16) - true_alpha.astype(np.int16)) >= damage_level
    info = {"seed": seed, "artifacts": log, "damage_level": damage_level, "damage_pixels": int(damage.sum())}
    return ai, damage, info
