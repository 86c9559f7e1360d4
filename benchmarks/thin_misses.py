"""Where auto-fix's thin-structure recall falls short: the true thin pixels it leaves under 0.5.

``detect_bench --misses`` prints, per scene, the pixels of :func:`core.metrics.thin_mask` that the
auto-fixed alpha leaves under 0.5, and how many of them

* lie inside the region of an op the proposal made to bring back lost detail (``in ops``:
  ``recover`` or ``channel``, which was there and did not bring them back); the rest were never
  found;
* lie farther than the recover op's reach past the AI mask's faintest alpha (``beyond reach``;
  measured on the AI mask, where the op measures it on the alpha the ops before it left);
* have a true alpha under 0.6 (``fringe``): half-covered edge pixels, where the 0.5 cut decides;
* were left at 0.4 or more (``near cut``): within 0.1 under the cut.

And the thin recall of one ``recover`` op over the whole image, with no detection
(:func:`recover_everywhere`): how far the method auto-fix uses on photos that are no studio shot
goes where detection found everything (``recover all``), and the share of the pixels the same op
changes by more than 0.1 when the true alpha is the mask (``on truth``: what it would cost on
correct masks).

Examples
--------
A 2 px wire, 30 px tall, standing on a body; the mask lost the wire. Auto-fix's op (rows 15-29)
brought back its lower two thirds but one pixel (left at 110), not its top 10 px, which stand
over 16 px past the mask (one of them a half-covered fringe pixel):

>>> truth = np.zeros((40, 20), np.uint8); truth[:, 9:11] = 255; truth[30:, :] = 255; truth[0, 9] = 140
>>> ai = truth.copy(); ai[:30, 9:11] = 0
>>> fixed = truth.copy(); fixed[:10, 9:11] = 0; fixed[20, 9] = 110
>>> ops = [{"op": "recover", "region": "M 0 15 H 20 V 30 H 0 Z", "radius": 16}]
>>> thin_misses(truth, ai, fixed, ops)
ThinMisses(thin=58, left=21, in_ops=1, beyond_reach=20, fringe=1, near_cut=1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect_shape import distance_to
from core.geometry import parse_path
from core.metrics_structure import thin_mask, thin_recall
from core.rasterize import coverage
from core.recover import RADIUS, recover_region
from core.window import Rect

RESTORING_OPS = ("recover", "channel")  # the ops auto-fix proposes for lost detail
FRINGE_TRUTH = 0.6
NEAR_CUT = 0.4
FAINTEST = 0.03  # the recover op's reach is measured from alpha over this (core.recover)


@dataclass(frozen=True)
class ThinMisses:
    thin: int
    left: int
    in_ops: int
    beyond_reach: int
    fringe: int
    near_cut: int


def thin_misses(true_alpha: np.ndarray, ai_alpha: np.ndarray, fixed: np.ndarray, ops: list[dict]) -> ThinMisses:
    """Count the true thin pixels ``fixed`` leaves under 0.5, by cause (module notes)."""
    thin = thin_mask(true_alpha)
    left = thin & (fixed < 128)
    covered = np.zeros(left.shape, bool)
    image = Rect(0, 0, left.shape[1], left.shape[0])
    for op in ops:
        if op["op"] in RESTORING_OPS and op.get("region"):
            covered |= coverage(parse_path(op["region"]), image) > 0
    reach = distance_to(ai_alpha.astype(np.float32) * (1.0 / 255.0) > FAINTEST)
    return ThinMisses(
        thin=int(thin.sum()),
        left=int(left.sum()),
        in_ops=int((left & covered).sum()),
        beyond_reach=int((left & (reach > RADIUS)).sum()),
        fringe=int((left & (true_alpha < round(FRINGE_TRUTH * 255))).sum()),
        near_cut=int((left & (fixed >= round(NEAR_CUT * 255))).sum()),
    )


def recover_everywhere(rgb: np.ndarray, ai_alpha: np.ndarray, true_alpha: np.ndarray) -> tuple[float, float]:
    """One recover op (default reach) over the whole image: ``(thin recall on ai_alpha, share of
    the pixels it changes by more than 0.1 on true_alpha)``."""
    everywhere = np.full(ai_alpha.shape, 255, np.uint8)
    recall = thin_recall(recover_region(rgb, ai_alpha, everywhere, radius=RADIUS), true_alpha)
    on_truth = recover_region(rgb, true_alpha, everywhere, radius=RADIUS)
    changed = np.abs(on_truth.astype(np.int16) - true_alpha.astype(np.int16)) > round(0.1 * 255)
    return recall, float(changed.mean())


def format_misses(rows: list[tuple[str, ThinMisses, tuple[float, float]]]) -> str:
    """A plain table: one line per scene (name, counts, :func:`recover_everywhere`'s pair), shares
    of the pixels left in percent."""
    header = (f"{'thin pixels auto-fix leaves under 0.5':38s} {'thin':>7s} {'left':>7s} {'in ops':>7s} "
              f"{'beyond reach':>12s} {'fringe':>7s} {'near cut':>8s} {'recover all':>11s} {'on truth':>8s}")
    lines = [header]
    for name, m, (recall, on_truth) in rows:
        shares = [_share(count, m.left) for count in (m.in_ops, m.beyond_reach, m.fringe, m.near_cut)]
        lines.append(f"{name:38s} {m.thin:7d} {m.left:7d} {shares[0]:>7s} {shares[1]:>12s} "
                     f"{shares[2]:>7s} {shares[3]:>8s} {recall:11.3f} {100 * on_truth:6.2f} %")
    return "\n".join(lines)


def _share(count: int, total: int) -> str:
    return f"{100.0 * count / total:.0f} %" if total else "-"
