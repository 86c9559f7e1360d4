"""Ids typed into URLs and forms: odd digits and overlong numbers are refused cleanly, never a 500."""

from __future__ import annotations

import pytest

from jewelreview.ids import parse_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42), ("0", 0), ("9" * 18, 10**18 - 1), ("9" * 19, None), ("²", None), ("٣", None), ("-1", None),
     (" 7", None), ("", None), (None, None), (7, None)],
)
def test_parse_id_takes_only_plain_ascii_digits(text, value):
    assert parse_id(text) == value


@pytest.mark.parametrize("odd", ["²", "٣", "9" * 40])
def test_odd_numbers_in_urls_and_forms_are_no_500(odd, api, browsers, make_photo, users):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    assert browsers.retoucher.get(f"/retouch/?submitted={odd}").status_code == 302
    listed = api.reviewer.get(f"/api/photos/?assignee={odd}")
    assert listed.status_code == 200 and listed.json()["count"] == 0
    bulk = browsers.manager.post("/dashboard/photos/", {"photo": f"{odd}:1", "action": "reopen"})
    assert bulk.status_code in (200, 302, 400)
    released = browsers.retoucher.post(f"/retouch/{photo.pk}/release/", {"version": odd})
    assert released.status_code == 302  # no version given: released without the optimistic check
    assigned = api.manager.post(f"/api/photos/{photo.pk}/assign/", {"assignee": odd}, format="json")
    assert assigned.status_code in (400, 404), assigned.json()
