"""Auto-fix reads: what "Apply auto-fix" would do to a photo, for the review page to say before the click."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from jewelreview.catalog.models import Photo
from jewelreview.repairs.autofix_services import stored_proposal

# How the review page names auto-fix's ops (core.autofix proposes these three).
OP_NAMES = {"channel": ("channel mask", "channel masks"), "refine": ("edge refine", "edge refines"),
            "recover": ("lost-detail recovery", "lost-detail recoveries")}


@dataclass(frozen=True)
class AutofixPlan:
    regions: int
    ops: int
    summary: str  # "2 channel masks, 1 edge refine"

    def as_dict(self) -> dict:
        return {"regions": self.regions, "ops": self.ops, "summary": self.summary}


def autofix_plan(*, photo: Photo) -> AutofixPlan | None:
    """The stored proposal, summarised; None when there is none of this core (the click detects)."""
    proposal = stored_proposal(photo)
    if proposal is None:
        return None
    counts = Counter(op.name for op in proposal.recipe.ops)
    parts = []
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        one, many = OP_NAMES.get(name, (f"{name} op", f"{name} ops"))
        parts.append(f"{count} {one if count == 1 else many}")
    return AutofixPlan(regions=proposal.regions_fixed, ops=len(proposal.recipe.ops), summary=", ".join(parts))
