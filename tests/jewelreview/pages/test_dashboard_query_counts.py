"""Fixed query counts: the grid, the dashboard, its photo list and the photo list API run the same
number of SQL queries for a small and a large page (no query per row)."""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.reviews.services import photo_approve, photo_claim, photo_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_catalogue(make_photo, users):
    """120 photos over 3 batches and 40 SKUs, with assignees, revisions, renders, flags and events."""
    photos = [make_photo(sku=f"SKU-{n % 40:02d}", view=f"v{n}", batch=f"batch-{n % 3}") for n in range(120)]
    for n, photo in enumerate(photos):
        if n % 4 == 0:
            photo_approve(photo=photo, actor=users.reviewer)
        elif n % 4 == 1:
            photo_flag(photo=photo, actor=users.reviewer, reason="halo", note="x", pins=[{"x": 2, "y": 3}])
            if n % 8 == 1:
                photo_claim(photo=photo, actor=users.retoucher)
                revision = Revision.objects.create(
                    photo=photo, number=1, author=users.retoucher, recipe={}, recipe_sha256="0" * 64
                )
                Render.objects.create(revision=revision, state=RenderState.DONE, final="f.png", preview="p.png")
                Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    return photos


def test_grid(browsers, busy_catalogue, django_assert_num_queries):
    browsers.manager.get("/grid/?status=")  # warm-up
    for size in (24, 96):
        # session, user, roles, batches (filter), count, page.
        with django_assert_num_queries(6):
            html = browsers.manager.get(f"/grid/?status=&page_size={size}").content.decode()
        assert len(re.findall(r'name="photo" value=', html)) == size


def test_dashboard(browsers, busy_catalogue, django_assert_num_queries):
    browsers.manager.get("/dashboard/")
    for size in (25, 100):
        # session, user, roles, batch names and progress, throughput, SKU count, page and names,
        # flags, totals, waiting.
        with django_assert_num_queries(12):
            html = browsers.manager.get(f"/dashboard/?page_size={size}").content.decode()
        assert len(re.findall(r'<tr data-sku=', html)) == min(size, 40)
    with django_assert_num_queries(12):
        browsers.manager.get(f"/dashboard/?batch={busy_catalogue[0].batch_id}&page_size=25")


def test_dashboard_photos(browsers, busy_catalogue, django_assert_num_queries):
    browsers.manager.get("/dashboard/photos/")
    for size in (25, 100):
        # session, user, roles, people, batches, count, page.
        with django_assert_num_queries(7):
            html = browsers.manager.get(f"/dashboard/photos/?page_size={size}").content.decode()
        assert len(re.findall(r'<tr data-photo-row=', html)) == size


def test_photo_list_api(users, busy_catalogue, django_assert_num_queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users.manager).key}")
    client.get("/api/photos/?page_size=1")
    for size in (10, 100):
        # token (with its user), roles, count, page.
        with django_assert_num_queries(4):
            body = client.get(f"/api/photos/?page_size={size}").json()
        assert len(body["results"]) == size
