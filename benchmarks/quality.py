"""Quality benchmark: how far each repair tool brings the AI mask towards the truth.

For every scene (see :mod:`benchmarks.datasets`) it scores, with :mod:`core.metrics`:

1. ``ai``: the AI mask as it is;
2. ``paths``: AI + one ``path`` op (mode add, feather 0) per damaged component, traced from the
   truth (:func:`benchmarks.vectorize.component_paths`): what a careful pen-tool user gets;
3. ``channel``: AI + one ``channel`` op (auto channel, levels and invert, mode add) per box
   around a cluster of damaged components where the AI lost foreground;
4. ``refine``: AI + one global ``refine`` op at the recommended bleed settings.

Everything is rendered through the core API (``core.render.render_alpha``), then it prints a
table and PASS/FAIL lines for the acceptance checks.

Run from the repository root::

    python -m benchmarks.quality                      # the 12 dev scenes
    python -m benchmarks.quality --scenes all --json out.json
    python -m benchmarks.quality --only dev_003 --markdown
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import scipy.ndimage

from benchmarks.datasets import Scene, iter_scenes
from benchmarks.vectorize import component_paths, path_segments
from core import metrics
from core.limits import MAX_OPS, MAX_PATH_DATA_CHARS, MAX_PATH_SEGMENTS, MAX_RECIPE_SEGMENTS
from core.recipe import Recipe

METHODS = ("ai", "paths", "channel", "refine")

# Refine settings that fix opacity bleed. core.refine may publish its author's recommendation as
# RECOMMENDED_BLEED (a dict of RefineOp fields); until then the README's starting point.
DEFAULT_REFINE_BLEED = {"contrast": 15.0, "shift_edge": 10.0}

# Channel boxes: a reviewer boxes each visible break, not each pixel. Damaged components closer
# than this gap share a box (the gap doubles if there would still be more than MAX_OPS boxes), and
# clusters of fewer damaged pixels than the minimum (1-2 px specks along soft edges: most of the
# components, few of the pixels) get none.
CHANNEL_CLUSTER_GAP_PX = 6
CHANNEL_MIN_PIXELS = 1
# Margin around the damaged pixels of a cluster, so the box holds some background for auto levels.
CHANNEL_BOX_MARGIN_PX = 4

# Acceptance thresholds.
PATHS_MIN_THIN_RECALL = 0.99
PATHS_MIN_IOU = 0.99
CHANNEL_MIN_MEAN_THIN_RECALL = 0.9
CHANNEL_SAD_WINS = 10 / 12  # share of scenes where channel must beat the AI's SAD (10 of 12)
CHANNEL_MAX_IOU_DROP = 0.01
REFINE_MIN_BLEED_CUT = 0.8
REFINE_MAX_OVERSHOOT_PX = 2.0


def refine_bleed_settings() -> dict[str, float]:
    """``core.refine.RECOMMENDED_BLEED`` if the refine module publishes it, else the default."""
    from core import refine

    return dict(getattr(refine, "RECOMMENDED_BLEED", DEFAULT_REFINE_BLEED))


# --- recipes ---------------------------------------------------------------------------------


def box_path(x0: int, y0: int, x1: int, y1: int) -> str:
    return f"M {x0} {y0} H {x1} V {y1} H {x0} Z"


def path_ops(scene: Scene) -> list[dict[str, Any]]:
    """One ``path`` op per damaged component (packed several to an op only past MAX_OPS)."""
    paths = component_paths(scene.true_alpha, scene.damage_mask)
    groups = _pack(paths, max_groups=MAX_OPS)
    return [{"op": "path", "d": " ".join(group), "mode": "add", "feather": 0} for group in groups]


def _pack(paths: list[str], *, max_groups: int) -> list[list[str]]:
    """Consecutive paths in groups, one per group when they fit in ``max_groups``, never a group
    past MAX_PATH_SEGMENTS or MAX_PATH_DATA_CHARS. (Overlaps are fine: paths fill nonzero.)"""
    per_group = max(1, math.ceil(len(paths) / max_groups))
    groups: list[list[str]] = []
    segments = chars = 0
    for d in paths:
        n, c = path_segments(d), len(d) + 1
        if (
            groups
            and len(groups[-1]) < per_group
            and segments + n <= MAX_PATH_SEGMENTS
            and chars + c <= MAX_PATH_DATA_CHARS
        ):
            groups[-1].append(d)
            segments, chars = segments + n, chars + c
        else:
            groups.append([d])
            segments, chars = n, c
    return groups


def missing_components(scene: Scene) -> np.ndarray:
    """The damage mask restricted to components where the AI lost foreground (sum of truth - AI > 0)."""
    n, labels = cv2.connectedComponents(scene.damage_mask.view(np.uint8), connectivity=8)
    lost = scene.true_alpha.astype(np.int64) - scene.ai_alpha.astype(np.int64)
    balance = np.bincount(labels.ravel(), weights=lost.ravel(), minlength=n)
    keep = balance > 0
    keep[0] = False
    return keep[labels]


def channel_boxes(scene: Scene) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` around clusters of damaged components where the AI lost
    foreground (see CHANNEL_CLUSTER_GAP_PX), ``CHANNEL_BOX_MARGIN_PX`` wider than the damaged pixels."""
    mask = missing_components(scene)
    height, width = mask.shape
    gap = CHANNEL_CLUSTER_GAP_PX
    while True:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap + 1, gap + 1))
        n, labels = cv2.connectedComponents(cv2.dilate(mask.view(np.uint8), kernel), connectivity=8)
        labels = np.where(mask, labels, 0)  # each cluster's damaged pixels
        sizes = np.bincount(labels.ravel(), minlength=n)
        big = np.flatnonzero(sizes[1:] >= CHANNEL_MIN_PIXELS) + 1
        if len(big) <= MAX_OPS:
            break
        gap *= 2
    boxes = []
    m = CHANNEL_BOX_MARGIN_PX
    found = scipy.ndimage.find_objects(labels)
    for label in big:
        rows, cols = found[label - 1]
        boxes.append(
            (max(0, cols.start - m), max(0, rows.start - m), min(width, cols.stop + m), min(height, rows.stop + m))
        )
    return boxes


