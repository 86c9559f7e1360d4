"""The photo status machine: the one place that says which status change each action makes.

::

    action    from                  to
    prepare   new                   needs_review   (the system, once previews exist)
    approve   needs_review          approved
    flag      needs_review          flagged
    claim     flagged, reopened     in_repair
    release   in_repair             flagged        (needs_review when nothing is left to repair)
    submit    in_repair, reopened   needs_review
    reopen    approved              reopened
    reshoot   any but reshoot       reshoot        (unfixable; terminal)

A photo has *nothing left to repair* when it has no open flag and no reopening in force (a
manager's reopen no review decision has answered yet, ``selectors.reopens_in_force``). A flagged
photo whose last open flag is resolved (``services.flag_resolve``) goes back to needs_review, and
so does a claim released with nothing left to repair (its last flag resolved while it was in
repair): "flagged" would leave it on every to-claim list with no flag saying what to fix.

A claim is who holds the photo: assigning an in-repair photo to someone hands them the claim, and
a manager unassigning it (``services.photo_assign`` with no one) releases it, as ``release``, so
no action leaves a photo in repair with nobody holding it (deleting the holder's account in the
admin does: ``Photo.assignee`` is set to null; unassigning the photo then releases it).

Who may take an action is ``jewelreview.accounts.roles``; services combine both and write the
event. ``prepare`` is taken by the system when a photo's previews exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jewelreview.catalog.models import PhotoStatus
from jewelreview.errors import Conflict

S = PhotoStatus


class PhotoAction(StrEnum):
    PREPARE = "prepare"
    APPROVE = "approve"
    FLAG = "flag"
    CLAIM = "claim"
    RELEASE = "release"
    SUBMIT = "submit"
    REOPEN = "reopen"
    RESHOOT = "reshoot"


@dataclass(frozen=True)
class Transition:
    action: PhotoAction
    sources: frozenset[PhotoStatus]
    target: PhotoStatus
    # Where the action leads instead when the photo has nothing left to repair; None: ``target``.
    target_if_nothing_to_repair: PhotoStatus | None = None


TRANSITIONS: dict[PhotoAction, Transition] = {
    t.action: t
    for t in (
        Transition(PhotoAction.PREPARE, frozenset({S.NEW}), S.NEEDS_REVIEW),
        Transition(PhotoAction.APPROVE, frozenset({S.NEEDS_REVIEW}), S.APPROVED),
        Transition(PhotoAction.FLAG, frozenset({S.NEEDS_REVIEW}), S.FLAGGED),
        # A reopened photo needs work just like a flagged one, so a retoucher may claim it.
        Transition(PhotoAction.CLAIM, frozenset({S.FLAGGED, S.REOPENED}), S.IN_REPAIR),
        Transition(PhotoAction.RELEASE, frozenset({S.IN_REPAIR}), S.FLAGGED, S.NEEDS_REVIEW),
        # reopened -> needs_review: a manager fixed it themselves (or decided it was fine).
        Transition(PhotoAction.SUBMIT, frozenset({S.IN_REPAIR, S.REOPENED}), S.NEEDS_REVIEW),
        Transition(PhotoAction.REOPEN, frozenset({S.APPROVED}), S.REOPENED),
        Transition(PhotoAction.RESHOOT, frozenset(set(S) - {S.RESHOOT}), S.RESHOOT),
    )
}


def transition_target(status: str, action: PhotoAction, *, nothing_to_repair: bool = False) -> PhotoStatus:
    """The status ``action`` leads to from ``status``; Conflict (409) if it may not be taken.

    ``nothing_to_repair``: the photo has no open flag and no reopening in force (see above).
    """
    transition = TRANSITIONS[action]
    current = PhotoStatus(status)
    if current in transition.sources:
        if nothing_to_repair and transition.target_if_nothing_to_repair is not None:
            return transition.target_if_nothing_to_repair
        return transition.target
    allowed = sorted(s.value for s in transition.sources)
    raise Conflict(
        f"Cannot {action.value} a photo that is {current.phrase}; "
        f"{action.value} needs a photo that is {_or_list(transition.sources)}.",
        code="transition_not_allowed",
        details={"action": action.value, "status": current.value, "allowed_from": allowed},
    )


def allowed_actions(status: str) -> list[PhotoAction]:
    """Actions whose transition starts at ``status`` (roles not considered)."""
    current = PhotoStatus(status)
    return [t.action for t in TRANSITIONS.values() if current in t.sources]


def _or_list(statuses: frozenset[PhotoStatus]) -> str:
    labels = [s.phrase for s in PhotoStatus if s in statuses]
    if len(labels) <= 2:
        return " or ".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]
