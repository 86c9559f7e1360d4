"""Pairing file names: which original goes with which AI result, and which SKU and view it is.

Rules (the same for a folder, a zip and a web upload):

- ``NAME_cutout.png`` or ``NAME_mask.png`` (also .webp/.tif) is the AI result for ``NAME.<ext>``;
- ``NAME.png`` next to a non-PNG original ``NAME.jpg`` (or .jpeg/.tif/.tiff/.webp) is the remover's
  usual output, hence the AI result;
- files pair only within the same folder; names compare case-sensitively, extensions not;
- an original's name (without extension) is used once per upload: the same name in two folders of
  a zip or a folder tree is refused, as two such files sent loose are (both would be one SKU/view);
- SKU and view come from the manifest row for the original (``file, sku, view, title``), else from
  the name: ``SKU_view`` split at the last underscore (no underscore: view ``main``).

Files that are not images (``.json``, ``.txt``, hidden files, ``__MACOSX/``, archives) are listed as
ignored, each with the reason.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from jewelreview.errors import InvalidInput

ORIGINAL_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"})
AI_EXTENSIONS = frozenset({".png", ".webp", ".tif", ".tiff"})
AI_SUFFIXES = ("_cutout", "_mask")
MANIFEST_NAME = "manifest.csv"
DEFAULT_VIEW = "main"
MAX_CODE_LENGTH = 120  # Sku.code and Photo.view columns
# A manifest lists one row per photo; 10 MB is ~100,000 rows, far beyond any batch.
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
ARCHIVE_EXTENSIONS = frozenset({".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz"})

# Why a file was ignored: said in the report, one per file.
IGNORED_HIDDEN = "hidden file: its name starts with a dot"
IGNORED_MACOS = "macOS archive metadata (__MACOSX), not a photo"
IGNORED_MANIFEST = "only the manifest.csv at the top of the upload is read"
IGNORED_ARCHIVE = "archives inside an upload are not read: send one zip on its own"
IGNORED_OTHER = "not an image or manifest"


@dataclass(frozen=True)
class Entry:
    """One file offered for import: its relative name and how to read it."""

    name: str
    open: Callable[[], BinaryIO] = field(compare=False, repr=False)
    size: int | None = None


@dataclass(frozen=True)
class Pair:
    original: Entry
    ai_result: Entry
    sku: str
    view: str
    title: str = ""


@dataclass(frozen=True)
class Refusal:
    name: str
    reason: str
    ai_result: str = ""  # for a refused pair: its AI result file, not imported either


@dataclass(frozen=True)
class Ignored:
    name: str
    reason: str


@dataclass(frozen=True)
class ManifestRow:
    sku: str
    view: str
    title: str


@dataclass
class Pairing:
    pairs: list[Pair] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


def manifest_parse(data: bytes, *, name: str = MANIFEST_NAME) -> dict[str, ManifestRow]:
    """Parse a manifest CSV (``file, sku[, view][, title]``); keys are file names as written."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise InvalidInput(
            f"{name}: a manifest is at most {MAX_MANIFEST_BYTES // 1024**2} MB.", code="invalid_manifest"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{name}: not UTF-8 text.", code="invalid_manifest") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in (reader.fieldnames or [])}
    if not {"file", "sku"} <= columns:
        found = ", ".join(sorted(columns)) or "none"
        raise InvalidInput(
            f"{name}: needs the columns file and sku (and optionally view, title); found {found}.",
            code="invalid_manifest",
        )
    rows: dict[str, ManifestRow] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        file_name, sku = row.get("file", ""), row.get("sku", "")
        if not file_name and not sku:
            continue
        if not file_name or not sku:
            raise InvalidInput(f"{name} line {line}: file and sku are both required.", code="invalid_manifest")
        if _nfc(file_name) in rows:
            raise InvalidInput(f"{name} line {line}: {file_name} is listed twice.", code="invalid_manifest")
        file_name = _nfc(file_name)
        rows[file_name] = ManifestRow(sku=_nfc(sku), view=_nfc(row.get("view", "")), title=_nfc(row.get("title", "")))
    return rows


