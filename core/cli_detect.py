"""The ``detect`` and ``autofix`` subcommands of ``python -m core`` (wired in by :mod:`core.cli`).

::

    python -m core detect ORIGINAL --mask AI.png [--json]
    python -m core autofix ORIGINAL --mask AI.png --out OUT.png [--recipe-out RECIPE.json]

``detect`` prints one line per region (kind, confidence, box) and the risk, or with ``--json``
the :meth:`core.detect.Detection.to_dict` document. ``autofix`` renders the proposal to ``OUT``
(an RGBA PNG, like ``render``) and, if asked, writes the recipe. Errors are :class:`CoreError`
and OS errors, which :mod:`core.cli` turns into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

COMMANDS = ("detect", "autofix")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``detect`` and ``autofix`` subparsers to ``python -m core``'s subparsers."""
    detect = sub.add_parser("detect", help="find the regions the AI mask most likely got wrong")
    detect.add_argument("original", type=Path, help="the photo (JPEG, PNG, TIFF, WebP)")
    detect.add_argument("--mask", type=Path, required=True, help="the AI result: RGBA cutout or greyscale mask")
    detect.add_argument("--json", action="store_true", help="print the regions and risk as JSON")

    autofix = sub.add_parser("autofix", help="repair what detect finds and render the result")
    autofix.add_argument("original", type=Path, help="the photo (JPEG, PNG, TIFF, WebP)")
    autofix.add_argument("--mask", type=Path, required=True, help="the AI result: RGBA cutout or greyscale mask")
    autofix.add_argument("--out", type=Path, required=True, help="output PNG")
    autofix.add_argument("--recipe-out", type=Path, help="also write the proposed recipe (JSON)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``args.command`` (one of COMMANDS), printing results to ``out``; CoreError and OSError
    propagate to the caller."""
    if args.command == "detect":
        return _detect(args, out)
    return _autofix(args)


def _decode(args: argparse.Namespace):
    """The decoded original, its 8-bit RGB (16-bit originals reduced, as the ops analyse them)
    and the AI alpha."""
    import cv2
    import numpy as np

    from core import codecs

    cv2.setNumThreads(1)  # as in render: one OpenCV thread on the shared 2 cores (perf-notes)
    image, ai_alpha = codecs.decode_inputs(codecs.read_bytes(args.original), codecs.read_bytes(args.mask))
    rgb = image.rgb if image.rgb.dtype == np.uint8 else (image.rgb >> 8).astype(np.uint8)
    return image, rgb, ai_alpha


def _detect(args: argparse.Namespace, out: TextIO) -> int:
    from core.detect import detect

    _, rgb, ai_alpha = _decode(args)
    found = detect(rgb, ai_alpha)
    if args.json:
        print(json.dumps(found.to_dict()), file=out)
        return 0
    for region in found.regions:
        x, y, w, h = region.box
        print(f"{region.kind:<9} {region.confidence:.3f}  x={x} y={y} w={w} h={h}", file=out)
    print(f"risk {found.risk:.3f}  ({len(found.regions)} regions, studio fit {found.studio_fit:.2f}, "
          f"edge sharpness {found.edge_sharpness:.2f})", file=out)
    return 0


def _autofix(args: argparse.Namespace) -> int:
    from core import codecs
    from core.autofix import propose_recipe
    from core.detect import detect
    from core.render import encode_final, render

    image, rgb, ai_alpha = _decode(args)
    recipe = propose_recipe(detect(rgb, ai_alpha))
    result = render(image, ai_alpha, recipe)
    codecs.write_bytes_atomic(args.out, encode_final(result, recipe))
    if args.recipe_out is not None:
        codecs.write_bytes_atomic(args.recipe_out, (json.dumps(recipe.to_dict(), indent=1) + "\n").encode())
    return 0
