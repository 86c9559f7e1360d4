"""Synthetic jewelry scenes for the demo when the shared dev scenes are not around.

Each scene is a studio photo (grey sweep, soft shadow, sensor noise) of a ring with a stone or a
pendant on a chain, plus the kind of AI cutout a background remover returns: mostly right, with
the flaws reviewers flag (a clipped prong, a missing chain segment, a halo). Arrays only; the
caller encodes them with ``core.codecs``. Deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SCENE_SIZE = (960, 720)  # (width, height): big enough to zoom, small enough to prepare in ~0.2 s
SUPERSAMPLE = 4  # drawn 4x larger then area-averaged: smooth edges and realistic soft alpha

METALS = {"gold": (212, 175, 55), "rose gold": (183, 110, 121), "silver": (192, 192, 200)}


@dataclass(frozen=True)
class Scene:
    sku: str
    view: str
    title: str
    rgb: np.ndarray  # (H, W, 3) uint8: the studio photo
    ai_alpha: np.ndarray  # (H, W) uint8: the remover's (flawed) mask
    flaw: str


SCENES = (
    ("RING-001", "front", "gold", "ring", "clipped_prong"),
    ("RING-001", "side", "gold", "ring", "halo"),
    ("PEND-002", "front", "silver", "pendant", "missing_chain"),
    ("RING-003", "front", "rose gold", "ring", "none"),
)


def demo_scenes() -> list[Scene]:
    return [_scene(i, *spec) for i, spec in enumerate(SCENES)]


def _scene(seed: int, sku: str, view: str, metal: str, kind: str, flaw: str) -> Scene:
    rng = np.random.default_rng(1000 + seed)
    width, height = SCENE_SIZE
    big = (height * SUPERSAMPLE, width * SUPERSAMPLE)
    coverage = np.zeros(big, np.uint8)
    colour = np.zeros((*big, 3), np.uint8)
    cx, cy = width * SUPERSAMPLE // 2, height * SUPERSAMPLE // 2
    metal_rgb = METALS[metal]
    if kind == "ring":
        _draw_ring(coverage, colour, cx, cy + 40 * SUPERSAMPLE, metal_rgb, view)
    else:
        _draw_pendant(coverage, colour, cx, cy, metal_rgb)
    alpha = cv2.resize(coverage, (width, height), interpolation=cv2.INTER_AREA)
    object_rgb = cv2.resize(colour, (width, height), interpolation=cv2.INTER_AREA)
    background = _studio_background(width, height, alpha, rng)
    a = alpha.astype(np.float32)[..., None] / 255.0
    photo = object_rgb.astype(np.float32) * a + background * (1 - a)
    photo += rng.normal(0, 1.5, photo.shape)
    rgb = np.clip(photo + 0.5, 0, 255).astype(np.uint8)
    title = f"{metal.capitalize()} {'solitaire ring' if kind == 'ring' else 'pendant on chain'}"
    return Scene(sku=sku, view=view, title=title, rgb=rgb, ai_alpha=_ai_flaw(alpha, flaw), flaw=flaw)


def _draw_ring(coverage: np.ndarray, colour: np.ndarray, cx: int, cy: int, metal, view: str) -> None:
    s = SUPERSAMPLE
    axes = (170 * s, 150 * s) if view == "front" else (170 * s, 60 * s)
    cv2.ellipse(coverage, (cx, cy), axes, 0, 0, 360, 255, 26 * s)
    cv2.ellipse(colour, (cx, cy), axes, 0, 0, 360, metal, 26 * s)
    top = cy - axes[1]
    for dx in (-28, -10, 10, 28):  # four thin prongs holding the stone
        x = cx + dx * s
        cv2.line(coverage, (x, top), (x + dx * s // 3, top - 70 * s), 255, 5 * s)
        cv2.line(colour, (x, top), (x + dx * s // 3, top - 70 * s), metal, 5 * s)
    cv2.circle(coverage, (cx, top - 60 * s), 42 * s, 255, -1)
    cv2.circle(colour, (cx, top - 60 * s), 42 * s, (235, 240, 250), -1)
    cv2.circle(colour, (cx - 12 * s, top - 72 * s), 12 * s, (255, 255, 255), -1)  # sparkle


def _draw_pendant(coverage: np.ndarray, colour: np.ndarray, cx: int, cy: int, metal) -> None:
    s = SUPERSAMPLE
    for t in np.linspace(-1.0, 1.0, 41):  # chain: small links along a catenary
        x = int(cx + t * 300 * s)
        y = int(cy - 250 * s + (t * t) * 230 * s)
        cv2.ellipse(coverage, (x, y), (9 * s, 5 * s), int(t * 40), 0, 360, 255, 2 * s)
        cv2.ellipse(colour, (x, y), (9 * s, 5 * s), int(t * 40), 0, 360, metal, 2 * s)
    cv2.circle(coverage, (cx, cy + 40 * s), 70 * s, 255, -1)
    cv2.circle(colour, (cx, cy + 40 * s), 70 * s, metal, -1)
    cv2.circle(colour, (cx, cy + 40 * s), 40 * s, (40, 90, 160), -1)  # sapphire


def _studio_background(width: int, height: int, alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    base = np.array([214, 214, 216], np.float32) - 14 * ys
    shadow = cv2.GaussianBlur(np.roll(alpha, 8, axis=0).astype(np.float32) / 255.0, (0, 0), 12)
    tint = rng.uniform(-2, 2, 3).astype(np.float32)
    return np.broadcast_to(base + tint, (height, width, 3)) * (1 - 0.25 * shadow[..., None])


def _ai_flaw(alpha: np.ndarray, flaw: str) -> np.ndarray:
    """The remover's mask: slightly hardened, plus one typical flaw."""
    ai = cv2.GaussianBlur(alpha, (0, 0), 0.8)
    height, width = ai.shape
    if flaw == "clipped_prong":
        ai[height // 2 - 130 : height // 2 - 108, width // 2 + 18 : width // 2 + 42] = 0  # right prongs
    elif flaw == "missing_chain":
        ai[: height // 2 - 60, : width // 2 - 150] = 0
    elif flaw == "halo":
        ai = np.maximum(ai, (cv2.dilate(alpha, np.ones((9, 9), np.uint8)) * 0.6).astype(np.uint8))
    return ai
