"""Editor writes: the per-person draft of a photo's edit (saved while they work, dropped after a save).

Revisions themselves are saved by ``repairs.services.revision_create`` (the editor posts to the
revisions API); nothing here renders or changes a photo.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum, TextField
from django.db.models.functions import Cast, Length
from django.utils import timezone

from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.models import Photo
from jewelreview.editor.models import Draft
from jewelreview.errors import Conflict, InvalidInput, TooLarge
from jewelreview.repairs.models import Revision

# The editor's document for 50 paths of 100 anchors is about 0.6 MB of JSON; 4 MB leaves room
# for brush regions and long lasso outlines, and stays well inside the 10 MiB request limit.
MAX_DRAFT_BYTES = 4 * 1024 * 1024
# The editor's document nests 5 deep (document > ops > op > points > point); 32 leaves room for
# new shapes and stops a nested bomb long before Python's recursion limit (json.dumps, jsonb).
MAX_DRAFT_DEPTH = 32
# Object keys in the whole document: 50 paths of 100 anchors as {x, y, ...} objects are ~30,000;
# 200,000 bounds the per-key work of a flat object of tiny keys that fits in 4 MB.
MAX_DRAFT_KEYS = 200_000
# Drafts per person: a retoucher works a claim of a few dozen photos at a time, and a draft is
# dropped when its revision is saved or the photo approved, so 200 are only reached by drafts
# left behind; the bound stops one account from storing a 4 MB draft for every photo id.
MAX_DRAFTS_PER_USER = 200
# Bytes of drafts per person: 200 typical drafts (~0.25 MB) fit, and only about a dozen
# worst-case 4 MB ones; 50 MB per person keeps the table small on a shared database.
MAX_DRAFT_TOTAL_BYTES_PER_USER = 50 * 1024 * 1024
# A kept draft stamped further than this past the server's clock came from a clock that is wrong
# (computers keep time within seconds of each other); it does not refuse a state stamped within it.
CLOCK_AHEAD_TOLERANCE = timedelta(minutes=5)


def draft_save(
    *,
    photo: Photo,
    author: AbstractBaseUser,
    document: Any,
    base_revision: int | None,
    saved_at: datetime,
) -> Draft:
    """Keep ``document`` as ``author``'s draft of ``photo`` (one per photo and person).

    Refuses (Conflict ``newer_draft_exists``) a state older than the one kept, so a slow request
    from an earlier moment never overwrites a later one.

    ``saved_at`` comes from the browser's clock, and orders one browser's states by that clock
    however far it runs ahead. But a kept moment past the server's clock by more than
    :data:`CLOCK_AHEAD_TOLERANCE` does not refuse a state stamped within it: one draft stamped by a
    skewed clock (or a bad integrator's 2999) cannot refuse every correctly stamped draft after it.
    """
    require(author, Action.REVISION_CREATE)
    size = _document_check(document)
    base = _base_revision(photo, base_revision)
    horizon = timezone.now() + CLOCK_AHEAD_TOLERANCE
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(photo=photo, author=author).first()
        if draft is None:
            _quota_check(author=author, size=size)
            return Draft.objects.create(
                photo=photo, author=author, base_revision=base, document=document, saved_at=saved_at
            )
        implausible = draft.saved_at > horizon >= saved_at
        if saved_at < draft.saved_at and not implausible:
            raise Conflict(
                "A newer draft of this photo is kept already (from another tab or window).",
                code="newer_draft_exists",
                details={"saved_at": draft.saved_at.isoformat()},
            )
        draft.document, draft.base_revision, draft.saved_at = document, base, saved_at
        draft.save(update_fields=["document", "base_revision", "saved_at", "updated_at"])
    return draft


def draft_delete(*, photo: Photo, author: AbstractBaseUser) -> int:
    """Drop ``author``'s draft of ``photo`` (after a save, or when they discard it); how many were dropped."""
    require(author, Action.REVISION_CREATE)
    deleted, _ = Draft.objects.filter(photo=photo, author=author).delete()
    return deleted


def photo_drafts_delete(*, photo: Photo, author: AbstractBaseUser | None = None) -> int:
    """Drop the drafts of ``photo`` (only ``author``'s if given); how many were dropped.

    Called by the system inside the approval and revision-save transactions, so no role check:
    an approved photo's drafts, and a draft its author has just saved, are dead weight.
    """
    drafts = Draft.objects.filter(photo=photo)
    if author is not None:
        drafts = drafts.filter(author=author)
    deleted, _ = drafts.delete()
    return deleted


def _quota_check(*, author: AbstractBaseUser, size: int) -> None:
    """Refuse a new draft past the per-person bounds (Conflict ``draft_quota_exceeded``)."""
    drafts = Draft.objects.filter(author=author)
    count = drafts.count()
    # Size as the database stores it (jsonb text); close enough to the compact JSON for a bound.
    total = drafts.aggregate(total=Sum(Length(Cast("document", output_field=TextField()))))["total"] or 0
    if count + 1 > MAX_DRAFTS_PER_USER or total + size > MAX_DRAFT_TOTAL_BYTES_PER_USER:
        raise Conflict(
            f"You have {count} drafts ({total} bytes) kept; at most {MAX_DRAFTS_PER_USER} drafts and "
            f"{MAX_DRAFT_TOTAL_BYTES_PER_USER} bytes are kept per person. Save or discard drafts of "
            "other photos to free space; drafts you already have can still be updated.",
            code="draft_quota_exceeded",
            details={
                "drafts": count,
                "bytes": total,
                "limit_drafts": MAX_DRAFTS_PER_USER,
                "limit_bytes": MAX_DRAFT_TOTAL_BYTES_PER_USER,
            },
        )


def _document_check(document: Any) -> int:
    if not isinstance(document, dict) or not isinstance(document.get("ops"), list):
        raise InvalidInput(
            "document must be the editor's document: an object with a list of ops.",
            code="invalid_draft",
            details={"field": "document"},
        )
    _document_shape_check(document)
    size = len(json.dumps(document, separators=(",", ":")))
    if size > MAX_DRAFT_BYTES:
        raise TooLarge(
            f"The draft is {size} bytes; drafts are kept up to {MAX_DRAFT_BYTES} bytes.",
            code="draft_too_large",
            details={"field": "document", "limit_bytes": MAX_DRAFT_BYTES},
        )
    return size


def _document_shape_check(document: Any) -> None:
    """Depth and key count within bounds, and no NUL character (PostgreSQL jsonb refuses it).

    Walked with an explicit stack, so a deep document is refused here, not by a RecursionError.
    """
    keys = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _nul_check(value)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DRAFT_DEPTH:
            raise InvalidInput(
                f"The draft nests deeper than {MAX_DRAFT_DEPTH} levels.",
                code="draft_too_deep",
                details={"field": "document", "limit_depth": MAX_DRAFT_DEPTH},
            )
        if isinstance(value, dict):
            keys += len(value)
            if keys > MAX_DRAFT_KEYS:
                raise InvalidInput(
                    f"The draft has more than {MAX_DRAFT_KEYS} keys.",
                    code="draft_too_many_keys",
                    details={"field": "document", "limit_keys": MAX_DRAFT_KEYS},
                )
            for key in value:
                _nul_check(str(key))
            children = value.values()
        else:
            children = value
        stack.extend((child, depth + 1) for child in children)


def _nul_check(text: str) -> None:
    if "\x00" in text:
        raise InvalidInput(
            "The draft contains a NUL character (\\u0000), which cannot be stored.",
            code="draft_nul_character",
            details={"field": "document"},
        )


def _base_revision(photo: Photo, base_revision: int | None) -> Revision | None:
    if base_revision is None:
        return None
    try:
        return Revision.objects.get(pk=base_revision, photo=photo)
    except Revision.DoesNotExist:
        raise InvalidInput(
            f"Revision {base_revision} is not a revision of photo {photo.pk}.",
            code="invalid_base_revision",
            details={"field": "base_revision"},
        ) from None