def channel_ops(scene: Scene) -> list[dict[str, Any]]:
    return [
        {
            "op": "channel",
            "region": box_path(*box),
            "channel": "auto",
            "black": None,
            "white": None,
            "invert": None,
            "mode": "add",
        }
        for box in channel_boxes(scene)
    ]


def refine_ops(scene: Scene) -> list[dict[str, Any]]:
    return [{"op": "refine", **refine_bleed_settings()}]


RECIPE_BUILDERS: dict[str, Callable[[Scene], list[dict[str, Any]]]] = {
    "paths": path_ops,
    "channel": channel_ops,
    "refine": refine_ops,
}


def _segments(op: dict[str, Any]) -> int:
    return sum(path_segments(op[k]) for k in ("d", "region") if k in op)


def render_ops(scene: Scene, ops: list[dict[str, Any]]) -> np.ndarray:
    """Render ``ops`` on the AI mask through ``core.render.render_alpha``.

    A recipe past MAX_OPS or MAX_RECIPE_SEGMENTS is rendered as a chain of recipes, each on the
    previous result: exact for path ops (a union is a union), which are the only ones that need it.
    """
    from core.render import render_alpha

    alpha = scene.ai_alpha
    chunk: list[dict[str, Any]] = []
    segments = 0
    chunks = []
    for op in ops:
        n = _segments(op)
        if chunk and (len(chunk) == MAX_OPS or segments + n > MAX_RECIPE_SEGMENTS):
            chunks.append(chunk)
            chunk, segments = [], 0
        chunk.append(op)
        segments += n
    chunks.append(chunk)
    if len(chunks) > 1 and any(op["op"] != "path" for op in ops):
        raise ValueError("only path ops may be split over several recipes")
    for chunk in chunks:
        if chunk:
            alpha = render_alpha(scene.rgb, alpha, Recipe.from_dict({"version": 1, "base": "ai", "ops": chunk}))
    return alpha


# --- evaluation --------------------------------------------------------------------------------


@dataclass
class SceneResult:
    name: str
    kind: str
    scores: dict[str, metrics.Scores] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    n_ops: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "methods": {
                m: {
                    **_jsonable(s.as_dict()),
                    "seconds": round(self.seconds.get(m, 0.0), 3),
                    "ops": self.n_ops.get(m, 0),
                }
                for m, s in self.scores.items()
            },
        }


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def evaluate(scene: Scene, methods: tuple[str, ...] = METHODS, *, log: Callable[[str], None] = print) -> SceneResult:
    result = SceneResult(scene.name, scene.kind)
    for method in methods:
        started = time.perf_counter()
        if method == "ai":
            alpha, n_ops = scene.ai_alpha, 0
        else:
            ops = RECIPE_BUILDERS[method](scene)
            alpha, n_ops = render_ops(scene, ops), len(ops)
        result.seconds[method] = time.perf_counter() - started
        result.n_ops[method] = n_ops
        result.scores[method] = metrics.score(alpha, scene.true_alpha)
    log(f"  {scene.name}: " + ", ".join(f"{m} {result.seconds[m]:.1f}s/{result.n_ops[m]} ops" for m in methods))
    return result


