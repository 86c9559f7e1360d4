"""Selectors: SKU status rolled up from photos in one query."""

from __future__ import annotations

import pytest

from jewelreview.catalog.selectors import (
    HIGHEST_RISK_FIRST,
    RISK_SHOWN,
    batch_list,
    photo_get,
    photo_list,
    sku_list,
    sku_status_counts,
)
from jewelreview.errors import NotFound

pytestmark = pytest.mark.django_db


def test_sku_rollup(make_photo, django_assert_num_queries):
    from jewelreview.catalog.models import Sku

    for status in ("approved", "approved"):
        make_photo(sku="DONE-1", status=status)
    make_photo(sku="RESHOOT-1", status="approved")
    make_photo(sku="RESHOOT-1", status="reshoot")
    make_photo(sku="REPAIR-1", status="in_repair")
    make_photo(sku="REPAIR-1", status="needs_review")
    make_photo(sku="REVIEW-1", status="new")
    make_photo(sku="REVIEW-1", status="approved")
    Sku.objects.create(code="EMPTY-1")
    with django_assert_num_queries(1):
        rows = [(s.code, s.rollup_status, s.photo_count, sku_status_counts(s)) for s in sku_list()]
    summary = {code: (status, count) for code, status, count, _ in rows}
    assert summary == {
        "DONE-1": ("done", 2),
        "EMPTY-1": ("empty", 0),
        "REPAIR-1": ("needs_repair", 2),
        "RESHOOT-1": ("reshoot", 2),
        "REVIEW-1": ("in_review", 2),
    }
    counts = {code: c for code, _, _, c in rows}
    assert counts["REPAIR-1"] == {
        "new": 0,
        "needs_review": 1,
        "approved": 0,
        "flagged": 0,
        "in_repair": 1,
        "reopened": 0,
        "reshoot": 0,
    }
    assert [s.code for s in sku_list(status="done")] == ["DONE-1"]


def test_sku_list_by_batch(make_photo):
    make_photo(sku="A", batch="b1")
    make_photo(sku="B", batch="b2")
    b1 = next(b for b in batch_list() if b.name == "b1")
    assert [s.code for s in sku_list(batch_id=b1.pk)] == ["A"]
    assert b1.photo_count == 1 and b1.count_needs_review == 1


def test_photo_list_filters_and_ordering(make_photo, users, django_assert_num_queries):
    a = make_photo(sku="A", status="flagged", assignee=users.retoucher)
    b = make_photo(sku="B", status="approved")
    b.risk = 0.9
    b.save()
    assert list(photo_list(status="flagged")) == [a]
    assert list(photo_list(sku="B")) == [b]
    assert list(photo_list(assignee_id=users.retoucher.pk)) == [a]
    assert list(photo_list(risk_min=0.5)) == [b]
    assert next(iter(photo_list(ordering="-risk"))) == b
    with django_assert_num_queries(1):
        assert [(p.sku.code, p.batch.name) for p in photo_list()] == [("A", "test-batch"), ("B", "test-batch")]


def test_photo_get_not_found():
    with pytest.raises(NotFound, match="Photo 999 does not exist"):
        photo_get(photo_id=999)


def test_a_reshoot_replaced_by_a_newer_photo_of_its_view_no_longer_holds_its_sku(make_photo):
    """A reshoot leaves the workflow; once a new photo of the same view comes in, the SKU's status
    follows the new photo: done when it is approved. Another view's reshoot still counts."""
    from jewelreview.dashboards.selectors import progress_totals, sku_progress_list

    make_photo(sku="RING-1", view="front", status="reshoot")
    make_photo(sku="RING-1", view="side", status="approved")
    make_photo(sku="RING-2", view="front", status="reshoot")
    make_photo(sku="RING-2", view="side", status="approved")

    def rollups():
        return {s.code: (s.rollup_status, s.photo_count, s.count_reshoot) for s in sku_list()}

    assert rollups() == {"RING-1": ("reshoot", 2, 1), "RING-2": ("reshoot", 2, 1)}
    replacement = make_photo(sku="RING-1", view="front", status="needs_review")
    assert rollups()["RING-1"] == ("in_review", 2, 0)
    replacement.status = "approved"
    replacement.save()
    assert rollups() == {"RING-1": ("done", 2, 0), "RING-2": ("reshoot", 2, 1)}
    by_sku = {row["sku_id"]: row["rollup_status"] for row in sku_progress_list()}
    assert sorted(by_sku.values()) == ["done", "reshoot"]
    totals = progress_totals()
    assert (totals.sku_count, totals.skus_done) == (2, 1)
    assert totals.counts["reshoot"] == 2, "the photo counts stay what they are: two photos were sent for reshoot"
    [batch] = batch_list()
    assert (batch.photo_count, batch.count_reshoot) == (5, 2), "a batch counts every photo it holds"


def test_the_risk_ordered_on_is_the_risk_shown_for_every_stored_value(make_photo):
    """Risks are stored to 3 decimals and shown to 2 (floatformat:2, halves up): the database's
    rounding must give what the page reads for each of them, halves (0.005, 0.995...) included,
    as a value: compared as text to 2 places, a database returning 0.99999999 for 1.00 passed."""
    from django.template.defaultfilters import floatformat

    from jewelreview.catalog.models import Photo

    photo = make_photo()
    differ = []
    for thousandths in range(1001):
        risk = round(thousandths / 1000, 3)
        Photo.objects.filter(pk=photo.pk).update(risk=risk)
        ordered_on = Photo.objects.filter(pk=photo.pk).annotate(shown=RISK_SHOWN).values_list("shown", flat=True)[0]
        if ordered_on != float(floatformat(risk, 2)):
            differ.append((risk, ordered_on, floatformat(risk, 2)))
    assert differ == []


def test_highest_risk_first_compares_the_risk_as_shown_then_the_share_damaged(make_photo):
    """0.996 reads "1.00": with more of the photo damaged it comes before a 1.000 with less."""
    from jewelreview.catalog.models import Photo

    figures = {"full_small": (1.0, 0.01), "nearly_large": (0.996, 0.3), "lower": (0.994, 0.9), "unscored": (None, None)}
    made = {}
    for name, (risk, extent) in figures.items():
        made[name] = make_photo(view=name).pk
        Photo.objects.filter(pk=made[name]).update(risk=risk, damage_extent=extent)
    order = list(Photo.objects.order_by(*HIGHEST_RISK_FIRST, "pk").values_list("view", flat=True))
    assert order == ["nearly_large", "full_small", "lower", "unscored"]
    assert [p.view for p in photo_list(ordering="-risk")] == order
    assert [p.view for p in photo_list(ordering="risk")] == ["lower", "full_small", "nearly_large", "unscored"]
