"""Dashboard reads: progress per scope, per batch and per SKU, waiting photos, flags, throughput."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.catalog.selectors import SkuStatus
from jewelreview.dashboards.selectors import (
    assignable_users,
    batch_counts_list,
    flags_by_reason,
    photos_waiting_longest,
    progress_totals,
    sku_progress_list,
    sku_rows_named,
    throughput_per_person,
    work_photo_list,
)
from jewelreview.reviews.models import Event
from jewelreview.reviews.services import photo_approve, photo_assign, photo_claim, photo_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_photo):
    """spring: RING-1 done (2 approved), RING-2 in review + flagged; summer: RING-2 approved, RING-3 reshoot."""
    make_photo(sku="RING-1", status="approved", batch="spring")
    make_photo(sku="RING-1", status="approved", batch="spring")
    make_photo(sku="RING-2", status="needs_review", batch="spring")
    make_photo(sku="RING-2", status="flagged", batch="spring")
    make_photo(sku="RING-2", status="approved", batch="summer")
    make_photo(sku="RING-3", status="reshoot", batch="summer")
    return {row.batch.name: row.batch for row in batch_counts_list()}


def test_progress_totals_of_everything_and_of_one_batch(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        everything = progress_totals()
    assert everything.photo_count == 6
    assert everything.counts == {
        "new": 0, "needs_review": 1, "approved": 3, "flagged": 1, "in_repair": 0, "reopened": 0, "reshoot": 1,
    }
    assert (everything.sku_count, everything.skus_done) == (3, 1)  # RING-1 only; RING-2 has open photos
    spring = progress_totals(batch_id=catalogue["spring"].pk)
    assert (spring.photo_count, spring.sku_count, spring.skus_done) == (4, 2, 1)
    assert spring.status_rows[2] == ("approved", "Approved", 2)
    summer = progress_totals(batch_id=catalogue["summer"].pk)
    # In summer RING-2's only photo is approved: done within that batch.
    assert (summer.photo_count, summer.sku_count, summer.skus_done) == (2, 2, 1)


def test_progress_of_an_empty_scope_is_zero(db):
    empty = progress_totals()
    assert (empty.photo_count, empty.sku_count, empty.skus_done) == (0, 0, 0)
    assert set(empty.counts.values()) == {0}


def test_batch_counts_list_in_two_queries(catalogue, django_assert_num_queries):
    from jewelreview.catalog.models import Batch

    Batch.objects.create(name="empty")
    with django_assert_num_queries(2):
        rows = {row.batch.name: row for row in batch_counts_list()}
    assert list(rows) == ["empty", "summer", "spring"]  # newest first
    spring, summer, empty = rows["spring"], rows["summer"], rows["empty"]
    assert (spring.photo_count, spring.counts["approved"], spring.counts["flagged"]) == (4, 2, 1)
    assert (summer.photo_count, summer.counts["reshoot"], summer.counts["approved"]) == (2, 1, 1)
    assert empty.photo_count == 0 and set(empty.counts.values()) == {0}
    assert spring.status_rows[1] == ("needs_review", "Needs review", 1)


def test_sku_progress_counts_within_the_scope_and_rolls_up(catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = sku_rows_named(sku_progress_list())
    by_code = {row["code"]: row for row in rows}
    assert [row["code"] for row in rows] == ["RING-1", "RING-2", "RING-3"]
    assert by_code["RING-1"]["rollup_status"] == SkuStatus.DONE
    assert by_code["RING-2"]["rollup_status"] == SkuStatus.NEEDS_REPAIR
    assert (by_code["RING-2"]["photo_count"], by_code["RING-2"]["count_approved"]) == (3, 1)
    assert by_code["RING-3"]["rollup_status"] == SkuStatus.RESHOOT

    summer = {row["code"]: row for row in sku_rows_named(sku_progress_list(batch_id=catalogue["summer"].pk))}
    assert set(summer) == {"RING-2", "RING-3"}
    assert summer["RING-2"]["photo_count"] == 1 and summer["RING-2"]["rollup_status"] == SkuStatus.DONE

    assert [r["code"] for r in sku_rows_named(sku_progress_list(rollup=SkuStatus.DONE))] == ["RING-1"]
    assert sku_rows_named(sku_progress_list(rollup=SkuStatus.IN_REVIEW)) == []


def test_photos_waiting_longest_first_only_waiting_statuses(make_photo):
    old = make_photo(status="flagged")
    newer = make_photo(status="needs_review")
    make_photo(status="approved")
    make_photo(status="in_repair")
    now = timezone.now()
    Photo.objects.filter(pk=old.pk).update(status_since=now - dt.timedelta(days=3))
    Photo.objects.filter(pk=newer.pk).update(status_since=now - dt.timedelta(hours=1))
    waiting = photos_waiting_longest()
    assert [p.pk for p in waiting] == [old.pk, newer.pk]
    assert photos_waiting_longest(limit=1)[0].pk == old.pk


def test_assigning_and_unassigning_does_not_restart_the_wait(make_photo, users):
    """It counted from updated_at, which the assignment moved: the photo flagged three days ago
    went to the end of "Waiting longest", shown as waiting for seconds."""
    old = make_photo(status="flagged")
    newer = make_photo(status="flagged")
    now = timezone.now()
    Photo.objects.filter(pk=old.pk).update(status_since=now - dt.timedelta(days=3))
    Photo.objects.filter(pk=newer.pk).update(status_since=now - dt.timedelta(hours=1))
    old.refresh_from_db()
    since = old.status_since
    assigned = photo_assign(photo=old, actor=users.manager, assignee=users.retoucher)
    photo_assign(photo=assigned, actor=users.manager, assignee=None)
    old.refresh_from_db()
    assert old.status_since == since and old.updated_at > since  # changed, still waiting as long
    assert [p.pk for p in photos_waiting_longest()] == [old.pk, newer.pk]
    claimed = photo_claim(photo=old, actor=users.retoucher)  # a status change starts a new wait
    assert claimed.status_since > since


def test_flags_by_reason_open_and_all(make_photo, users):
    first, second, third = make_photo(), make_photo(), make_photo(batch="other")
    photo_flag(photo=first, actor=users.reviewer, reason="halo")
    photo_flag(photo=second, actor=users.reviewer, reason="halo")
    photo_flag(photo=third, actor=users.reviewer, reason="clipped_prong")
    Photo.objects.filter(pk=second.pk).update(status="needs_review")
    photo_approve(photo=second, actor=users.reviewer)  # resolves its halo flag
    counts = {c.reason: (c.open, c.total) for c in flags_by_reason()}
    assert counts["halo"] == (1, 2) and counts["clipped_prong"] == (1, 1) and counts["other"] == (0, 0)
    assert len(counts) == 6  # every reason, zero or not
    # Most open first; ties by all-time count (halo was raised twice), then by name.
    assert [c.reason for c in flags_by_reason()][:3] == ["halo", "clipped_prong", "colour_spill"]
    only_other = {c.reason: c.total for c in flags_by_reason(batch_id=third.batch_id)}
    assert only_other["clipped_prong"] == 1 and only_other["halo"] == 0


def test_throughput_per_person_per_day(make_photo, users):
    photos = [make_photo() for _ in range(4)]
    photo_approve(photo=photos[0], actor=users.reviewer)
    photo_approve(photo=photos[1], actor=users.reviewer)
    photo_flag(photo=photos[2], actor=users.reviewer, reason="halo")
    photo_approve(photo=photos[3], actor=users.manager)
    today = timezone.now().date()
    # Move one of rita's approvals to two days ago and the manager's out of the window.
    approvals = Event.objects.filter(action="approve").order_by("id")
    Event.objects.filter(pk=approvals[0].pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    Event.objects.filter(pk=approvals[2].pk).update(created_at=timezone.now() - dt.timedelta(days=30))

    result = throughput_per_person(today=today, days=7)
    assert result.days[0] == today - dt.timedelta(days=6) and result.days[-1] == today
    assert [p.name for p in result.people] == ["rita"]
    assert result.per_person["rita"] == [0, 0, 0, 0, 1, 0, 2]  # approve 2 days ago; approve + flag today
    assert result.people[0].actions == {"approve": 2, "flag": 1}
    assert result.people[0].total == 3


def test_throughput_ignores_system_and_non_workflow_events(make_photo, users):
    photo = make_photo()
    Event.objects.create(photo=photo, actor=None, action="approve")  # no person
    Event.objects.create(photo=photo, actor=users.manager, action="assign")  # not a move through the workflow
    assert throughput_per_person(today=timezone.now().date()).people == []


def test_assignable_users_are_retouchers_and_managers(users, django_user_model):
    django_user_model.objects.create_superuser(username="root", password="pw")
    inactive = django_user_model.objects.create_user(username="gone", password="pw", is_active=False)
    from jewelreview.accounts.services import user_set_roles

    user_set_roles(user=inactive, roles=["retoucher"])
    assert [u.username for u in assignable_users()] == ["mona", "root", "tess", "tom"]


def test_work_photo_list_unassigned(make_photo, users):
    free = make_photo(status="flagged")
    make_photo(status="flagged", assignee=users.retoucher)
    assert [p.pk for p in work_photo_list(unassigned=True, status="flagged")] == [free.pk]
    assert work_photo_list(assignee="tom").count() == 1
