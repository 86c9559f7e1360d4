"""Auto-fix reads: the proposal detection stored with a photo, and what "Apply auto-fix" would do,
for the review screen to say before the click."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jewelreview.catalog.detection_services import proposal_versions
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Revision
from jewelreview.reviews.models import Event

if TYPE_CHECKING:
    from core.detect import Detection
    from core.recipe import Recipe

# How the review screen names auto-fix's ops (core.autofix proposes these three).
OP_NAMES = {
    "channel": ("channel mask", "channel masks"),
    "refine": ("edge refine", "edge refines"),
    "recover": ("lost-detail recovery", "lost-detail recoveries"),
}
THEN = "as a new revision; you then review the result."


@dataclass(frozen=True)
class AutofixProposal:
    recipe: Recipe
    regions_fixed: int
    # A fresh detection and its proposal in Photo.autofix_proposal's form (the stored proposal
    # could not be used), to store with the revision.
    detection: Detection | None = None
    stored_form: dict | None = None

    @property
    def note(self) -> str:
        plural = "" if self.regions_fixed == 1 else "s"
        return f"auto-fix: {self.regions_fixed} region{plural}"


@dataclass(frozen=True)
class AutofixPlan:
    """What applying the stored proposal would do. ``usable``: there is something to apply."""

    regions: int
    ops: int
    summary: str  # "2 channel masks, 1 edge refine"
    applied: int | None  # the number of the current revision when it is this very proposal
    text: str  # the sentence the review screen shows
    repair: int | None = None  # the number of the current revision when it is a person's repair

    @property
    def usable(self) -> bool:
        return self.ops > 0 and self.applied is None and self.repair is None

    def as_dict(self) -> dict[str, Any]:
        return {"regions": self.regions, "ops": self.ops, "summary": self.summary, "applied": self.applied,
                "repair": self.repair, "usable": self.usable, "text": self.text}


def photo_autofix_proposal_stored(*, photo: Photo) -> AutofixProposal | None:
    """The proposal detection stored with the photo, when it is of this core and readable."""
    from core.errors import CoreError

    stored = photo.autofix_proposal
    if not isinstance(stored, dict) or any(stored.get(k) != v for k, v in proposal_versions().items()):
        return None
    try:
        return AutofixProposal(recipe=recipe_of(stored["recipe"]), regions_fixed=int(stored["regions_fixed"]))
    except (CoreError, KeyError, TypeError, ValueError):
        return None  # not what this core writes: detect again


def recipe_of(raw: Any) -> Recipe:
    from core.recipe import Recipe

    return Recipe.from_dict(raw)


def person_repair(photo: Photo) -> Revision | None:
    """The current revision when it is a person's work (not the AI cutout as is, not an auto-fix):
    auto-fix never replaces it."""
    current = photo.current_revision
    if current is None:
        return None
    recipe = current.recipe or {}
    if not recipe.get("ops") and recipe.get("base", "ai") == "ai":  # the AI cutout as it is
        return None
    if Event.objects.filter(photo_id=current.photo_id, action="autofix", data__revision=current.pk).exists():
        return None
    return current


def autofix_plan(*, photo: Photo) -> AutofixPlan | None:
    """The stored proposal, summarised; None when there is none of this core (the click detects)."""
    proposal = photo_autofix_proposal_stored(photo=photo)
    if proposal is None:
        return None
    ops = proposal.recipe.ops
    counts = Counter(op.name for op in ops)
    parts = []
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        one, many = OP_NAMES.get(name, (f"{name} op", f"{name} ops"))
        parts.append(f"{count} {one if count == 1 else many}")
    summary = ", ".join(parts)
    current = photo.current_revision
    applied = current.number if current is not None and current.recipe_sha256 == proposal.recipe.sha256() else None
    regions = proposal.regions_fixed
    repair = person_repair(photo) if applied is None else None
    if applied is not None:
        text = f"Auto-fix is applied: revision {applied} is its result."
    elif repair is not None:
        author = repair.author.get_username() if repair.author_id else "someone"
        text = (f"No auto-fix: revision {repair.number} is a repair by {author}, which auto-fix would replace. "
                "Review that repair.")
    elif not ops:
        text = "Detection found nothing sure enough to auto-fix here: review it as it is."
    elif not regions:  # only the image-wide edge refine of a soft outline
        text = f"Auto-fix sharpens the whole outline ({summary}) {THEN}"
    else:
        steps = "1 step" if len(ops) == 1 else f"{len(ops)} steps"
        text = f"Auto-fix repairs {regions} region{'' if regions == 1 else 's'} in {steps} ({summary}) {THEN}"
    return AutofixPlan(regions=regions, ops=len(ops), summary=summary, applied=applied, text=text,
                       repair=repair.number if repair is not None else None)
