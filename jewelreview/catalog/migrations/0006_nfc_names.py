"""SKU codes and views in one Unicode spelling (NFC), as ingest now stores them.

Before, a Mac's decomposed "BAGUE-ÉTÉ" (E + U+0301) and a spreadsheet's composed one were two
SKUs; filters now normalise what they are given, so a decomposed code already stored would no
longer be found. A decomposed code whose composed twin exists is merged into it (its photos move;
the twin keeps its title, or takes this one's when it has none).
"""

import unicodedata

from django.db import migrations


MAX_LENGTH = 120  # Sku.code and Photo.view


def _nfc(text: str) -> str:
    """The NFC spelling, or ``text`` as it is when that would not fit the column (NFC of a few
    scripts' letters is longer: U+0958 becomes two code points)."""
    composed = unicodedata.normalize("NFC", text)
    return composed if len(composed) <= MAX_LENGTH else text


def forwards(apps, schema_editor):
    Sku = apps.get_model("catalog", "Sku")
    Photo = apps.get_model("catalog", "Photo")
    for sku in list(Sku.objects.all()):
        code = _nfc(sku.code)
        if code == sku.code:
            continue
        twin = Sku.objects.filter(code=code).first()
        if twin is None:
            sku.code = code
            sku.save(update_fields=["code"])
            continue
        Photo.objects.filter(sku=sku).update(sku=twin)
        if not twin.title and sku.title:
            twin.title = sku.title
            twin.save(update_fields=["title"])
        sku.delete()
    for pk, view in Photo.objects.values_list("pk", "view").iterator(chunk_size=2000):
        if _nfc(view) != view:
            Photo.objects.filter(pk=pk).update(view=_nfc(view))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0005_photo_autofix_proposal"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
