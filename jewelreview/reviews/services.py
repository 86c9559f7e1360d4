"""Review workflow writes: every status change of a photo, with its event, in one transaction.

Each service checks the actor's role first (NotAllowed, 403), then locks the photo and checks
the optimistic-lock version (Conflict ``stale_version``), then the transition (Conflict
``transition_not_allowed``), then its own rules. Nothing is written unless all pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from jewelreview.accounts.roles import Action, Role, require, role_refusal_details, user_is_manager, user_roles
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.services import photo_lock
from jewelreview.editor.services import photo_drafts_delete
from jewelreview.errors import Conflict, InvalidInput, NotAllowed
from jewelreview.repairs.services import revision_record_as_is
from jewelreview.reviews.events import event_record
from jewelreview.reviews.models import Flag, FlagReason
from jewelreview.reviews.pins import pins_validate
from jewelreview.reviews.selectors import reopens_in_force
from jewelreview.reviews.workflow import PhotoAction, transition_target

# Statuses in which assigning someone makes sense: the photo still needs work or a look.
ASSIGNABLE = frozenset(
    {PhotoStatus.NEW, PhotoStatus.NEEDS_REVIEW, PhotoStatus.FLAGGED, PhotoStatus.IN_REPAIR, PhotoStatus.REOPENED}
)

Rule = Callable[[Photo], dict[str, Any] | None]


def _transition(
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    action: PhotoAction,
    expected_version: int | None,
    note: str = "",
    rule: Rule | None = None,
    asks_repair_left: bool = False,
) -> Photo:
    """Lock, check version and transition, apply ``rule`` (checks and extra changes), save, log.

    ``rule`` runs on the locked photo before the status changes; it may raise to refuse, and
    may return data for the event. ``asks_repair_left``: the action's target depends on whether
    anything is left to repair (``workflow.Transition.target_if_nothing_to_repair``).
    """
    with transaction.atomic():
        locked = photo_lock(photo_id=photo.pk, expected_version=expected_version)
        target = transition_target(locked.status, action)  # refuses first, before any read below
        nothing_to_repair = asks_repair_left and not _repair_left(locked)
        if nothing_to_repair:
            target = transition_target(locked.status, action, nothing_to_repair=True)
        from_status = locked.status
        data = rule(locked) if rule is not None else None
        if nothing_to_repair:
            data = {**(data or {}), "nothing_to_repair": True}
        locked.status, locked.status_since = target, timezone.now()
        # A review lease (queue_services) is about the status being decided: any change ends it.
        locked.review_holder = None
        locked.review_lease_until = None
        locked.version += 1
        locked.save()
        event_record(
            photo=locked,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=target,
            note=note,
            data=data,
        )
    return locked


def photo_approve(
    *, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None, note: str = ""
) -> Photo:
    """needs_review -> approved; resolves the photo's open flags."""
    require(actor, Action.PHOTO_APPROVE)

    def resolve_open_flags(locked: Photo) -> dict[str, Any]:
        resolved = Flag.objects.filter(photo=locked, resolved_at__isnull=True).update(
            resolved_by=actor, resolved_at=timezone.now()
        )
        as_is = revision_record_as_is(locked=locked, actor=actor)
        photo_drafts_delete(photo=locked)  # an approved photo is not edited: its drafts are dead weight
        return {"resolved_flags": resolved, **({"revision": as_is.pk} if as_is else {})}

    return _transition(
        photo=photo,
        actor=actor,
        action=PhotoAction.APPROVE,
        expected_version=expected_version,
        note=note,
        rule=resolve_open_flags,
    )


