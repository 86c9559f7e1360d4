"""Originals an upload makes the same SKU and view: refused, all of them, before anything is stored.

A manifest (or a manifest row and another file's name) can give two originals one SKU and view;
importing both made two photos of one view, and two finals under one name in the export. Which
one is the view is the studio's to say, so every new original of such a view is refused, naming
the others. Originals already imported (the same bytes: skipped as duplicates) do not count: a
re-sent upload holding an imported original and its reshoot replacement imports the replacement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from jewelreview.catalog.pairing import DEFAULT_VIEW, Pair

# Names listed in one refusal's reason; the rest are counted (a manifest without a view column
# gives every row the view "main": thousands of clashing names in every reason otherwise).
NAMED_OTHERS = 3


def view_clashes(pairs: Sequence[Pair], *, already_imported: Callable[[Pair], bool]) -> dict[str, str]:
    """``{original name: reason}`` for the pairs to refuse.

    ``already_imported`` is asked only about pairs that share a SKU and view with another one
    (it reads and hashes the original).
    """
    by_view: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_view[(pair.sku, pair.view)].append(pair)
    refusals: dict[str, str] = {}
    for (sku, view), group in by_view.items():
        if len(group) < 2:
            continue
        new = [pair for pair in group if not already_imported(pair)]
        if len(new) < 2:
            continue
        for pair in new:
            refusals[pair.original.name] = _reason(pair, sku, view, [other for other in new if other is not pair])
    return refusals


def _reason(pair: Pair, sku: str, view: str, others: list[Pair]) -> str:
    names = [PurePosixPath(other.original.name).name for other in others[:NAMED_OTHERS]]
    if len(others) > NAMED_OTHERS:
        names.append(f"{len(others) - NAMED_OTHERS} more")
    unnamed = " (the view when neither the manifest nor the name gives one)" if view == DEFAULT_VIEW else ""
    return (
        f"{sku}/{view}{unnamed} is also given to {', '.join(names)}: one new photo per SKU and view in an "
        f"upload; say which in the manifest's view column"
    )
