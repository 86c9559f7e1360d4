"""Revisions: append-only, numbered per photo, validated by core, optimistic and lossless on conflict."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.errors import Conflict, InvalidInput, NotAllowed
from jewelreview.repairs.models import AppendOnlyError, Render, Revision
from jewelreview.repairs.services import revision_create, revision_save
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(users, make_photo):
    return make_photo(status="in_repair", assignee=users.retoucher)


def test_revisions_are_numbered_per_photo_and_become_current(
    users, claimed, recipe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None, note="a")
        second = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=first.pk, note="b")
    assert (first.number, second.number, second.parent_id) == (1, 2, first.pk)
    photo = Photo.objects.get(pk=claimed.pk)
    assert photo.current_revision_id == second.pk and photo.version == 3
    assert list(Render.objects.filter(revision__photo=photo).values_list("state", flat=True)) == ["queued", "queued"]
    assert len(callbacks) == 2  # one render task per revision, enqueued after commit
    assert [e.action for e in Event.objects.filter(photo=photo)] == ["revision", "revision"]


def test_recipe_is_stored_canonical(users, claimed):
    revision = revision_create(
        photo=claimed, author=users.retoucher, base_revision=None, recipe={"ops": [{"op": "decontaminate"}]}
    )
    assert revision.recipe == {"version": 1, "base": "ai", "ops": [{"op": "decontaminate", "amount": 60.0}]}
    assert len(revision.recipe_sha256) == 64


def test_revision_rows_can_never_be_edited_or_deleted(users, claimed, recipe):
    revision = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    revision.note = "changed"
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        revision.delete()
    with pytest.raises(AppendOnlyError):
        Revision.objects.filter(pk=revision.pk).update(note="changed")
    with pytest.raises(AppendOnlyError):
        Revision.objects.filter(pk=revision.pk).delete()
    assert Revision.objects.get(pk=revision.pk).note == ""


def test_a_bad_recipe_is_refused_naming_the_op_and_field_and_nothing_is_written(users, claimed):
    bad = {"version": 1, "ops": [{"op": "refine", "contrast": 15}, {"op": "refine", "contrast": 400}]}
    with pytest.raises(InvalidInput, match=r"ops\[1\]\.contrast: must be between 0 and 100") as caught:
        revision_create(photo=claimed, author=users.retoucher, recipe=bad, base_revision=None)
    assert caught.value.code == "invalid_recipe"
    assert caught.value.details == {"op_index": 1, "field": "contrast"}
    assert Revision.objects.count() == 0 and Event.objects.count() == 0


def test_a_recipe_too_costly_to_draw_is_refused_naming_the_op_and_nothing_is_written(users, claimed):
    # Few segments, but 700 strokes 8,000 px tall: 5,600,000 pixel rows to draw, past the budget
    # that new revisions keep (stored ones render without it: test_render_task)
    heavy = {"version": 1, "ops": [{"op": "path", "d": "M 0 0" + " l 1 8000 l 1 -8000" * 350}]}
    with pytest.raises(InvalidInput) as caught:
        revision_create(photo=claimed, author=users.retoucher, recipe=heavy, base_revision=None)
    assert str(caught.value) == (
        "ops: paths cross 5,600,000 pixel rows in all, counting each edge once per row it crosses "
        "(ops[0].d alone 5,600,000); the limit is 5,000,000: use fewer or shorter edges"
    )
    assert (caught.value.code, caught.value.details) == ("invalid_recipe", {"field": "ops"})
    assert Revision.objects.count() == 0 and Render.objects.count() == 0 and Event.objects.count() == 0


def test_optimistic_conflict_keeps_both_edits(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    base = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    # Two editors start from revision 1; the manager saves first.
    mine = {"version": 1, "ops": [{"op": "decontaminate", "amount": 10}]}
    theirs = {"version": 1, "ops": [{"op": "decontaminate", "amount": 90}]}
    winner = revision_create(photo=photo, author=users.manager, recipe=theirs, base_revision=base.pk)
    with pytest.raises(Conflict) as caught:
        revision_create(photo=photo, author=users.retoucher, recipe=mine, base_revision=base.pk, note="my fix")
    error = caught.value
    assert error.code == "stale_base_revision" and error.http_status == 409
    assert error.details["current_revision"] == winner.pk and error.details["current_number"] == 2
    kept = Revision.objects.get(pk=error.details["saved_revision"])
    assert (kept.number, kept.parent_id, kept.recipe["ops"][0]["amount"], kept.note) == (3, base.pk, 10.0, "my fix")
    # Revisions are named by their numbers (the editor shows those), never by database ids.
    assert error.message == (
        "Revision 1, which you started from, is no longer current: revision 2 is current now. "
        "Your edit was kept as revision 3 but not made current."
    )
    photo.refresh_from_db()
    assert photo.current_revision_id == winner.pk  # the winner's edit is untouched
    assert Revision.objects.get(pk=winner.pk).recipe["ops"][0]["amount"] == 90.0
    assert Event.objects.filter(photo=photo, action="revision_conflict").count() == 1
    assert not Render.objects.filter(revision=kept).exists()


def test_first_revision_must_not_claim_a_base_and_later_ones_must(users, claimed, recipe):
    revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    started = "The AI mask, which you started from, is no longer current: revision 1 is current"
    other = {"ops": [{"op": "refine", "contrast": 15}]}
    with pytest.raises(Conflict, match=started):
        revision_create(photo=claimed, author=users.retoucher, recipe=other, base_revision=None)


def test_base_revision_of_another_photo_is_invalid(users, make_photo, recipe):
    one = make_photo(status="in_repair", assignee=users.retoucher)
    other = make_photo(status="in_repair", assignee=users.retoucher)
    foreign = revision_create(photo=other, author=users.retoucher, recipe=recipe, base_revision=None)
    with pytest.raises(InvalidInput, match=f"Revision {foreign.pk} is not a revision of photo {one.pk}"):
        revision_create(photo=one, author=users.retoucher, recipe=recipe, base_revision=foreign.pk)


def test_who_may_save_revisions(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    with pytest.raises(NotAllowed, match="may not save revisions"):
        revision_create(photo=photo, author=users.reviewer, recipe=recipe, base_revision=None)
    with pytest.raises(NotAllowed, match="claimed by tom"):
        revision_create(photo=photo, author=users.retoucher2, recipe=recipe, base_revision=None)
    assert revision_create(photo=photo, author=users.manager, recipe=recipe, base_revision=None).number == 1
    flagged = make_photo(status="flagged")
    with pytest.raises(Conflict, match="claim it for repair before saving revisions"):
        revision_create(photo=flagged, author=users.retoucher, recipe=recipe, base_revision=None)
    reopened = make_photo(status="reopened")
    assert revision_create(photo=reopened, author=users.manager, recipe=recipe, base_revision=None).number == 1
    assert Revision.objects.count() == 2


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("needs_review", "is waiting for review; a reviewer must flag it before it can be repaired."),
        ("approved", "is approved; a manager must reopen it before it can be repaired."),
        ("new", "is new; it can be repaired once its previews are made and a reviewer flags it."),
        ("reshoot", "is marked for reshoot; it is to be photographed again, not repaired."),
        ("reopened", "is reopened; claim it for repair before saving revisions."),
    ],
)
def test_a_photo_not_in_repair_says_what_must_happen_first(users, make_photo, recipe, status, said):
    """No "claim it" where no claim is possible (QA L7: a photo waiting for review after a submit)."""
    photo = make_photo(status=status)
    with pytest.raises(Conflict) as refused:
        revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    assert (refused.value.code, refused.value.message) == ("not_in_repair", f"Photo {photo.pk} {said}")
    assert not Revision.objects.exists()


def test_stale_photo_version_refuses_the_save(users, claimed, recipe):
    Photo.objects.filter(pk=claimed.pk).update(version=8)  # changed by someone since version 7
    with pytest.raises(Conflict, match="changed since you loaded it"):
        revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None, expected_version=7)
    assert Revision.objects.count() == 0


def test_a_save_repeating_the_current_recipe_makes_nothing_even_from_an_older_base(users, claimed, recipe):
    """Save pressed again after an answer that never arrived: the base is one revision behind, but
    the recipe is already current, so it is no conflict and no side revision."""
    first = revision_save(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    assert first.created and first.revision.number == 1
    again = revision_save(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    assert (again.created, again.revision.pk) == (False, first.revision.pk)
    other = {"ops": [{"op": "refine", "contrast": 15}]}
    second = revision_save(photo=claimed, author=users.retoucher, recipe=other, base_revision=first.revision.pk)
    retried = revision_save(photo=claimed, author=users.retoucher, recipe=other, base_revision=first.revision.pk)
    assert (retried.created, retried.revision.pk) == (False, second.revision.pk)
    assert Revision.objects.filter(photo=claimed).count() == 2
    assert [e.action for e in Event.objects.filter(photo=claimed)] == ["revision", "revision"]
    # The same recipe as an older revision, from that base, is a real conflict: another recipe is current.
    with pytest.raises(Conflict):
        revision_save(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=first.revision.pk)
