"""approved_finals: approved photos of a batch with their final render (or None), in two queries."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, Revision
from jewelreview.repairs.selectors import approved_finals, photo_revisions

pytestmark = pytest.mark.django_db


def _revision_with(photo, number, state):
    revision = Revision.objects.create(photo=photo, number=number, recipe={}, recipe_sha256="x")
    render = Render.objects.create(revision=revision, state=state)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    return render


def test_approved_finals(make_photo, django_assert_num_queries):
    rendered = make_photo(sku="B", status="approved", batch="one")
    render = _revision_with(rendered, 1, "done")
    unrendered = make_photo(sku="A", status="approved", batch="one")
    _revision_with(unrendered, 1, "failed")
    make_photo(sku="C", status="needs_review", batch="one")
    other = make_photo(sku="D", status="approved", batch="two")
    with django_assert_num_queries(2):
        finals = approved_finals(batch_id=rendered.batch_id)
    assert [(photo.pk, r.pk if r else None) for photo, r in finals] == [(unrendered.pk, None), (rendered.pk, render.pk)]
    assert [photo.pk for photo, _ in approved_finals()] == [unrendered.pk, rendered.pk, other.pk]


def test_photo_revisions_prefetch_renders_newest_first(make_photo, django_assert_num_queries):
    photo = make_photo()
    first = _revision_with(photo, 1, "failed")
    second = Render.objects.create(revision=first.revision, state="done")
    with django_assert_num_queries(2):
        revisions = list(photo_revisions(photo=photo))
        assert [r.pk for r in revisions[0].renders.all()] == [second.pk, first.pk]