def photo_flag(
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    reason: str,
    note: str = "",
    pins: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Photo:
    """needs_review -> flagged, recording a Flag (reason, note, pins) on the current revision."""
    require(actor, Action.PHOTO_FLAG)
    if reason not in FlagReason.values:
        raise InvalidInput(
            f"Unknown flag reason {reason!r}; use one of {', '.join(FlagReason.values)}.",
            code="invalid_reason",
            details={"field": "reason", "choices": list(FlagReason.values)},
        )

    def create_flag(locked: Photo) -> dict[str, Any]:
        valid_pins = pins_validate(pins, width=locked.width, height=locked.height)
        flag = Flag.objects.create(
            photo=locked,
            revision_id=locked.current_revision_id,
            reason=reason,
            note=note,
            pins=valid_pins,
            created_by=actor,
        )
        return {"flag": flag.pk, "reason": reason, "pins": len(valid_pins)}

    return _transition(
        photo=photo,
        actor=actor,
        action=PhotoAction.FLAG,
        expected_version=expected_version,
        note=note,
        rule=create_flag,
    )


def photo_claim(*, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None) -> Photo:
    """flagged | reopened -> in_repair, held by ``actor``.

    A photo a manager assigned to someone else may only be claimed by that person (or a manager).
    """
    require(actor, Action.PHOTO_CLAIM)

    def take_claim(locked: Photo) -> dict[str, Any]:
        if locked.assignee_id not in (None, actor.pk) and not user_is_manager(actor):
            raise NotAllowed(
                f"Photo {locked.pk} is assigned to {locked.assignee.get_username()}.",
                code="assigned_to_other",
                details={"assignee": locked.assignee.get_username()},
            )
        locked.assignee = actor
        return {"assignee": actor.get_username()}

    return _transition(
        photo=photo, actor=actor, action=PhotoAction.CLAIM, expected_version=expected_version, rule=take_claim
    )


def photo_release(
    *, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None, note: str = ""
) -> Photo:
    """in_repair -> flagged: give the claim back (only its holder or a manager).

    With nothing left to repair (its last open flag was resolved while it was claimed, and no
    reopening is in force) it goes to needs_review instead, as ``flag_resolve`` sends an
    unclaimed photo: "flagged" with no flag would sit on every to-claim list with nothing to fix.
    The event's data say ``nothing_to_repair`` then.
    """
    require(actor, Action.PHOTO_RELEASE)
    return _claim_release(photo=photo, actor=actor, expected_version=expected_version, note=note)


def _claim_release(
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    expected_version: int | None,
    note: str,
    data: dict[str, Any] | None = None,
) -> Photo:
    """``photo_release`` once the role is checked; ``data`` goes into the event with the rest."""

    def drop_claim(locked: Photo) -> dict[str, Any]:
        _require_claim_holder(locked, actor)
        previous = locked.assignee.get_username() if locked.assignee_id else None
        locked.assignee = None
        return {"released_by": actor.get_username(), "previous_assignee": previous, **(data or {})}

    return _transition(
        photo=photo,
        actor=actor,
        action=PhotoAction.RELEASE,
        expected_version=expected_version,
        note=note,
        rule=drop_claim,
        asks_repair_left=True,
    )


def photo_submit(
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    expected_version: int | None = None,
    note: str = "",
    expected_revision: int | None = None,
) -> Photo:
    """in_repair -> needs_review (the claim holder, with a revision); reopened -> needs_review (a manager).

    ``expected_revision``: the revision the caller means to send (the editor's last saved one);
    Conflict ``stale_revision`` if another is current now (someone saved meanwhile).
    """
    require(actor, Action.PHOTO_SUBMIT)

    def hand_in(locked: Photo) -> dict[str, Any]:
        if expected_revision is not None and locked.current_revision_id != expected_revision:
            current = locked.current_revision
            raise Conflict(
                f"Revision {current.number if current else 'none'} is current now, not the one you meant to "
                "submit: open the photo again to see it before sending it to review.",
                code="stale_revision",
                details={"expected_revision": expected_revision, "current_revision": locked.current_revision_id},
            )
        if locked.status == PhotoStatus.REOPENED:
            if not user_is_manager(actor):
                raise NotAllowed(
                    "Only a manager may send a reopened photo back to review; claim it first to repair it.",
                    code="manager_only",
                    details=role_refusal_details(actor, [Role.MANAGER]),
                )
        else:
            _require_claim_holder(locked, actor)
            if locked.current_revision_id is None:
                raise Conflict(
                    f"Photo {locked.pk} has no revision to submit; save one first.",
                    code="no_revision",
                    details={"status": locked.status},
                )
        locked.assignee = None
        return {"revision": locked.current_revision_id}

    return _transition(
        photo=photo, actor=actor, action=PhotoAction.SUBMIT, expected_version=expected_version, note=note, rule=hand_in
    )


def photo_reopen(
    *, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None, note: str = ""
) -> Photo:
    """approved -> reopened (manager)."""
    require(actor, Action.PHOTO_REOPEN)
    return _transition(
        photo=photo, actor=actor, action=PhotoAction.REOPEN, expected_version=expected_version, note=note
    )


def photo_reshoot(
    *, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None, note: str = ""
) -> Photo:
    """any -> reshoot (manager): the photo cannot be fixed; it needs a new shot."""
    require(actor, Action.PHOTO_RESHOOT)

    def drop_assignee(locked: Photo) -> None:
        locked.assignee = None

    return _transition(
        photo=photo,
        actor=actor,
        action=PhotoAction.RESHOOT,
        expected_version=expected_version,
        note=note,
        rule=drop_assignee,
    )


def photo_assign(
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    assignee: AbstractBaseUser | None,
    expected_version: int | None = None,
    note: str = "",
) -> Photo:
    """Set (or clear, with None) who works on a photo (manager). The status does not change,
    except on unassigning a photo in repair.

    Assigning an in-repair photo hands its claim to the new assignee. How long the photo has
    waited (``status_since``) goes on: it waits for the same thing, whoever is to do it.

    Unassigning an in-repair photo releases its claim (``photo_release``, its event a ``release``
    with ``via: "assign"``): back to flagged, where any retoucher may claim it, or to review with
    nothing left to repair. A claim is who holds the photo, so "in repair, held by no one" is no
    state: nobody could save, submit or release it but a manager, and it showed on no one's work
    list. Refusing instead would send the manager to a release the pages only offer the claim's
    holder (My work); and the workflow table already says where a dropped claim goes.
    """
    require(actor, Action.PHOTO_ASSIGN)
    if assignee is not None and not user_roles(assignee) & {Role.RETOUCHER, Role.MANAGER}:
        raise InvalidInput(
            f"{assignee.get_username()} is not a retoucher or manager.",
            code="invalid_assignee",
            details={"field": "user"},
        )
    with transaction.atomic():
        locked = photo_lock(photo_id=photo.pk, expected_version=expected_version)
        if locked.status not in ASSIGNABLE:
            raise Conflict(
                f"Cannot assign a photo that is {PhotoStatus(locked.status).phrase}.",
                code="transition_not_allowed",
                details={"action": "assign", "status": locked.status, "allowed_from": sorted(ASSIGNABLE)},
            )
        if assignee is None and locked.status == PhotoStatus.IN_REPAIR:
            require(actor, Action.PHOTO_RELEASE)
            return _claim_release(
                photo=locked, actor=actor, expected_version=locked.version, note=note, data={"via": "assign"}
            )
        previous = locked.assignee.get_username() if locked.assignee_id else None
        locked.assignee = assignee
        locked.version += 1
        locked.save()
        event_record(
            photo=locked,
            actor=actor,
            action="assign",
            from_status=locked.status,
            to_status=locked.status,
            note=note,
            data={"assignee": assignee.get_username() if assignee else None, "previous_assignee": previous},
        )
    return locked


def user_work_release(*, user: AbstractBaseUser, actor: AbstractBaseUser, reason: str) -> list[Photo]:
    """Unassign every photo ``user`` is assigned to (``photo_assign`` to no one, as a manager):
    their claims are released, back to flagged or to review. For an account that stops working
    here (deactivated, no longer a retoucher or manager, or deleted), whose photos would otherwise
    sit held by someone who can no longer save, submit or release them. ``reason`` is each
    event's note. Returns the photos changed, in id order.

    Each photo is unassigned at the version read with it: one that changed hands meanwhile (a
    manager reassigned it) is read again and left alone unless it is still ``user``'s.
    """
    released = []
    held = Photo.objects.filter(assignee=user, status__in=ASSIGNABLE)
    for photo_id in held.order_by("pk").values_list("pk", flat=True):
        while (photo := held.filter(pk=photo_id).first()) is not None:
            try:
                released.append(
                    photo_assign(photo=photo, actor=actor, assignee=None, expected_version=photo.version, note=reason)
                )
                break
            except Conflict as exc:
                if exc.code != "stale_version":
                    raise
    return released


def flag_resolve(*, flag: Flag, actor: AbstractBaseUser, note: str = "") -> Flag:
    """Mark one flag resolved (approving a photo resolves all of its open flags).

    A flagged photo (not claimed: claimed photos are in repair) whose last open flag this was
    has nothing left to repair: it goes back to review, unassigned (it stayed "flagged" with no
    flag on a to-claim list). The event keeps who it was assigned to. A claimed one stays in
    repair, its holder's to submit; released, it goes back to review too (``photo_release``).
    """
    require(actor, Action.FLAG_RESOLVE)
    with transaction.atomic():
        photo = photo_lock(photo_id=flag.photo_id)
        locked_flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if locked_flag.resolved_at is not None:
            raise Conflict(f"Flag {flag.pk} is already resolved.", code="flag_resolved")
        locked_flag.resolved_by = actor
        locked_flag.resolved_at = timezone.now()
        locked_flag.save(update_fields=["resolved_by", "resolved_at"])
        from_status = photo.status
        data: dict[str, object] = {"flag": flag.pk}
        if from_status == PhotoStatus.FLAGGED and not _repair_left(photo):
            if photo.assignee_id is not None:
                data["was_assigned_to"] = photo.assignee.get_username()
            photo.status, photo.status_since, photo.assignee = PhotoStatus.NEEDS_REVIEW, timezone.now(), None
            photo.review_holder, photo.review_lease_until = None, None
            photo.version += 1
            photo.save()
        event_record(
            photo=photo,
            actor=actor,
            action="flag_resolve",
            from_status=from_status,
            to_status=photo.status,
            note=note,
            data=data,
        )
    return locked_flag


def _repair_left(photo: Photo) -> bool:
    """Whether ``photo`` has something to repair: an open flag, or a reopening in force (a
    manager's reopen no review decision has answered yet; it has no flag, its note says what)."""
    return photo.flags.filter(resolved_at__isnull=True).exists() or reopens_in_force(photo_id=photo.pk).exists()


def _require_claim_holder(photo: Photo, actor: AbstractBaseUser) -> None:
    if photo.assignee_id != actor.pk and not user_is_manager(actor):
        holder = photo.assignee.get_username() if photo.assignee_id else "nobody"
        raise NotAllowed(
            f"Photo {photo.pk} is claimed by {holder}, not by you.",
            code="not_claim_holder",
            details={"assignee": photo.assignee.get_username() if photo.assignee_id else None},
        )
