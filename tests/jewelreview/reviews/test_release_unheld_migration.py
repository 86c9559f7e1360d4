"""Migration reviews 0003: photos the old unassign left in repair, held by no one, are released as
``photo_release`` releases a claim (run on the schema and models it was written for)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.utils import timezone

BEFORE = ("reviews", "0002_dashboard_indexes")
AFTER = ("reviews", "0003_release_unheld_claims")

migration = importlib.import_module("jewelreview.reviews.migrations.0003_release_unheld_claims")


def _photo_maker(apps):
    Batch, Sku, Photo = (apps.get_model("catalog", name) for name in ("Batch", "Sku", "Photo"))
    batch = Batch.objects.create(name="old")
    sku = Sku.objects.create(code="RING-1")
    long_ago = timezone.now() - dt.timedelta(days=9)

    def make(view: str, status: str, **fields):
        return Photo.objects.create(
            batch=batch, sku=sku, view=view, source_name=f"RING-1_{view}.jpg", original=f"originals/{view}.jpg",
            original_sha256=view.ljust(64, "0"), original_bytes=1, ai_mask="masks/m.png", ai_mask_sha256="0" * 64,
            width=64, height=48, status=status, status_since=long_ago, version=4, **fields,
        )

    return make


def test_unheld_photos_in_repair_are_released_where_a_release_sends_them(migrate):
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Flag, Event = apps.get_model("reviews", "Flag"), apps.get_model("reviews", "Event")
    tom = User.objects.create(username="tom")
    make = _photo_maker(apps)
    flagged = make("front", "in_repair", review_holder=tom, review_lease_until=timezone.now())
    Flag.objects.create(photo=flagged, reason="halo")
    fixed = make("side", "in_repair")  # its flag resolved while claimed: nothing left to repair
    Flag.objects.create(photo=fixed, reason="halo", resolved_at=timezone.now())
    reopened = make("top", "in_repair")  # a manager's reopen, not yet answered: no flag, still to repair
    Event.objects.create(photo=reopened, action="approve", from_status="needs_review", to_status="approved")
    Event.objects.create(photo=reopened, action="reopen", from_status="approved", to_status="reopened")
    answered = make("back", "in_repair")  # reopened, then flagged and the flag resolved: the reopen is history
    Event.objects.create(photo=answered, action="reopen", from_status="approved", to_status="reopened")
    Event.objects.create(photo=answered, action="flag", from_status="needs_review", to_status="flagged")
    Flag.objects.create(photo=answered, reason="halo", resolved_at=timezone.now())
    held = make("detail", "in_repair", assignee=tom)
    Flag.objects.create(photo=held, reason="halo")
    waiting = make("box", "flagged")  # unassigned, but not in repair: nothing to release
    Flag.objects.create(photo=waiting, reason="halo")
    events_before = Event.objects.count()
    started = timezone.now()

    apps = migrate(AFTER)

    Photo, Event = apps.get_model("catalog", "Photo"), apps.get_model("reviews", "Event")
    photos = {p.pk: p for p in Photo.objects.all()}
    assert {pk: (p.status, p.assignee_id) for pk, p in photos.items()} == {
        flagged.pk: ("flagged", None),
        fixed.pk: ("needs_review", None),
        reopened.pk: ("flagged", None),
        answered.pk: ("needs_review", None),
        held.pk: ("in_repair", tom.pk),
        waiting.pk: ("flagged", None),
    }
    released = [flagged.pk, fixed.pk, reopened.pk, answered.pk]
    for pk in released:
        assert photos[pk].version == 5 and photos[pk].status_since >= started
        assert photos[pk].review_holder_id is None and photos[pk].review_lease_until is None
    for pk in (held.pk, waiting.pk):
        assert photos[pk].version == 4 and photos[pk].status_since < started
    events = Event.objects.filter(action="release").order_by("photo_id")
    assert Event.objects.count() == events_before + 4
    assert [(e.photo_id, e.actor_id, e.from_status, e.to_status) for e in events] == [
        (flagged.pk, None, "in_repair", "flagged"),
        (fixed.pk, None, "in_repair", "needs_review"),
        (reopened.pk, None, "in_repair", "flagged"),
        (answered.pk, None, "in_repair", "needs_review"),
    ]
    by = {"released_by": None, "previous_assignee": None, "via": "migration", "migration": migration.MIGRATION}
    assert [e.data for e in events] == [by, {**by, "nothing_to_repair": True}, by, {**by, "nothing_to_repair": True}]
    assert all(e.note == migration.NOTE and "migration" in e.note for e in events)

    migration.forwards(apps, None)  # a second run finds nothing left to release
    assert Event.objects.count() == events_before + 4
