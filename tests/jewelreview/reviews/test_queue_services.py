"""review_next: the queue's "next photo" under a review lease; never the same photo for two reviewers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.errors import InvalidInput, NotAllowed
from jewelreview.reviews.queue_services import (
    MAX_SKIP,
    REVIEW_LEASE,
    review_lease_release,
    review_lease_renew,
    review_next,
)
from jewelreview.reviews.services import photo_approve, photo_flag


def _age(photo, minutes: int):
    """Make ``photo`` ``minutes`` old (created_at is auto_now_add)."""
    Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return photo


def _holder(photo):
    fresh = Photo.objects.get(pk=photo.pk)
    return fresh.review_holder_id, fresh.review_lease_until


@pytest.mark.django_db
def test_without_detection_the_oldest_waiting_photo_comes_first(users, make_photo):
    young, old, middle = make_photo(), make_photo(), make_photo()
    _age(young, 1), _age(old, 30), _age(middle, 10)
    result = review_next(actor=users.reviewer)
    assert result.photo.pk == old.pk
    holder, until = _holder(old)
    assert holder == users.reviewer.pk
    assert abs((until - timezone.now()) - REVIEW_LEASE) < timedelta(seconds=5)
    assert result.until == until


@pytest.mark.django_db
def test_scored_photos_come_first_by_risk_then_unscored_by_age(users, make_photo):
    unscored_old, low, high = make_photo(), make_photo(), make_photo()
    _age(unscored_old, 60)
    Photo.objects.filter(pk=low.pk).update(risk=0.2)
    Photo.objects.filter(pk=high.pk).update(risk=0.9)
    order = [review_next(actor=user).photo.pk for user in (users.reviewer, users.manager)]
    assert order == [high.pk, low.pk]
    reviewer2 = _reviewer("rob")
    assert review_next(actor=reviewer2).photo.pk == unscored_old.pk


@pytest.mark.django_db
def test_equal_risks_are_handed_out_by_the_share_of_the_photo_damaged(users, make_photo):
    small, large, unmeasured = make_photo(), make_photo(), make_photo()
    _age(small, 60), _age(unmeasured, 120)
    Photo.objects.filter(pk=small.pk).update(risk=1.0, damage_extent=0.01)
    Photo.objects.filter(pk=large.pk).update(risk=1.0, damage_extent=0.3)
    Photo.objects.filter(pk=unmeasured.pk).update(risk=1.0)  # scored before the extent was kept
    order = [review_next(actor=user).photo.pk for user in (users.reviewer, users.manager, _reviewer("rob"))]
    assert order == [large.pk, small.pk, unmeasured.pk]


@pytest.mark.django_db
def test_risks_equal_as_shown_are_handed_out_by_the_share_damaged(users, make_photo):
    full, nearly = make_photo(), make_photo()
    _age(full, 60)
    Photo.objects.filter(pk=full.pk).update(risk=1.0, damage_extent=0.01)  # shown 1.00
    Photo.objects.filter(pk=nearly.pk).update(risk=0.996, damage_extent=0.3)  # shown 1.00 too
    order = [review_next(actor=user).photo.pk for user in (users.reviewer, users.manager)]
    assert order == [nearly.pk, full.pk]


def _reviewer(name):
    from django.contrib.auth import get_user_model

    from jewelreview.accounts.services import user_set_roles

    return user_set_roles(user=get_user_model().objects.create_user(username=name, password="pw"), roles=["reviewer"])


@pytest.mark.django_db
def test_a_photo_another_reviewer_holds_is_never_handed_out(users, make_photo):
    first, second = _age(make_photo(), 20), _age(make_photo(), 10)
    assert review_next(actor=users.reviewer).photo.pk == first.pk
    assert review_next(actor=users.manager).photo.pk == second.pk
    assert review_next(actor=_reviewer("rob")).photo is None
    assert _holder(first)[0] == users.reviewer.pk and _holder(second)[0] == users.manager.pk


@pytest.mark.django_db
def test_a_lapsed_lease_is_free_again(users, make_photo):
    photo = make_photo()
    review_next(actor=users.reviewer)
    Photo.objects.filter(pk=photo.pk).update(review_lease_until=timezone.now() - timedelta(seconds=1))
    assert review_next(actor=users.manager).photo.pk == photo.pk
    assert _holder(photo)[0] == users.manager.pk


@pytest.mark.django_db
def test_only_photos_waiting_for_review_are_handed_out(users, make_photo):
    for status in ("new", "approved", "flagged", "in_repair", "reopened", "reshoot"):
        make_photo(status=status)
    waiting = make_photo(status="needs_review")
    assert review_next(actor=users.reviewer).photo.pk == waiting.pk
    assert review_next(actor=users.reviewer, skip=[waiting.pk]).photo is None


@pytest.mark.django_db
def test_asking_again_gives_back_the_previous_lease_but_keeps_the_current_photo(users, make_photo):
    a, b, c = _age(make_photo(), 30), _age(make_photo(), 20), _age(make_photo(), 10)
    assert review_next(actor=users.reviewer).photo.pk == a.pk  # a on screen
    ahead = review_next(actor=users.reviewer, current=a.pk)  # the page leases b ahead
    assert ahead.photo.pk == b.pk and ahead.current.held_by_actor
    assert _holder(a)[0] == users.reviewer.pk and _holder(b)[0] == users.reviewer.pk
    # J: b is on screen, a was skipped; a's lease is given back, c is leased ahead.
    moved = review_next(actor=users.reviewer, current=b.pk, skip=[a.pk])
    assert moved.photo.pk == c.pk
    assert _holder(a) == (None, None)
    assert review_next(actor=users.manager).photo.pk == a.pk


@pytest.mark.django_db
def test_the_photo_on_screen_is_leased_when_free_and_reported_when_someone_else_holds_it(users, make_photo):
    photo = make_photo()
    mine = review_next(actor=users.reviewer, current=photo.pk)
    assert mine.photo is None  # nothing else waits
    assert (mine.current.held_by_actor, mine.current.holder) == (True, "rita")
    theirs = review_next(actor=users.manager, current=photo.pk)
    assert theirs.current.held_by_actor is False
    assert theirs.current.holder == "rita" and theirs.current.until == _holder(photo)[1]
    assert _holder(photo)[0] == users.reviewer.pk


@pytest.mark.django_db
def test_the_lease_of_a_decided_photo_on_screen_is_not_taken(users, make_photo):
    photo = make_photo(status="approved")
    result = review_next(actor=users.reviewer, current=photo.pk)
    assert (result.current.holder, result.current.held_by_actor) == (None, False)
    assert _holder(photo) == (None, None)


@pytest.mark.django_db
def test_batch_and_sku_scope_next(users, make_photo):
    other_batch = _age(make_photo(batch="other", sku="RING-1"), 50)
    other_sku = _age(make_photo(batch="launch", sku="RING-2"), 40)
    wanted = _age(make_photo(batch="launch", sku="RING-1"), 10)
    launch = wanted.batch_id
    assert review_next(actor=users.reviewer, batch_id=launch, sku="RING-1").photo.pk == wanted.pk
    assert review_next(actor=users.manager, batch_id=launch).photo.pk == other_sku.pk
    assert review_next(actor=_reviewer("rob"), sku="RING-1").photo.pk == other_batch.pk


@pytest.mark.django_db
def test_deciding_a_photo_ends_its_lease(users, make_photo):
    approved, flagged = make_photo(), make_photo()
    review_next(actor=users.reviewer)
    review_next(actor=users.manager)
    photo_approve(photo=approved, actor=users.reviewer)
    photo_flag(photo=flagged, actor=users.manager, reason="halo")
    assert _holder(approved) == (None, None) and _holder(flagged) == (None, None)


@pytest.mark.django_db
def test_leasing_leaves_the_version_alone(users, make_photo):
    photo = make_photo()
    before = Photo.objects.get(pk=photo.pk).version
    review_next(actor=users.reviewer)
    assert Photo.objects.get(pk=photo.pk).version == before
    photo_approve(photo=photo, actor=users.reviewer, expected_version=before)  # not stale


@pytest.mark.django_db
def test_a_retoucher_may_not_ask_for_next_and_nothing_is_leased(users, make_photo):
    photo = make_photo()
    with pytest.raises(NotAllowed) as refused:
        review_next(actor=users.retoucher)
    assert refused.value.message == "Your role (retoucher) may not approve photos; only reviewers and managers may."
    assert _holder(photo) == (None, None)


@pytest.mark.django_db
def test_too_many_photos_to_skip_is_refused_before_anything_changes(users, make_photo):
    photo = make_photo()
    review_next(actor=users.reviewer)
    with pytest.raises(InvalidInput) as refused:
        review_next(actor=users.reviewer, skip=range(1, MAX_SKIP + 2))
    assert refused.value.message == f"skip: at most {MAX_SKIP} photo ids."
    assert _holder(photo)[0] == users.reviewer.pk  # the earlier lease was not given back


# --- concurrency: real threads, real transactions ------------------------------------------------

REVIEWERS = 4
PHOTOS = 12


def in_thread(function, *args):
    """Run ``function`` in a new thread (so on a connection of its own) and return its result."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001  (re-raised below)
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that threads share, as in production: the configured PostgreSQL, or a SQLite *file*.

    The SQLite test database lives in memory with a shared cache, where a writer meeting another
    writer fails at once ("database table is locked") instead of waiting as it does on a file.
    New connections (each thread's) then open a migrated file; this thread's in-memory connection
    stays open and untouched, and the name is restored afterwards.
    """
    settings_dict = connection.settings_dict
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()  # keep the in-memory database alive while the name points elsewhere
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(tmp_path / "threads.sqlite3")
    try:
        in_thread(lambda: call_command("migrate", verbosity=0, interactive=False))
        yield
    finally:
        settings_dict["NAME"] = original


def _setup_queue():
    from jewelreview.catalog.models import Batch, Sku

    batch, sku = Batch.objects.create(name="threads"), Sku.objects.create(code="RING")
    for n in range(PHOTOS):
        Photo.objects.create(
            batch=batch, sku=sku, view=f"v{n}", source_name=f"RING_v{n}.jpg", original=f"o/{n}.jpg",
            original_sha256=f"{n:064d}", original_bytes=1, ai_mask="m.png", ai_mask_sha256="0" * 64,
            width=64, height=48, status="needs_review",
        )
    return [_reviewer(f"r{n}") for n in range(REVIEWERS)]


def test_reviewers_asking_at_the_same_time_never_get_the_same_photo(shared_database):
    """Four reviewers work the queue at once, each in a thread with its own connection.

    All four ask for next at the same moment and hold on (four different photos); then each
    approves what it got and asks again until nothing is left. A photo handed to two reviewers
    would show up in two lists. Runs on SQLite (transactions serialised by BEGIN IMMEDIATE) and
    on PostgreSQL (SKIP LOCKED) alike.
    """
    reviewers = in_thread(_setup_queue)
    first_round: dict[int, int] = {}
    got: dict[int, list[int]] = {reviewer.pk: [] for reviewer in reviewers}
    errors: list[BaseException] = []
    together = threading.Barrier(REVIEWERS)

    def work(reviewer):
        try:
            together.wait(timeout=30)
            held = review_next(actor=reviewer).photo
            first_round[reviewer.pk] = held.pk
            together.wait(timeout=30)
            while held is not None:
                got[reviewer.pk].append(held.pk)
                photo_approve(photo=held, actor=reviewer)
                held = review_next(actor=reviewer).photo
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
            together.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(reviewer,)) for reviewer in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(set(first_round.values())) == REVIEWERS, first_round
    all_photos, approved = in_thread(
        lambda: (list(Photo.objects.values_list("pk", flat=True)), Photo.objects.filter(status="approved").count())
    )
    handed_out = [photo_id for ids in got.values() for photo_id in ids]
    assert sorted(handed_out) == sorted(all_photos), got  # each photo once, none twice, none left
    assert approved == PHOTOS


@pytest.mark.django_db
def test_renewing_keeps_a_long_look_from_handing_the_photo_to_someone_else(users, make_photo):
    on_screen, up_next = _age(make_photo(), 20), _age(make_photo(), 10)
    review_next(actor=users.reviewer)  # leases on_screen
    review_next(actor=users.reviewer, current=on_screen.pk)  # keeps it, leases up_next
    almost_lapsed = timezone.now() + timedelta(seconds=30)
    Photo.objects.filter(pk__in=[on_screen.pk, up_next.pk]).update(review_lease_until=almost_lapsed)
    renewal = review_lease_renew(actor=users.reviewer, photo_ids=[on_screen.pk, up_next.pk])
    assert renewal.renewed == sorted([on_screen.pk, up_next.pk])
    assert abs((renewal.until - timezone.now()) - REVIEW_LEASE) < timedelta(seconds=5)
    assert _holder(on_screen) == (users.reviewer.pk, renewal.until)
    in_five_minutes = timezone.now() + timedelta(minutes=5)
    Photo.objects.filter(pk__in=[on_screen.pk, up_next.pk]).update(review_lease_until=in_five_minutes)
    assert review_next(actor=users.manager).photo is None  # both still held after the original ten minutes


@pytest.mark.django_db
def test_renewing_skips_leases_taken_by_someone_else_or_decided(users, make_photo):
    mine, taken, decided = make_photo(), make_photo(), make_photo()
    Photo.objects.filter(pk=mine.pk).update(review_holder=users.reviewer, review_lease_until=timezone.now())
    Photo.objects.filter(pk=taken.pk).update(review_holder=users.manager, review_lease_until=timezone.now())
    Photo.objects.filter(pk=decided.pk).update(
        review_holder=users.reviewer, review_lease_until=timezone.now(), status="approved"
    )
    renewal = review_lease_renew(actor=users.reviewer, photo_ids=[mine.pk, taken.pk, decided.pk])
    assert renewal.renewed == [mine.pk]
    assert _holder(taken)[0] == users.manager.pk


@pytest.mark.django_db
def test_a_retoucher_may_not_renew(users, make_photo):
    photo = make_photo()
    with pytest.raises(NotAllowed):
        review_lease_renew(actor=users.retoucher, photo_ids=[photo.pk])


@pytest.mark.django_db
def test_releasing_frees_the_up_next_lease_for_the_next_reviewer_at_once(users, make_photo):
    on_screen, up_next = _age(make_photo(), 20), _age(make_photo(), 10)
    review_next(actor=users.manager)  # leases on_screen
    lease = review_next(actor=users.manager, current=on_screen.pk)
    assert lease.photo.pk == up_next.pk
    assert review_lease_release(actor=users.manager, leases=[(up_next.pk, lease.until)]) == [up_next.pk]
    assert _holder(up_next) == (None, None)
    assert _holder(on_screen)[0] == users.manager.pk  # not asked for: kept
    assert review_next(actor=users.reviewer).photo.pk == up_next.pk


@pytest.mark.django_db
def test_releasing_leaves_leases_of_others_alone(users, make_photo):
    mine, theirs, free = make_photo(), make_photo(), make_photo()
    soon = timezone.now() + timedelta(minutes=5)
    Photo.objects.filter(pk=mine.pk).update(review_holder=users.reviewer, review_lease_until=soon)
    Photo.objects.filter(pk=theirs.pk).update(review_holder=users.manager, review_lease_until=soon)
    asked = [(mine.pk, soon), (theirs.pk, soon), (free.pk, soon), (999_999, soon)]
    released = review_lease_release(actor=users.reviewer, leases=asked)
    assert released == [mine.pk]
    assert _holder(mine) == (None, None)
    assert _holder(theirs) == (users.manager.pk, soon)


@pytest.mark.django_db
def test_a_retoucher_may_not_release(users, make_photo):
    photo = make_photo()
    now = timezone.now()
    Photo.objects.filter(pk=photo.pk).update(review_holder=users.reviewer, review_lease_until=now)
    with pytest.raises(NotAllowed):
        review_lease_release(actor=users.retoucher, leases=[(photo.pk, now)])
    assert _holder(photo)[0] == users.reviewer.pk


@pytest.mark.django_db
def test_a_late_release_leaves_a_lease_taken_again_since(users, make_photo):
    """Review: the page's keepalive release can land after a reload leased the photo again; it
    names the lease it meant, so the newer one stays."""
    photo = make_photo()
    first = review_next(actor=users.reviewer)
    again = review_lease_renew(actor=users.reviewer, photo_ids=[photo.pk])  # the reloaded page's lease
    assert again.until > first.until
    assert review_lease_release(actor=users.reviewer, leases=[(photo.pk, first.until)]) == []
    assert _holder(photo) == (users.reviewer.pk, again.until)
    assert review_lease_release(actor=users.reviewer, leases=[(photo.pk, again.until)]) == [photo.pk]