# --- checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def _finite(values: list[float]) -> list[float]:
    return [v for v in values if math.isfinite(v)]


def acceptance_checks(results: list[SceneResult], label: str) -> list[Check]:
    """The three acceptance checks over ``results`` (one group of scenes, e.g. the dev set)."""
    checks = []
    by = {m: [r.scores[m] for r in results] for m in METHODS if all(m in r.scores for r in results)}
    names = [r.name for r in results]
    if {"paths"} <= by.keys():
        bad = [
            f"{n} (thin {s.thin_recall:.4f}, IoU {s.iou:.4f})"
            for n, s in zip(names, by["paths"])
            if not (s.iou >= PATHS_MIN_IOU and (math.isnan(s.thin_recall) or s.thin_recall >= PATHS_MIN_THIN_RECALL))
        ]
        worst_thin = min(_finite([s.thin_recall for s in by["paths"]]), default=math.nan)
        worst_iou = min(s.iou for s in by["paths"])
        checks.append(
            Check(
                f"{label} paths: thin recall >= {PATHS_MIN_THIN_RECALL} and IoU >= {PATHS_MIN_IOU} on every scene",
                not bad,
                f"worst thin recall {worst_thin:.4f}, worst IoU {worst_iou:.4f}"
                + (f"; failing: {', '.join(bad)}" if bad else ""),
            )
        )
    if {"ai", "channel"} <= by.keys():
        thin = _finite([s.thin_recall for s in by["channel"]])
        mean_thin = float(np.mean(thin)) if thin else math.nan
        wins = sum(c.sad < a.sad for a, c in zip(by["ai"], by["channel"]))
        need = math.ceil(CHANNEL_SAD_WINS * len(results) - 1e-9)
        drops = [(n, a.iou - c.iou) for n, a, c in zip(names, by["ai"], by["channel"])]
        worst_drop = max(drops, key=lambda d: d[1])
        passed = (mean_thin >= CHANNEL_MIN_MEAN_THIN_RECALL) and wins >= need and worst_drop[1] <= CHANNEL_MAX_IOU_DROP
        checks.append(
            Check(
                f"{label} channel: mean thin recall >= {CHANNEL_MIN_MEAN_THIN_RECALL}, SAD better than AI on >= {need} of "
                f"{len(results)} scenes, IoU never lowered by more than {CHANNEL_MAX_IOU_DROP}",
                passed,
                f"mean thin recall {mean_thin:.4f}; SAD better on {wins}/{len(results)}; "
                f"largest IoU drop {worst_drop[1]:+.4f} ({worst_drop[0]})",
            )
        )
    if {"ai", "refine"} <= by.keys():
        with_bleed = [(n, a, r) for n, a, r in zip(names, by["ai"], by["refine"]) if a.bleed_count > 0]
        cuts = [(n, 1 - r.bleed_count / a.bleed_count) for n, a, r in with_bleed]
        worst_cut = min(cuts, key=lambda c: c[1], default=("-", math.nan))
        overshoots = [(n, r.edge_overshoot) for n, r in zip(names, by["refine"])]
        worst_over = max(overshoots, key=lambda o: o[1])
        passed = all(c >= REFINE_MIN_BLEED_CUT for _, c in cuts) and worst_over[1] <= REFINE_MAX_OVERSHOOT_PX
        checks.append(
            Check(
                f"{label} refine {refine_bleed_settings()}: bleed cut by >= {REFINE_MIN_BLEED_CUT:.0%} on the "
                f"{len(with_bleed)} scenes with bleed, edge no more than {REFINE_MAX_OVERSHOOT_PX:g} px past the true edge",
                passed,
                f"smallest bleed cut {worst_cut[1]:.1%} ({worst_cut[0]}); largest overshoot (p99) "
                f"{worst_over[1]:.2f} px ({worst_over[0]})",
            )
        )
    return checks


# --- output ----------------------------------------------------------------------------------------

