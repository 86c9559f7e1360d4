"""Photo.status_since: when a photo entered its status, the "Waiting" figure's start.

"Waiting" counted from ``updated_at``, which every save moves: a manager assigning a photo and
unassigning it again made a photo flagged days ago look as if it had just arrived. Existing
photos take the time of their last status change from the event log, or ``updated_at`` (what
was shown until now) when the log has none (photos made in a status, never moved).
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def forwards(apps, schema_editor):
    Photo = apps.get_model("catalog", "Photo")
    Event = apps.get_model("reviews", "Event")
    entered = (
        Event.objects.filter(photo_id=OuterRef("pk"), to_status=OuterRef("status"))
        .exclude(from_status=F("to_status"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    Photo.objects.update(status_since=Coalesce(Subquery(entered), F("updated_at")))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_nfc_names"),
        ("reviews", "0002_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="status_since",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name="photo",
            name="catalog_pho_status_1a0285_idx",
        ),
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(fields=["status", "status_since"], name="catalog_pho_status_8f6ec9_idx"),
        ),
    ]
