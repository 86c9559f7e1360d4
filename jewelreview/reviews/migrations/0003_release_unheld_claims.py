"""Photos left in repair with no one holding them have their claim released, as unassigning now does.

Until unassigning a photo in repair released its claim (``reviews.services.photo_assign``), a
manager assigning such a photo to no one left it "in repair, held by no one": nobody but a manager
could save, submit or release it, and it was on no one's work list. Those photos are released here
the way ``photo_release`` releases a claim: back to flagged when something is left to repair (an
open flag, or a reopening no review decision has answered yet), else to needs_review; unassigned,
waiting from now (``status_since``), any review lease ended, the version moved on (a page still
showing the old state gets the stale-version 409). Each gets the ``release`` event the service
writes, by the system (no actor), its data saying ``via: "migration"`` and naming this migration,
and ``nothing_to_repair`` when it went to review.

The rule is written out here rather than imported (``services._repair_left``,
``selectors.reopens_in_force``): a migration must keep doing what it did when it was written,
whatever the services become. Each photo is updated only if it is still in repair with no
assignee, so a run beside a live server cannot undo a claim taken meanwhile. Photos the old
behaviour could not have left so (every other status) are not touched. Irreversible in effect;
going back leaves the photos released.
"""

from django.db import migrations
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

MIGRATION = "reviews.0003_release_unheld_claims"
NOTE = (
    "Released by a migration: the photo was in repair with no one holding it "
    "(unassigned before unassigning released a claim)."
)


def forwards(apps, schema_editor):
    Photo = apps.get_model("catalog", "Photo")
    Flag = apps.get_model("reviews", "Flag")
    Event = apps.get_model("reviews", "Event")
    open_flags = Flag.objects.filter(photo_id=OuterRef("pk"), resolved_at__isnull=True)
    decided_since = Event.objects.filter(
        photo_id=OuterRef("photo_id"), action__in=("approve", "flag"), id__gt=OuterRef("id")
    )
    reopens_in_force = Event.objects.filter(photo_id=OuterRef("pk"), action="reopen").exclude(Exists(decided_since))
    unheld = (
        Photo.objects.filter(status="in_repair", assignee__isnull=True)
        .annotate(repair_left=Exists(open_flags) | Exists(reopens_in_force))
        .values_list("pk", "repair_left")
        .order_by("pk")
    )
    for photo_id, repair_left in list(unheld):
        target = "flagged" if repair_left else "needs_review"
        now = timezone.now()
        released = Photo.objects.filter(pk=photo_id, status="in_repair", assignee__isnull=True).update(
            status=target,
            status_since=now,
            review_holder=None,
            review_lease_until=None,
            version=F("version") + 1,
            updated_at=now,
        )
        if not released:
            continue
        data = {"released_by": None, "previous_assignee": None, "via": "migration", "migration": MIGRATION}
        if not repair_left:
            data["nothing_to_repair"] = True
        Event.objects.create(
            photo_id=photo_id,
            actor=None,
            action="release",
            from_status="in_repair",
            to_status=target,
            note=NOTE,
            data=data,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0008_photo_damage_extent"),
        ("reviews", "0002_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
