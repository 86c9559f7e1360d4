"""Migration 0006: SKU codes and views stored decomposed are composed (NFC), twins merged."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from jewelreview.catalog.models import Photo, Sku

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jewelreview.catalog.migrations.0006_nfc_names")


def test_decomposed_codes_and_views_are_composed_and_twins_merged(make_photo):
    composed, decomposed = "BAGUE-\u00c9T\u00c9", "BAGUE-E\u0301TE\u0301"
    kept = make_photo(sku=composed, view="front")
    moved = make_photo(sku=decomposed, view="co\u0302te\u0301")  # "côté", decomposed
    Sku.objects.filter(code=decomposed).update(title="Summer ring")
    alone = make_photo(sku="COLLIER-CAFE\u0301", view="front")  # no composed twin: renamed in place

    migration.forwards(apps, None)

    assert sorted(Sku.objects.values_list("code", flat=True)) == sorted([composed, "COLLIER-CAF\u00c9"])
    assert Photo.objects.get(pk=moved.pk).sku_id == Photo.objects.get(pk=kept.pk).sku_id
    assert Sku.objects.get(code=composed).title == "Summer ring"
    assert Photo.objects.get(pk=moved.pk).view == "c\u00f4t\u00e9"
    assert Photo.objects.get(pk=alone.pk).sku.code == "COLLIER-CAF\u00c9"
    migration.forwards(apps, None)  # a second run changes nothing
    assert Sku.objects.count() == 2
