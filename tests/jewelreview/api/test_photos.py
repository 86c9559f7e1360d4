"""Batches, SKUs and photos: filters, ordering, pagination, a fixed number of queries, file URLs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.serializers import PHOTO_ORDERINGS as ORDERINGS

STATUSES = "new, needs_review, approved, flagged, in_repair, reopened, reshoot"

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(make_photo, users):
    """Five photos over two SKUs and two batches, with risks and an assignee."""
    photos = [
        make_photo(sku="RING-1", view="front", batch="spring", status="needs_review"),
        make_photo(sku="RING-1", view="side", batch="spring", status="approved"),
        make_photo(sku="RING-2", view="front", batch="spring", status="flagged"),
        make_photo(sku="RING-2", view="side", batch="summer", status="in_repair", assignee=users.retoucher),
        make_photo(sku="RING-2", view="top", batch="summer", status="approved"),
    ]
    for photo, risk in zip(photos, [0.9, 0.1, 0.5, None, 0.7], strict=True):
        Photo.objects.filter(pk=photo.pk).update(risk=risk)
    return photos


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_photo_list_filters(api, catalog, users):
    a, b, c, d, e = (p.pk for p in catalog)
    get = api.reviewer.get
    assert ids(get("/api/photos/")) == [a, b, c, d, e]  # default order: SKU, view
    assert ids(get("/api/photos/?status=approved")) == [b, e]
    assert ids(get("/api/photos/?sku=RING-2")) == [c, d, e]
    batch = catalog[3].batch_id
    assert ids(get(f"/api/photos/?batch={batch}")) == [d, e]
    assert ids(get("/api/photos/?assignee=tom")) == [d]
    assert ids(get(f"/api/photos/?assignee={users.retoucher.pk}")) == [d]
    assert ids(get("/api/photos/?assignee=mona")) == []
    assert ids(get("/api/photos/?risk_min=0.5")) == [a, c, e]
    assert ids(get("/api/photos/?sku=RING-2&status=approved")) == [e]


def test_a_repeated_status_filter_means_any_of_them(api, catalog):
    """It took only the last one: ?status=flagged&status=approved listed the approved photos alone."""
    a, b, c, d, e = (p.pk for p in catalog)
    get = api.reviewer.get
    assert ids(get("/api/photos/?status=flagged&status=approved")) == [b, c, e]
    assert ids(get("/api/photos/?status=approved&status=approved")) == [b, e]
    assert ids(get("/api/photos/?status=flagged&status=approved&sku=RING-2")) == [c, e]
    assert ids(get("/api/photos/?status=&status=flagged")) == [c]  # a blank one is not given, as before
    assert ids(get("/api/photos/?status=")) == [a, b, c, d, e]
    page = get("/api/photos/?status=flagged&status=approved&page_size=2").json()
    assert page["next"].endswith("/api/photos/?page=2&page_size=2&status=flagged&status=approved")
    refused = get("/api/photos/?status=flagged&status=lost")
    assert refused.status_code == 400
    assert refused.json()["message"] == f'status: "lost" is not a valid choice; choose one of: {STATUSES}.'
    assert refused.json()["details"]["field"] == "status"
    assert refused.json()["details"]["choices"] == STATUSES.split(", ")


@pytest.mark.parametrize("query", ["sku=RING-1&sku=RING-2", "batch=1&batch=2", "ordering=risk&ordering=-risk"])
def test_a_single_valued_filter_given_twice_is_400_not_its_last_value(api, catalog, query):
    name = query.split("=", 1)[0]
    response = api.reviewer.get(f"/api/photos/?{query}")
    assert response.status_code == 400
    message = f"Give {name} once: it takes one value, and 2 were given."
    assert response.json() == {
        "code": "invalid_input",
        "message": f"{name}: {message}",
        "details": {"field": name, "fields": {name: [message]}},
    }


def test_photo_list_ordering(api, catalog):
    a, b, c, d, e = (p.pk for p in catalog)
    get = api.reviewer.get
    assert ids(get("/api/photos/?ordering=-risk")) == [a, e, c, b, d]  # unscored last
    assert ids(get("/api/photos/?ordering=risk")) == [b, c, e, a, d]
    assert ids(get("/api/photos/?ordering=-created")) == [e, d, c, b, a]
    # equal risks: by the share of the photo the regions cover, the same way round
    Photo.objects.filter(pk=c).update(risk=0.9, damage_extent=0.5)
    Photo.objects.filter(pk=a).update(damage_extent=0.1)
    assert ids(get("/api/photos/?ordering=-risk")) == [c, a, e, b, d]
    assert ids(get("/api/photos/?ordering=risk")) == [b, e, a, c, d]
    assert get(f"/api/photos/{c}/").json()["damage_extent"] == 0.5
    # risks are compared as the pages show them (2 decimals): 0.896 reads 0.90, and goes on to the extent
    Photo.objects.filter(pk=a).update(risk=0.896, damage_extent=0.6)
    assert get(f"/api/photos/{a}/").json()["risk"] == 0.896
    assert ids(get("/api/photos/?ordering=-risk")) == [a, c, e, b, d]
    assert ids(get("/api/photos/?ordering=risk")) == [b, e, c, a, d]
    assert ids(get("/api/photos/?ordering=status")) == [b, e, c, d, a]
    assert ids(get("/api/photos/?ordering=-sku"))[:3] == [c, d, e]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=lost", "status", f'"lost" is not a valid choice; choose one of: {STATUSES}.'),
        ("batch=abc", "batch", "A valid integer is required."),
        ("risk_min=2", "risk_min", "Ensure this value is less than or equal to 1."),
        ("risk_min=nan", "risk_min", "A valid number is required."),
        (
            "ordering=password",
            "ordering",
            '"password" is not a valid choice; choose one of: created, -created, risk, -risk, status, -status, '
            "sku, -sku, id, -id.",
        ),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api, catalog, query, field, message):
    response = api.reviewer.get(f"/api/photos/?{query}")
    assert response.status_code == 400
    body = response.json()
    choices = {"status": [s.value for s in PhotoStatus], "ordering": [o for k in ORDERINGS for o in (k, f"-{k}")]}
    assert body == {
        "code": "invalid_input",
        "message": f"{field}: {message}",
        "details": {"field": field, "fields": {field: [message]}} | (
            {"choices": choices[field]} if field in choices else {}
        ),
    }


def test_pagination_shape_and_page_size(api, catalog):
    first = api.reviewer.get("/api/photos/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].endswith("/api/photos/?page=2&page_size=2")
    last = api.reviewer.get("/api/photos/?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    missing = api.reviewer.get("/api/photos/?page=9")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "There is no page 9: the list ends before it.",
        "details": {},
    }
    assert api.reviewer.get("/api/photos/?page_size=2&page=").json()["results"] == first["results"]  # blank: page 1
    nothing = api.reviewer.get("/api/photos/?status=reshoot&page=1").json()
    assert nothing["count"] == 0 and nothing["results"] == []  # page 1 always exists


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "A valid integer is required."),
        ("2.5", "A valid integer is required."),
        ("last", "A valid integer is required."),  # DRF's alias for the last page; the schema says integer
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-1", "Ensure this value is greater than or equal to 1."),
    ],
)
@pytest.mark.parametrize("path", ["/api/photos/", "/api/skus/", "/api/batches/"])
def test_a_page_that_is_no_whole_number_from_1_is_400_as_page_size_is(api, catalog, path, value, message):
    """DRF answered these 404 "Invalid page.", as if the request were right and the page missing."""
    response = api.reviewer.get(f"{path}?page={value}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": f"page: {message}",
        "details": {"field": "page", "fields": {"page": [message]}},
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "A valid integer is required."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-3", "Ensure this value is greater than or equal to 1."),
        ("501", "Ensure this value is less than or equal to 500."),
        ("2.5", "A valid integer is required."),
        ("10&page_size=20", "Give page_size once: it takes one value, and 2 were given."),
    ],
)
@pytest.mark.parametrize("path", ["/api/photos/", "/api/skus/", "/api/batches/"])
def test_a_page_size_out_of_bounds_is_400_not_another_page_size(api, catalog, path, value, message):
    """DRF gave 50 rows for abc, 0 and -3 and 500 for 501, saying nothing."""
    response = api.reviewer.get(f"{path}?page_size={value}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": f"page_size: {message}",
        "details": {"field": "page_size", "fields": {"page_size": [message]}},
    }


def test_a_page_given_twice_is_400(api, catalog):
    response = api.reviewer.get("/api/photos/?page_size=2&page=1&page=2")
    assert response.status_code == 400
    assert response.json()["message"] == "page: Give page once: it takes one value, and 2 were given."


def test_page_size_at_its_bounds_and_blank(api, catalog):
    assert len(api.reviewer.get("/api/photos/?page_size=1").json()["results"]) == 1
    assert len(api.reviewer.get("/api/photos/?page_size=500").json()["results"]) == 5
    assert len(api.reviewer.get("/api/photos/?page_size=").json()["results"]) == 5  # blank: the default


def test_photo_list_runs_a_fixed_number_of_queries(api, make_photo, users, scenes):
    """The same number of queries for a page of 5 and of 50 (with assignees, revisions and finals)."""
    for n in range(50):
        photo = make_photo(
            sku=f"S-{n % 7}", status="in_repair", assignee=users.retoucher if n % 2 else users.retoucher2
        )
        if n % 3 == 0:
            scenes.done_render(photo, users.manager)
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = api.manager.get(f"/api/photos/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50], counts
    assert counts[50] <= 5  # token + user, roles, count, page


def test_query_count_with_pytest_django_fixture(api, make_photo, users, django_assert_num_queries):
    for n in range(50):
        make_photo(sku=f"Q-{n}", assignee=users.retoucher)
    api.manager.get("/api/photos/?page_size=1")  # warm-up: content types, etc.
    for size in (5, 50):
        # 1 token (with its user), 1 roles, 1 count, 1 page.
        with django_assert_num_queries(4):
            assert len(api.manager.get(f"/api/photos/?page_size={size}").json()["results"]) == size


def test_photo_detail_fields_and_urls(api, make_photo, users, scenes):
    photo = make_photo(sku="RING-9", view="front", status="in_repair", assignee=users.retoucher)
    render = scenes.done_render(photo, users.retoucher)
    scenes.with_tiles(photo)
    body = api.retoucher.get(f"/api/photos/{photo.pk}/").json()
    base = f"http://testserver/api/photos/{photo.pk}"
    assert body["id"] == photo.pk and body["sku"] == "RING-9" and body["view"] == "front"
    assert (body["status"], body["assignee"], body["width"], body["height"]) == ("in_repair", "tom", 64, 48)
    assert body["current_revision"] == render.revision_id and body["current_revision_number"] == 1
    assert body["version"] == 1 and body["risk"] is None and body["damage_extent"] is None
    assert body["actions"] == ["release", "submit"]
    assert body["original_url"] == f"{base}/files/original"
    assert body["ai_mask_url"] == f"{base}/files/ai_mask"
    assert body["preview_url"] == f"{base}/files/preview_original"
    assert body["preview_cutout_url"] == f"{base}/files/preview_cutout"
    assert body["tiles_url"] == f"{base}/tiles/original.dzi"
    assert body["tiles_cutout_url"] == f"{base}/tiles/cutout.dzi"
    assert body["final_url"] == f"{base}/final.png"


def test_urls_are_null_until_files_exist(api, make_photo):
    body = api.reviewer.get(f"/api/photos/{make_photo().pk}/").json()
    assert [body[k] for k in ("preview_url", "preview_cutout_url", "tiles_url", "tiles_cutout_url", "final_url")] == [
        None
    ] * 5
    assert body["actions"] == ["approve", "flag"]


def test_unknown_photo_is_404(api):
    response = api.reviewer.get("/api/photos/987654/")
    assert response.status_code == 404
    assert response.json() == {"code": "photo_not_found", "message": "Photo 987654 does not exist.", "details": {}}
    assert api.reviewer.get("/api/photos/99999999999999999999999/").status_code == 404  # beyond bigint


def test_files_are_streamed_from_storage(api, make_photo, scenes):
    from django.core.files.storage import default_storage

    photo = scenes.with_tiles(make_photo(sku="R", view="front"))
    original = api.reviewer.get(f"/api/photos/{photo.pk}/files/original")
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    assert b"".join(original.streaming_content) == default_storage.open(photo.original.name).read()
    assert "private" in original["Cache-Control"]
    mask = api.reviewer.get(f"/api/photos/{photo.pk}/files/ai_mask")
    assert mask["Content-Type"] == "image/png" and b"".join(mask.streaming_content).startswith(b"\x89PNG")
    preview = api.reviewer.get(f"/api/photos/{photo.pk}/files/preview_original")
    assert preview["Content-Type"] == "image/webp" and b"".join(preview.streaming_content) == b"RIFF-original-WEBP"
    dzi = api.reviewer.get(f"/api/photos/{photo.pk}/tiles/original.dzi")
    assert dzi["Content-Type"] == "application/xml" and b"".join(dzi.streaming_content) == b"<Image Format='jpeg'/>"
    tile = api.reviewer.get(f"/api/photos/{photo.pk}/tiles/original_files/0/0_0.jpeg")
    assert tile["Content-Type"] == "image/jpeg" and b"".join(tile.streaming_content) == b"\xff\xd8tile-jpeg"


def test_downloads_are_named_with_the_stored_files_extension(api, make_photo, scenes):
    """QA L8: "RNG-100_front_original" without .jpg, so a saved download did not open as a photo."""
    photo = scenes.with_tiles(make_photo(sku="R", view="front"))
    expected = {"original": "R_front_original.jpg", "ai_mask": "R_front_ai_mask.png"}
    expected["preview_cutout"] = "R_front_preview_cutout.webp"
    for kind, filename in expected.items():
        response = api.reviewer.get(f"/api/photos/{photo.pk}/files/{kind}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'inline; filename="{filename}"'


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("files/secret", "file_not_found"),
        ("files/..%2F..%2Fsettings.py", "no_such_endpoint"),
        ("tiles/original_files/0/9_9.jpeg", "file_missing"),
        ("tiles/original_files/0/0_0.exe", "file_not_found"),
        ("tiles/other.dzi", "file_not_found"),
        ("tiles/..%2Foriginal_files/0/0_0.jpeg", "no_such_endpoint"),
    ],
)
def test_file_requests_cannot_reach_other_files(api, make_photo, scenes, path, code):
    photo = scenes.with_tiles(make_photo())
    response = api.reviewer.get(f"/api/photos/{photo.pk}/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == code


def test_files_not_made_yet_say_so(api, make_photo):
    photo = make_photo()
    response = api.reviewer.get(f"/api/photos/{photo.pk}/files/preview_cutout")
    assert response.status_code == 404
    assert response.json()["code"] == "file_not_ready"
    assert "previews are still being made" in response.json()["message"]
    assert api.reviewer.get(f"/api/photos/{photo.pk}/tiles/cutout.dzi").json()["code"] == "file_not_ready"


def test_final_png_of_the_current_revision(api, make_photo, users, scenes):
    from django.core.files.storage import default_storage

    photo = make_photo(sku="RING-5", view="front", status="in_repair", assignee=users.retoucher)
    missing = api.reviewer.get(f"/api/photos/{photo.pk}/final.png")
    assert missing.status_code == 404
    assert missing.json()["message"] == f"Photo {photo.pk} has no revision, so nothing has been rendered for it."

    failed = scenes.failed_render(photo, users.retoucher)
    body = api.reviewer.get(f"/api/photos/{photo.pk}/final.png").json()
    assert body["code"] == "final_not_rendered"
    assert body["message"] == f"The final PNG of photo {photo.pk} (revision 1) is not rendered yet (render failed)."
    assert body["details"] == {
        "current_revision": failed.revision_id,
        "render": failed.pk,
        "render_state": "failed",
        "error": "core: out of memory",
    }

    done = scenes.done_render(photo, users.retoucher)
    response = api.reviewer.get(f"/api/photos/{photo.pk}/final.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert 'filename="RING-5_front.png"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-cache"
    assert b"".join(response.streaming_content) == default_storage.open(done.final.name).read()


def test_batches_and_skus_with_counts(api, catalog):
    batches = api.reviewer.get("/api/batches/").json()
    assert batches["count"] == 2
    by_name = {b["name"]: b for b in batches["results"]}
    assert by_name["spring"]["photo_count"] == 3
    assert by_name["spring"]["counts"]["approved"] == 1 and by_name["spring"]["counts"]["flagged"] == 1
    assert set(by_name["summer"]["counts"]) == {
        "new",
        "needs_review",
        "approved",
        "flagged",
        "in_repair",
        "reopened",
        "reshoot",
    }

    skus = api.reviewer.get("/api/skus/").json()["results"]
    assert [(s["code"], s["status"], s["photo_count"]) for s in skus] == [
        ("RING-1", "in_review", 2),
        ("RING-2", "needs_repair", 3),
    ]
    assert skus[1]["counts"]["in_repair"] == 1
    summer = by_name["summer"]["id"]
    assert [s["code"] for s in api.reviewer.get(f"/api/skus/?batch={summer}").json()["results"]] == ["RING-2"]
    assert api.reviewer.get("/api/skus/?status=needs_repair").json()["count"] == 1
    both = api.reviewer.get("/api/skus/?status=needs_repair&status=in_review").json()["results"]
    assert [s["code"] for s in both] == ["RING-1", "RING-2"]
    assert api.reviewer.get("/api/skus/?status=done&status=needs_repair").json()["count"] == 1
    assert api.reviewer.get(f"/api/skus/?batch={summer}&batch={summer}").status_code == 400


@pytest.mark.parametrize(
    ("tile", "message", "details"),
    [
        (
            "original_files/99/0_0.jpeg",
            "No such tile: pyramid original of photo {pk} has levels 0..10, not 99.",
            {"pyramid": "original", "levels": [0, 10], "level": 99},
        ),
        (
            "cutout_files/10/3_0.png",
            "No such tile: level 10 of pyramid cutout of photo {pk} has columns 0..2 and rows 0..1, not 3_0.",
            {"pyramid": "cutout", "levels": [0, 10], "level": 10, "columns": [0, 2], "rows": [0, 1]},
        ),
        (
            "original_files/9/0_1.jpeg",
            "No such tile: level 9 of pyramid original of photo {pk} has columns 0..1 and rows 0..0, not 0_1.",
            {"pyramid": "original", "levels": [0, 10], "level": 9, "columns": [0, 1], "rows": [0, 0]},
        ),
        (
            "original_files/0/0_0.png",
            "No such tile: the tiles of pyramid original of photo {pk} are .jpeg files, not .png.",
            {"pyramid": "original", "levels": [0, 10], "format": "jpeg"},
        ),
    ],
)
def test_a_tile_outside_its_pyramid_is_no_such_tile_naming_the_valid_ones(api, make_photo, tile, message, details):
    """QA L7: these answered 404 file_missing "The file is missing from storage.", which reads like lost data."""
    from jewelreview.catalog.tasks import photo_prepare

    photo = make_photo(status="new", width=600, height=300)  # levels 0..10; level 10 is 3 x 2 tiles of 254
    photo_prepare.call(photo_id=photo.pk)
    response = api.reviewer.get(f"/api/photos/{photo.pk}/tiles/{tile}")
    assert response.status_code == 404
    assert response.json() == {"code": "tile_not_found", "message": message.format(pk=photo.pk), "details": details}


def test_a_tile_of_the_pyramid_gone_from_storage_is_still_file_missing(api, make_photo):
    from django.core.files.storage import default_storage

    from jewelreview.catalog.tasks import photo_prepare

    photo = make_photo(status="new", width=600, height=300)
    photo_prepare.call(photo_id=photo.pk)
    photo.refresh_from_db()
    assert api.reviewer.get(f"/api/photos/{photo.pk}/tiles/original_files/10/2_1.jpeg").status_code == 200
    default_storage.delete(photo.tiles_original.name.removesuffix(".dzi") + "_files/10/2_1.jpeg")
    response = api.reviewer.get(f"/api/photos/{photo.pk}/tiles/original_files/10/2_1.jpeg")
    assert response.status_code == 404 and response.json()["code"] == "file_missing"
