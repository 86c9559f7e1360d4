"""Photo.damage_extent: the share of the photo its detected regions cover, weighted by confidence.

Risk (1 - prod(1 - confidence)) is 1.00 on nearly every damaged photo, so "highest risk first"
could not tell them apart; this second figure from the same detection breaks the ties. Photos
detection has scored get it from the regions stored with them (``Photo.detections``), by the
same rule the detect task now uses (``catalog.detections.damage_extent``); photos not yet
scored keep null, as their risk. Stored regions that no longer parse (none should: the parser
wrote them) are left null too rather than stopping the migration: such a photo sorts after the
others of its risk, and ``manage.py detect_photos --all`` scores it again.
"""

from django.db import migrations, models

from jewelreview.catalog.detections import damage_extent, detections_parse
from jewelreview.errors import InvalidInput

CHUNK = 1000


def forwards(apps, schema_editor):
    Photo = apps.get_model("catalog", "Photo")
    scored = Photo.objects.filter(risk__isnull=False).only("pk", "width", "height", "detections").order_by("pk")
    changed = []
    for photo in scored.iterator(chunk_size=CHUNK):
        try:
            regions = detections_parse(photo.detections, width=photo.width, height=photo.height)
        except InvalidInput:
            continue
        photo.damage_extent = damage_extent(regions, width=photo.width, height=photo.height)
        changed.append(photo)
        if len(changed) >= CHUNK:
            Photo.objects.bulk_update(changed, ["damage_extent"])
            changed = []
    Photo.objects.bulk_update(changed, ["damage_extent"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_photo_status_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="damage_extent",
            field=models.FloatField(
                blank=True,
                help_text="0..1: the share of the photo its detected regions cover, weighted by confidence "
                "(overlaps counted once); null until detected",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="photo",
            constraint=models.CheckConstraint(
                condition=models.Q(damage_extent__isnull=True) | models.Q(damage_extent__gte=0, damage_extent__lte=1),
                name="catalog_photo_damage_extent_0_1",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
