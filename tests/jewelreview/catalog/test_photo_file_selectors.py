"""Selectors the API serves files and lists with: file and tile names, finals, assignee filter."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.catalog.selectors import batch_get, photo_file_name, photo_get, photo_list, photo_tile_name
from jewelreview.errors import NotFound
from jewelreview.repairs.models import Render, Revision

pytestmark = pytest.mark.django_db


def test_photo_file_names_come_from_the_row(make_photo):
    photo = make_photo()
    assert photo_file_name(photo=photo, kind="original") == photo.original.name
    assert photo_file_name(photo=photo, kind="ai_mask") == photo.ai_mask.name
    with pytest.raises(NotFound, match="has no preview cutout yet") as caught:
        photo_file_name(photo=photo, kind="preview_cutout")
    assert caught.value.code == "file_not_ready"
    with pytest.raises(NotFound, match="Photos have no file 'original_sha256'"):
        photo_file_name(photo=photo, kind="original_sha256")


def test_tile_names_follow_the_deep_zoom_layout(make_photo):
    photo = make_photo()
    with pytest.raises(NotFound, match="no deep-zoom tiles yet"):
        photo_tile_name(photo=photo, pyramid="original")
    Photo.objects.filter(pk=photo.pk).update(tiles_original="photos/1/ab/original.dzi")
    photo.refresh_from_db()
    assert photo_tile_name(photo=photo, pyramid="original") == "photos/1/ab/original.dzi"
    assert photo_tile_name(photo=photo, pyramid="original", level=11, col=3, row=4, fmt="jpeg") == (
        "photos/1/ab/original_files/11/3_4.jpeg"
    )
    for bad in [{"fmt": "exe"}, {"fmt": "jpeg/../../x"}, {"fmt": "jpeg", "level": -1}]:
        with pytest.raises(NotFound):
            photo_tile_name(photo=photo, pyramid="original", **{"level": 0, **bad})
    with pytest.raises(NotFound):
        photo_tile_name(photo=photo, pyramid="../original")


def test_final_render_id_is_the_newest_done_render_of_the_current_revision(make_photo, users):
    photo = make_photo()
    assert photo_get(photo_id=photo.pk).final_render_id is None
    old = Revision.objects.create(photo=photo, number=1, recipe={}, recipe_sha256="x")
    done_old = Render.objects.create(revision=old, state="done")
    Photo.objects.filter(pk=photo.pk).update(current_revision=old)
    assert photo_get(photo_id=photo.pk).final_render_id == done_old.pk
    new = Revision.objects.create(photo=photo, number=2, recipe={}, recipe_sha256="y")
    Render.objects.create(revision=new, state="failed")
    Photo.objects.filter(pk=photo.pk).update(current_revision=new)
    assert photo_get(photo_id=photo.pk).final_render_id is None  # the old final is not the current one
    retried = Render.objects.create(revision=new, state="done")
    assert [p.final_render_id for p in photo_list()] == [retried.pk]


def test_photo_list_assignee_by_username_or_id(make_photo, users):
    mine = make_photo(assignee=users.retoucher)
    make_photo(assignee=users.retoucher2)
    make_photo()
    assert [p.pk for p in photo_list(assignee="tom")] == [mine.pk]
    assert [p.pk for p in photo_list(assignee=str(users.retoucher.pk))] == [mine.pk]
    assert list(photo_list(assignee="nobody-here")) == []


def test_batch_get(make_photo):
    photo = make_photo(batch="spring")
    assert batch_get(batch_id=photo.batch_id).name == "spring"
    with pytest.raises(NotFound, match="Batch 999 does not exist.") as caught:
        batch_get(batch_id=999)
    assert caught.value.details == {"field": "batch"}
