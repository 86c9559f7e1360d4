"""Command line: ``python -m core render|info ...``.

Bad input exits with status 2 and one line on stderr (``error: ...``), never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from core.errors import CoreError

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Repair AI background-removal masks.")
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser("render", help="render a recipe to a full-resolution RGBA PNG")
    render.add_argument("original", type=Path, help="the photo (JPEG, PNG, TIFF, WebP)")
    render.add_argument("--mask", type=Path, help="the AI result: RGBA cutout or greyscale mask")
    render.add_argument("--recipe", type=Path, required=True, help="recipe JSON file")
    render.add_argument("--out", type=Path, required=True, help="output PNG")
    render.add_argument("--preview", type=Path, help="also write a 2048 px preview (.webp or .png)")
    render.add_argument("--timings", action="store_true", help="print stage timings as JSON on stdout")

    info = sub.add_parser("info", help="print size, orientation, mode, bit depth and ICC profile as JSON")
    info.add_argument("file", type=Path)
    from core import cli_detect  # detect and autofix live there

    cli_detect.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from core import cli_detect

    args = build_parser().parse_args(argv)
    out = sys.stdout
    try:
        # Libraries' chatter (print()s in a dependency) goes to stderr: stdout
        # carries only the command's own output, which scripts parse (--json, --timings, info).
        with contextlib.redirect_stdout(sys.stderr):
            if args.command in cli_detect.COMMANDS:
                return cli_detect.run(args, out)
            if args.command == "render":
                return _render(args, out)
            if args.command == "info":
                return _info(args, out)
    except CoreError as exc:
        return _fail(str(exc))
    except FileNotFoundError as exc:
        return _fail(f"no such file: {exc.filename}")
    except IsADirectoryError as exc:
        return _fail(f"is a directory, not a file: {exc.filename}")
    except PermissionError as exc:
        return _fail(f"permission denied: {exc.filename}")
    except OSError as exc:
        return _fail(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}")
    return 1


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _render(args: argparse.Namespace, out: TextIO) -> int:
    import cv2

    from core import codecs
    from core.recipe import Recipe
    from core.render import encode_final, encode_preview_of, render

    # One OpenCV thread: on 2 cores, threaded small-kernel morphology is slower (perf-notes);
    # the PNG encoder brings its own two threads.
    cv2.setNumThreads(1)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    recipe = Recipe.from_json(codecs.read_bytes(args.recipe))
    mask_bytes = None if args.mask is None else codecs.read_bytes(args.mask)
    image, ai_alpha = codecs.decode_inputs(codecs.read_bytes(args.original), mask_bytes)
    timings["decode"] = time.perf_counter() - t0

    result = render(image, ai_alpha, recipe)
    timings["ops"] = result.timings.get("base", 0.0) + result.timings.get("ops", 0.0)
    timings.update(result.timings_by_op_kind)

    t1 = time.perf_counter()
    codecs.write_bytes_atomic(args.out, encode_final(result, recipe))
    timings["encode"] = time.perf_counter() - t1
    if args.preview is not None:
        t2 = time.perf_counter()
        fmt = "png" if args.preview.suffix.lower() == ".png" else "webp"
        codecs.write_bytes_atomic(args.preview, encode_preview_of(result, fmt=fmt))
        timings["preview"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    if args.timings:
        print(json.dumps({k: round(v, 4) for k, v in timings.items()}), file=out)
    return 0


def _info(args: argparse.Namespace, out: TextIO) -> int:
    from core import codecs

    print(json.dumps(codecs.describe(codecs.read_bytes(args.file)), indent=2), file=out)
    return 0
