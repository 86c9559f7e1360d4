"""The photo status machine: the one place that says which status change each action makes.

::

    action    from                  to
    prepare   new                   needs_review   (the system, once previews exist)
    approve   needs_review          approved
    flag      needs_review          flagged
    claim     flagged, reopened     in_repair
    release   in_repair             flagged
    submit    in_repair, reopened   needs_review
    reopen    approved              reopened
    reshoot   any but reshoot       reshoot        (unfixable; terminal)

A flagged photo whose last open flag is resolved (``services.flag_resolve``) goes back to
needs_review: nothing is left to repair.

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


TRANSITIONS: dict[PhotoAction, Transition] = {
    t.action: t
    for t in (
        Transition(PhotoAction.PREPARE, frozenset({S.NEW}), S.NEEDS_REVIEW),
        Transition(PhotoAction.APPROVE, frozenset({S.NEEDS_REVIEW}), S.APPROVED),
        Transition(PhotoAction.FLAG, frozenset({S.NEEDS_REVIEW}), S.FLAGGED),
        # A reopened photo needs work just like a flagged one, so a retoucher may claim it.
        Transition(PhotoAction.CLAIM, frozenset({S.FLAGGED, S.REOPENED}), S.IN_REPAIR),
        Transition(PhotoAction.RELEASE, frozenset({S.IN_REPAIR}), S.FLAGGED),
        # reopened -> needs_review: a manager fixed it themselves (or decided it was fine).
        Transition(PhotoAction.SUBMIT, frozenset({S.IN_REPAIR, S.REOPENED}), S.NEEDS_REVIEW),
        Transition(PhotoAction.REOPEN, frozenset({S.APPROVED}), S.REOPENED),
        Transition(PhotoAction.RESHOOT, frozenset(set(S) - {S.RESHOOT}), S.RESHOOT),
    )
}


def transition_target(status: str, action: PhotoAction) -> PhotoStatus:
    """The status ``action`` leads to from ``status``; Conflict (409) if it may not be taken."""
    transition = TRANSITIONS[action]
    current = PhotoStatus(status)
    if current in transition.sources:
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
