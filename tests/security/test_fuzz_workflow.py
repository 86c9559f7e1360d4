"""The status machine under random actions by random people (a hypothesis stateful test).

Each step picks a service (approve, flag, claim, release, submit, reopen, reshoot, assign to anyone
or no one, save a revision, resolve a flag), an actor of any role (or none) and a version (current,
stale or none), and calls it on one of two photos. An independent model in this file, written from the issue's
tables rather than from ``workflow.TRANSITIONS``, says whether the call must succeed; the test
checks that it does exactly then, that a refusal changes nothing, and after every step that:

- every photo is in a known status, held by someone exactly when it is in repair, and its wait
  (``status_since``) restarts with each status change and nothing else;
- approved photos have a revision and no open flag; flagged ones have an open flag or a reopening
  that no review decision has answered yet (released with neither, a claim goes back to review);
- the event log replays to the current status: each event starts where the last ended, each status
  change is a legal transition, and the version counts the changes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from jewelreview.catalog.models import Photo
from jewelreview.errors import ServiceError
from jewelreview.repairs.services import revision_create
from jewelreview.reviews import services
from jewelreview.reviews.models import Event, Flag

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# action: (roles that may, statuses it starts from, status it leads to); None: unchanged.
MODEL = {
    "approve": ({"reviewer", "manager"}, {"needs_review"}, "approved"),
    "flag": ({"reviewer", "manager"}, {"needs_review"}, "flagged"),
    "claim": ({"retoucher", "manager"}, {"flagged", "reopened"}, "in_repair"),
    "release": ({"retoucher", "manager"}, {"in_repair"}, "flagged"),  # or needs_review: release_target
    "submit": ({"retoucher", "manager"}, {"in_repair", "reopened"}, "needs_review"),
    "reopen": ({"manager"}, {"approved"}, "reopened"),
    "reshoot": ({"manager"}, {"new", "needs_review", "approved", "flagged", "in_repair", "reopened"}, "reshoot"),
    # unassigning (no one) an in-repair photo releases its claim: assign_target
    "assign": ({"manager"}, {"new", "needs_review", "flagged", "in_repair", "reopened"}, None),
    "revision": ({"retoucher", "manager"}, {"in_repair", "reopened"}, None),
}
TRANSITIONS = {action: (sources, target) for action, (_, sources, target) in MODEL.items() if target}
VERSIONED = set(MODEL)  # every modelled action bumps the version when it succeeds
ACTORS = ("reviewer", "retoucher", "retoucher2", "manager", "nobody")
ROLE_OF = {"reviewer": "reviewer", "retoucher": "retoucher", "retoucher2": "retoucher", "manager": "manager"}
STATUSES = {"new", "needs_review", "approved", "flagged", "in_repair", "reopened", "reshoot"}


def reopening_in_force(photo_id: int) -> bool:
    """A reopen event with no approve or flag after it (the model's own reading of the log)."""
    actions = list(Event.objects.filter(photo_id=photo_id).order_by("id").values_list("action", flat=True))
    reopens = [i for i, action in enumerate(actions) if action == "reopen"]
    return bool(reopens) and not any(action in ("approve", "flag") for action in actions[reopens[-1] + 1 :])


def release_target(photo_id: int) -> str:
    """Released with nothing to repair (no open flag, no reopening in force): back to review."""
    if Flag.objects.filter(photo_id=photo_id, resolved_at__isnull=True).exists() or reopening_in_force(photo_id):
        return "flagged"
    return "needs_review"


def assign_target(photo: Photo, target_name: str | None) -> str | None:
    """Unassigning a photo in repair releases its claim (nobody holds it, so it is claimable again);
    any other assignment leaves the status alone."""
    if target_name is None and photo.status == "in_repair":
        return release_target(photo.pk)
    return None


def snapshot(photo_id: int) -> tuple:
    photo = Photo.objects.get(pk=photo_id)
    return (
        photo.status,
        photo.assignee_id,
        photo.version,
        photo.current_revision_id,
        Event.objects.filter(photo_id=photo_id).count(),
        Flag.objects.filter(photo_id=photo_id).count(),
        Flag.objects.filter(photo_id=photo_id, resolved_at__isnull=True).count(),
        photo.status_since,
    )


def expected_success(action: str, actor_name: str, photo: Photo, users, *, version_ok: bool, target_name=None) -> bool:
    roles, sources, _ = MODEL[action]
    role = ROLE_OF.get(actor_name)
    actor = getattr(users, actor_name)
    manager = role == "manager"
    if role not in roles or not version_ok or photo.status not in sources:
        return False
    holder_ok = photo.assignee_id in (None, actor.pk) if action == "claim" else photo.assignee_id == actor.pk
    if action == "claim":
        return holder_ok or manager
    if action == "release":
        return holder_ok or manager
    if action == "submit":
        if photo.status == "reopened":
            return manager
        return (holder_ok or manager) and photo.current_revision_id is not None
    if action == "assign":
        return target_name is None or ROLE_OF.get(target_name) in ("retoucher", "manager")
    if action == "revision":
        return (photo.status == "in_repair" and (holder_ok or manager)) or (photo.status == "reopened" and manager)
    return True


def call(action: str, photo: Photo, actor, version: int | None, *, target=None):
    if action == "flag":
        return services.photo_flag(photo=photo, actor=actor, reason="halo", expected_version=version)
    if action == "assign":
        return services.photo_assign(photo=photo, actor=actor, assignee=target, expected_version=version)
    if action == "revision":
        # A recipe of its own each time: saving the current recipe again makes no revision.
        edits = Event.objects.filter(photo=photo, action="revision").count()
        return revision_create(
            photo=photo,
            author=actor,
            recipe={"version": 1, "ops": [{"op": "refine", "contrast": edits % 100}]},
            base_revision=photo.current_revision_id,
            expected_version=version,
        )
    return getattr(services, f"photo_{action}")(photo=photo, actor=actor, expected_version=version)


def make_machine(users, make_photo):
    class StatusMachine(RuleBasedStateMachine):
        @initialize(statuses=st.lists(st.sampled_from(["needs_review", "new", "claimed"]), min_size=2, max_size=2))
        def photos(self, statuses):
            """Photos waiting for review, not yet prepared, or flagged and claimed (through the services,
            so the log replays from needs_review): random steps seldom get a claim far enough to
            resolve its flag and release it."""
            made = [make_photo(status="needs_review" if status == "claimed" else status) for status in statuses]
            self.photo_ids = [photo.pk for photo in made]
            self.initial = {photo.pk: (photo.status, photo.version) for photo in made}
            for photo, status in zip(made, statuses, strict=True):
                if status == "claimed":
                    flagged = services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
                    services.photo_claim(photo=flagged, actor=users.retoucher)

        @rule(
            action=st.sampled_from(sorted(MODEL)),
            actor_name=st.sampled_from(ACTORS),
            which=st.integers(0, 1),
            version=st.sampled_from(["current", "stale", "none"]),
            target_name=st.sampled_from((*ACTORS, None)),  # None: assign to no one
        )
        def act(self, action, actor_name, which, version, target_name):
            self.attempt(action, actor_name, which, version, target_name)

        @rule(data=st.data(), which=st.integers(0, 1))
        def act_plausibly(self, data, which):
            """An action that starts from the photo's status, by someone whose role may take it.

            Uniformly random steps are mostly refusals; these drive photos deep into the workflow
            (claims, revisions, submits, reopenings), where holder and revision rules still refuse some.
            """
            status = Photo.objects.get(pk=self.photo_ids[which]).status
            actions = sorted(a for a, (_, sources, _) in MODEL.items() if status in sources)
            if not actions:
                return
            action = data.draw(st.sampled_from(actions))
            actors = sorted(name for name, role in ROLE_OF.items() if role in MODEL[action][0])
            actor_name = data.draw(st.sampled_from(actors))
            target_name = data.draw(st.sampled_from(["retoucher", "retoucher2", "manager", "reviewer", None]))
            self.attempt(action, actor_name, which, data.draw(st.sampled_from(["current", "none"])), target_name)

        @rule(which=st.integers(0, 1), actor_name=st.sampled_from(["manager", "manager", "retoucher"]))
        def unassign(self, which, actor_name):
            """Assign to no one, whatever the status: a manager clearing who holds a photo in repair
            is what random steps seldom reach (a claim, then that exact call)."""
            self.attempt("assign", actor_name, which, "current", None)

        def attempt(self, action, actor_name, which, version, target_name):
            photo = Photo.objects.get(pk=self.photo_ids[which])
            expected_version = {"current": photo.version, "stale": photo.version - 1, "none": None}[version]
            before = snapshot(photo.pk)
            predicted = expected_success(
                action, actor_name, photo, users, version_ok=version != "stale", target_name=target_name
            )
            if action == "release":
                target = release_target(photo.pk)
            elif action == "assign":
                target = assign_target(photo, target_name)
            else:
                target = MODEL[action][2]
            assignee = getattr(users, target_name) if target_name else None
            try:
                call(action, photo, getattr(users, actor_name), expected_version, target=assignee)
            except ServiceError as exc:
                assert not predicted, f"{action} by {actor_name} on {photo.status} refused: {exc}"
                assert snapshot(photo.pk) == before, f"{action} was refused but wrote something"
                return
            assert predicted, f"{action} by {actor_name} on {before[0]} (assignee {before[1]}) was allowed"
            after = snapshot(photo.pk)
            assert after[0] == (target or before[0])
            # the wait restarts with a status change and with nothing else (assigning, saving)
            assert (after[7] != before[7]) == (after[0] != before[0]), f"{action}: status_since"
            assert after[2] == before[2] + 1
            assert after[4] == before[4] + 1
            if action == "assign":
                assert after[1] == (assignee.pk if assignee else None)
            event(f"{action}{' to no one' if action == 'assign' and not assignee else ''}: {before[0]} -> {after[0]}")

        @rule(actor_name=st.sampled_from(ACTORS), which=st.integers(0, 1))
        def resolve_a_flag(self, actor_name, which):
            flag = Flag.objects.filter(photo_id=self.photo_ids[which], resolved_at__isnull=True).first()
            if flag is None:
                return
            before = snapshot(flag.photo_id)
            try:
                services.flag_resolve(flag=flag, actor=getattr(users, actor_name))
            except ServiceError:
                assert ROLE_OF.get(actor_name) not in ("reviewer", "manager")
                assert snapshot(flag.photo_id) == before
                return
            assert ROLE_OF.get(actor_name) in ("reviewer", "manager")
            after = snapshot(flag.photo_id)
            assert after[6] == before[6] - 1
            if before[0] == "flagged" and after[6] == 0:  # nothing left to repair: back to review
                assert (after[0], after[1], after[2]) == ("needs_review", None, before[2] + 1)
                assert after[7] > before[7]
            else:
                assert after[0] == before[0] and after[2] == before[2] and after[7] == before[7]

        @invariant()
        def photos_are_consistent(self):
            for pk in getattr(self, "photo_ids", []):
                photo = Photo.objects.get(pk=pk)
                assert photo.status in STATUSES
                assert (photo.status == "in_repair") <= (photo.assignee_id is not None)
                if photo.status == "reshoot":
                    assert photo.assignee_id is None
                if photo.status == "approved":
                    assert photo.current_revision_id is not None
                    assert not Flag.objects.filter(photo=photo, resolved_at__isnull=True).exists()
                if photo.status == "flagged":
                    # An open flag says what to fix; a reopened photo whose claim was released comes
                    # back "flagged" with the manager's reopening as its only reason.
                    open_flag = Flag.objects.filter(photo=photo, resolved_at__isnull=True).exists()
                    assert open_flag or reopening_in_force(pk), "flagged with nothing to repair"

        @invariant()
        def the_event_log_replays_to_the_status(self):
            for pk in getattr(self, "photo_ids", []):
                photo = Photo.objects.get(pk=pk)
                status, version = self.initial[pk]
                for event in Event.objects.filter(photo_id=pk).order_by("created_at", "id"):
                    assert event.from_status == status, (event.action, event.from_status, status)
                    if event.action in TRANSITIONS:
                        sources, target = TRANSITIONS[event.action]
                        if event.action == "release" and event.data.get("nothing_to_repair"):
                            target = "needs_review"  # no open flag, no reopening in force
                        assert event.from_status in sources and event.to_status == target
                    elif event.action == "flag_resolve" and event.to_status != event.from_status:
                        # the last open flag of a flagged photo resolved: back to review
                        assert (event.from_status, event.to_status) == ("flagged", "needs_review")
                        version += 1
                    else:
                        assert event.to_status == event.from_status, event.action
                    if event.action in VERSIONED:
                        version += 1
                    status = event.to_status
                assert status == photo.status
                assert version == photo.version

    return StatusMachine


def test_no_sequence_of_actions_reaches_an_invalid_state(users, make_photo):
    machine = make_machine(users, make_photo)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            # No shrinking: a failure prints every step anyway, and shrinking a 30-step run of
            # database writes takes minutes.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