COLUMNS = (
    ("SAD", lambda s: f"{s.sad:.2f}"),
    ("MSE", lambda s: f"{s.mse:.5f}"),
    ("Grad", lambda s: f"{s.grad:.2f}"),
    ("Conn", lambda s: f"{s.conn:.2f}"),
    ("IoU", lambda s: f"{s.iou:.4f}"),
    ("Thin recall", lambda s: "-" if math.isnan(s.thin_recall) else f"{s.thin_recall:.4f}"),
    ("Bleed px", lambda s: f"{s.bleed_count}"),
    ("Bleed %", lambda s: "-" if math.isnan(s.bleed_fraction) else f"{100 * s.bleed_fraction:.2f}"),
    ("Overshoot px", lambda s: f"{s.edge_overshoot:.2f}"),
)


def mean_scores(scores: list[metrics.Scores]) -> metrics.Scores:
    """Field-wise mean, ignoring NaN (a scene without thin structure has no thin recall)."""
    values = {}
    for name in metrics.Scores.__dataclass_fields__:
        column = _finite([float(getattr(s, name)) for s in scores])
        values[name] = float(np.mean(column)) if column else math.nan
    values["bleed_count"] = round(values["bleed_count"]) if math.isfinite(values["bleed_count"]) else 0
    return metrics.Scores(**values)


def table_rows(results: list[SceneResult], methods: tuple[str, ...]) -> list[list[str]]:
    rows = []
    groups: dict[str, list[SceneResult]] = {}
    for r in results:
        groups.setdefault(r.kind, []).append(r)
        for m in methods:
            rows.append([r.name, m] + [f(r.scores[m]) for _, f in COLUMNS])
    for kind, group in groups.items():
        for m in methods:
            rows.append(
                [f"mean ({kind}, {len(group)})", m] + [f(mean_scores([r.scores[m] for r in group])) for _, f in COLUMNS]
            )
    return rows


def format_text(rows: list[list[str]]) -> str:
    header = ["Scene", "Method"] + [c for c, _ in COLUMNS]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    previous = None
    for row in rows:
        if previous is not None and row[0] != previous:
            lines.append("")
        previous = row[0]
        lines.append("  ".join(x.ljust(w) if i < 2 else x.rjust(w) for i, (x, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


def format_markdown(rows: list[list[str]]) -> str:
    header = ["Scene", "Method"] + [c for c, _ in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", "---"] + ["---:"] * len(COLUMNS)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", choices=("dev", "real", "all"), default="dev")
    parser.add_argument("--only", help="one scene (or a name prefix)")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated subset of {','.join(METHODS)}")
    parser.add_argument("--json", metavar="OUT", help="write machine-readable results here")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--strict", action="store_true", help="exit 1 when an acceptance check (dev set) fails")
    args = parser.parse_args(argv)
    methods = tuple(m for m in args.methods.split(",") if m)
    unknown = sorted(set(methods) - set(METHODS))
    if unknown or "ai" not in methods:
        parser.error(f"--methods must include ai and only {', '.join(METHODS)}")
    cv2.setNumThreads(1)  # as in the worker: steadier timings on the shared 2-core machine

    results: list[SceneResult] = []
    started = time.perf_counter()
    for scene in iter_scenes(args.scenes, only=args.only, with_truth_only=False):
        if not scene.has_truth:
            _log(f"  {scene.name}: skipped ({scene.note})")
            continue
        results.append(evaluate(scene, methods, log=_log))
    total = time.perf_counter() - started

    rows = table_rows(results, methods)
    print(format_markdown(rows) if args.markdown else format_text(rows))
    print()
    checks: list[Check] = []
    for kind in ("dev", "real"):
        group = [r for r in results if r.kind == kind]
        if group:
            checks += acceptance_checks(group, kind)
    for check in checks:
        if check.name.startswith("dev"):
            print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}\n      {check.detail}")
        else:  # the acceptance checks are defined on the dev set; on real photos they inform
            print(f"{'info' if check.passed else 'info (below)'}  {check.name}\n      {check.detail}")
    print(f"\n{len(results)} scenes in {total:.1f} s")
    if args.json:
        payload = {
            "refine_settings": refine_bleed_settings(),
            "scenes": [r.as_dict() for r in results],
            "means": {
                kind: {
                    m: _jsonable(mean_scores([r.scores[m] for r in results if r.kind == kind]).as_dict())
                    for m in methods
                }
                for kind in sorted({r.kind for r in results})
            },
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in checks],
            "seconds": round(total, 1),
        }
        with open(args.json, "w") as out:
            json.dump(payload, out, indent=1)
    return 1 if args.strict and not all(c.passed for c in checks if c.name.startswith("dev")) else 0


if __name__ == "__main__":
    sys.exit(main())
