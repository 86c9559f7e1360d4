"""The bodies of the manager's exports, shared by the API (``views_api``) and the dashboard pages.

Both are streamed: a CSV of per-SKU status, and a ZIP of approved final PNGs (of a batch, a
selection, or all) as ``SKU/SKU_view.png`` plus ``manifest.csv``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from jewelreview import stored_files
from jewelreview.api.streams import ZipMember, csv_stream, zip_stream
from jewelreview.catalog.models import Batch, Photo, PhotoStatus
from jewelreview.catalog.selectors import sku_list, sku_status_counts
from jewelreview.dashboards.selectors import LeftOut
from jewelreview.repairs.models import Render

STATUS_COLUMNS = [status.value for status in PhotoStatus]
# Letters, marks and digits of any script stay (a studio's SKUs are often not ASCII: "BAGUE-ÉTÉ",
# "指輪-01", "अंगूठी"), with "." "_" "-"; every other run (separators, spaces, control and bidi
# characters) becomes "_". A part keeps at most NAME_PART_BYTES of UTF-8, so "SKU_view-ID.png"
# stays under the 255-byte file-name limit of common file systems (120-character CJK SKUs: 360).
NAME_PART_BYTES = 100
# Names Windows refuses for a file or folder, whatever follows a dot ("CON.png" too).
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³"))}
)
_REPLACED = "\0"
_REPLACED_RUN = re.compile(_REPLACED + "+")


def status_csv_response(*, batch: Batch | None) -> StreamingHttpResponse:
    """One row per SKU: its rolled-up status and its photos per status (``catalog.selectors.sku_list``)."""
    skus = sku_list(batch_id=batch.pk if batch else None).iterator(chunk_size=1000)
    rows = ([sku.code, sku.title, sku.rollup_status, sku.photo_count, *sku_status_counts(sku).values()] for sku in skus)
    response = StreamingHttpResponse(
        csv_stream(["sku", "title", "status", "photos", *STATUS_COLUMNS], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_stem(batch)}-status.csv"'
    return response


def approved_zip_response(
    *, finals: list[tuple[Photo, Render | None]], stem: str, left_out: Iterable[LeftOut] = ()
) -> StreamingHttpResponse:
    """The streamed ZIP of ``finals`` (as returned by ``approved_export_of``); ``left_out``: photos
    asked for but not exported, named in the manifest with why."""
    members = approved_zip_members(finals, left_out=left_out)
    response = StreamingHttpResponse(zip_stream(members), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}-approved.zip"'
    return response


def export_stem(batch: Batch | None) -> str:
    return f"batch-{batch.pk}" if batch else "all"


def approved_zip_members(
    finals: Iterable[tuple[Photo, Render | None]], *, left_out: Iterable[LeftOut] = ()
) -> Iterator[ZipMember]:
    """Members in order, then the manifest (built as we go; files are read lazily).

    The manifest lists every approved photo with its file and checksum, or why it has none (an
    approved photo whose current revision has no finished render, e.g. approved as delivered),
    and every photo of ``left_out`` (asked for but not exported) with why.
    """
    manifest = [["sku", "view", "photo_id", "file", "revision", "sha256", "missing"]]
    used: set[str] = set()
    for photo, render in finals:
        if render is None:
            manifest.append(
                [
                    photo.sku.code,
                    photo.view,
                    photo.pk,
                    "",
                    _revision_number(photo),
                    "",
                    "approved without a finished render of its current revision",
                ]
            )
            continue
        name = _member_name(photo, used)
        manifest.append([photo.sku.code, photo.view, photo.pk, name, _revision_number(photo), render.checksum, ""])
        yield ZipMember(
            name=name,
            open=lambda final=render.final.name: stored_files.storage().open(final, "rb"),
            size=render.final_bytes,
            modified=render.finished_at,
        )
    for item in left_out:
        manifest.append([item.sku, item.view, item.photo_id, "", item.revision, "", item.reason])
    text = "".join(csv_stream(manifest[0], manifest[1:])).encode()
    yield ZipMember(name="manifest.csv", open=lambda: io.BytesIO(text), size=len(text), compress=True)


def _revision_number(photo: Photo) -> int | str:
    return photo.current_revision.number if photo.current_revision_id else ""


def safe_name_part(text: str) -> tuple[str, bool]:
    """``text`` as one file-name part, and whether it was cut short (see ``NAME_PART_BYTES``):
    NFC letters, marks and digits of any script and ``._-``; any other run of characters becomes
    one ``_``, so no separator, control or bidi character survives, and leading or trailing dots
    go (no ``..``); a name Windows reserves (``CON``, ``NUL``...) gets a ``_``. A cut keeps whole
    letters: never a base letter without the marks that follow it (Hindi's कि is not cut to क)."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(c if c in "._-" or unicodedata.category(c)[0] in "LMN" else _REPLACED for c in text)
    part = _REPLACED_RUN.sub("_", kept).strip("._")
    base, dot, rest = part.partition(".")
    if base.upper() in WINDOWS_RESERVED:  # Windows reads only what comes before the first dot
        part = f"{base}_{dot}{rest}"
    if len(part.encode()) <= NAME_PART_BYTES:
        return part, False
    cut = part.encode()[:NAME_PART_BYTES].decode("utf-8", errors="ignore")
    while cut and unicodedata.category(part[len(cut)])[0] == "M":  # its marks fell past the cut
        cut = cut[:-1]
    return cut.rstrip("._"), True


def _member_name(photo: Photo, used: set[str]) -> str:
    """``SKU/SKU_view.png`` made of :func:`safe_name_part` (no path can escape); the photo's id is
    added when a part was cut short or the name is taken, in any case (Windows and macOS unpack
    RING1/ and ring1/ into one folder: one file would overwrite the other)."""
    sku, sku_cut = safe_name_part(photo.sku.code)
    view, view_cut = safe_name_part(photo.view)
    sku, view = sku or f"sku-{photo.sku_id}", view or "view"
    name = f"{sku}/{sku}_{view}.png"
    if name.casefold() in used or sku_cut or view_cut:
        name = f"{sku}/{sku}_{view}-{photo.pk}.png"
    used.add(name.casefold())
    return name