def entries_pair(
    entries: Iterable[Entry],
    *,
    manifest: dict[str, ManifestRow] | None = None,
    archive_reason: str = IGNORED_ARCHIVE,
) -> Pairing:
    """Group entries into (original, AI result) pairs; list refusals and ignored files.

    ``archive_reason`` says why an archive among the entries is not read (the caller knows whether
    they came from a zip, a folder or a web upload).
    """
    manifest = manifest or {}
    result = Pairing()
    originals: dict[str, list[Entry]] = defaultdict(list)
    ai_results: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        path = PurePosixPath(entry.name)
        ext = path.suffix.lower()
        reason = _ignored_reason(path, archive_reason=archive_reason)
        if reason is not None:
            result.ignored.append(Ignored(entry.name, reason))
            continue
        stem_key = _nfc(str(path.with_suffix("")))
        base = _strip_ai_suffix(stem_key)
        if base is not None and ext in AI_EXTENSIONS:
            ai_results[base].append(entry)
        elif ext in ORIGINAL_EXTENSIONS:
            originals[stem_key].append(entry)
        else:
            result.ignored.append(Ignored(entry.name, IGNORED_OTHER))

    folders_of_name: dict[str, list[str]] = defaultdict(list)
    for key in sorted(originals):
        folders_of_name[PurePosixPath(key).name].append(key)
    for key in sorted(originals):
        found = Pairing()
        _pair_one(key, originals[key], ai_results.pop(key, []), manifest, found)
        result.refused += found.refused
        twins = folders_of_name[PurePosixPath(key).name]
        if len(twins) == 1:
            result.pairs += found.pairs
            continue
        shared = ", ".join(_original_among(originals[twin]).name for twin in twins)
        reason = f"several originals share the name {PurePosixPath(key).name}: {shared}"
        result.refused += [Refusal(pair.original.name, reason, ai_result=pair.ai_result.name) for pair in found.pairs]
    for key in sorted(ai_results):
        for entry in ai_results[key]:
            result.refused.append(Refusal(entry.name, f"no original photo named {PurePosixPath(key).name}.*"))
    return result


def sku_and_view(original_name: str, manifest: dict[str, ManifestRow]) -> tuple[str, str, str]:
    """(sku, view, title) for an original, from the manifest (by path or file name) or the name."""
    original_name = _nfc(original_name)
    path = PurePosixPath(original_name)
    row = manifest.get(original_name) or manifest.get(path.name)
    stem = path.stem
    name_sku, name_view = stem.rsplit("_", 1) if "_" in stem.strip("_") else (stem, DEFAULT_VIEW)
    if row is not None:
        return row.sku, row.view or (name_view if row.sku == name_sku else DEFAULT_VIEW), row.title
    return name_sku, name_view, ""


def _pair_one(
    key: str, originals: list[Entry], ai_results: list[Entry], manifest: dict[str, ManifestRow], result: Pairing
) -> None:
    non_png = [e for e in originals if PurePosixPath(e.name).suffix.lower() != ".png"]
    pngs = [e for e in originals if PurePosixPath(e.name).suffix.lower() == ".png"]
    if len(non_png) > 1 or (not non_png and len(pngs) > 1):
        several = non_png if len(non_png) > 1 else pngs
        for entry in several:
            result.refused.append(
                Refusal(
                    entry.name,
                    f"several originals share the name {PurePosixPath(key).name}: "
                    + ", ".join(PurePosixPath(e.name).name for e in several),
                )
            )
        return
    if non_png:
        original = non_png[0]
        ai_results = ai_results + pngs  # NAME.png next to NAME.jpg is the remover's output
    else:
        original = pngs[0]
    if not ai_results:
        stem = PurePosixPath(key).name
        result.refused.append(
            Refusal(original.name, f"no AI result (expected {stem}_cutout.png, {stem}_mask.png or {stem}.png)")
        )
        return
    if len(ai_results) > 1:
        result.refused.append(
            Refusal(
                original.name,
                "several AI results: " + ", ".join(sorted(PurePosixPath(e.name).name for e in ai_results)),
            )
        )
        return
    sku, view, title = sku_and_view(original.name, manifest)
    problem = _check_code("SKU", sku) or _check_code("view", view)
    if problem:
        result.refused.append(Refusal(original.name, problem))
        return
    result.pairs.append(Pair(original=original, ai_result=ai_results[0], sku=sku, view=view, title=title))


def _original_among(entries: list[Entry]) -> Entry:
    """The original of one folder's same-named files: a non-PNG if there is one (a PNG beside it is
    the AI result), else the PNG."""
    return next((e for e in entries if PurePosixPath(e.name).suffix.lower() != ".png"), entries[0])


def _nfc(text: str) -> str:
    """One spelling of each accented letter: macOS writes file names decomposed ("E" + U+0301),
    most other sources composed ("É"); both must name the same SKU, view and pair."""
    return unicodedata.normalize("NFC", text)


def _strip_ai_suffix(stem_key: str) -> str | None:
    lowered = stem_key.lower()
    for suffix in AI_SUFFIXES:
        if lowered.endswith(suffix) and len(stem_key) > len(suffix):
            return stem_key[: -len(suffix)]
    return None


def _ignored_reason(path: PurePosixPath, *, archive_reason: str) -> str | None:
    """Why ``path`` is not read at all (``None``: it may be a photo or an AI result)."""
    if "__MACOSX" in path.parts:
        return IGNORED_MACOS
    if any(part.startswith(".") for part in path.parts):
        return IGNORED_HIDDEN
    if path.name.lower() == MANIFEST_NAME:
        return IGNORED_MANIFEST
    if path.suffix.lower() in ARCHIVE_EXTENSIONS:
        return archive_reason
    return None


def _check_code(label: str, value: str) -> str | None:
    if not value.strip():
        return f"the {label} is empty"
    if len(value) > MAX_CODE_LENGTH:
        return f"the {label} is longer than {MAX_CODE_LENGTH} characters"
    if any(ord(ch) < 32 for ch in value):
        return f"the {label} contains control characters"
    return None
