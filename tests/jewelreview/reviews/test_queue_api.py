"""POST /api/queue/next/: the queue's next photo over the API, its roles, its errors and its schema."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db

URL = "/api/queue/next/"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_reviewer_gets_a_photo_leased_to_them_with_its_review_page(users, make_photo):
    photo = make_photo(sku="RING-7", view="front")
    other = make_photo()
    answer = client_for(users.reviewer).post(URL, {}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["photo"]["id"] == photo.pk and body["photo"]["sku"] == "RING-7"
    assert body["photo"]["actions"] == ["approve", "flag"]
    assert body["review_url"] == f"/photos/{photo.pk}/review/"
    assert body["lease_until"] is not None and body["current"] is None
    assert body["waiting"] == 1  # the other photo
    leased = Photo.objects.get(pk=photo.pk)
    assert leased.review_holder_id == users.reviewer.pk
    assert Photo.objects.get(pk=other.pk).review_holder_id is None


def test_two_reviewers_get_different_photos_and_then_nothing(users, make_photo):
    a, b = make_photo(), make_photo()
    first = client_for(users.reviewer).post(URL, {}, format="json").json()
    second = client_for(users.manager).post(URL, {}, format="json").json()
    assert {first["photo"]["id"], second["photo"]["id"]} == {a.pk, b.pk}
    third = client_for(users.reviewer).post(URL, {"current": first["photo"]["id"]}, format="json").json()
    assert third["photo"] is None and third["review_url"] is None and third["waiting"] == 0
    assert third["current"] == {
        "photo": first["photo"]["id"],
        "holder": "rita",
        "until": third["current"]["until"],
        "held_by_you": True,
    }


def test_the_answer_says_who_holds_the_photo_on_screen(users, make_photo):
    photo = make_photo()
    client_for(users.reviewer).post(URL, {}, format="json")
    body = client_for(users.manager).post(URL, {"current": photo.pk}, format="json").json()
    assert body["current"]["holder"] == "rita" and body["current"]["held_by_you"] is False


def test_filters_and_skip_are_applied(users, make_photo):
    make_photo(batch="old", sku="A")
    seen = make_photo(batch="new", sku="B")
    wanted = make_photo(batch="new", sku="B")
    body = client_for(users.reviewer).post(
        URL, {"batch": wanted.batch_id, "sku": "B", "skip": [seen.pk]}, format="json"
    ).json()
    assert body["photo"]["id"] == wanted.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"skip": "1,2"}, "skip"), ({"batch": 0}, "batch"), ({"current": "x"}, "current"), ({"skip": [0]}, "skip")],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_leased(users, make_photo, payload, field):
    photo = make_photo()
    answer = client_for(users.reviewer).post(URL, payload, format="json")
    assert answer.status_code == 400
    assert field in str(answer.json()["details"])
    assert Photo.objects.get(pk=photo.pk).review_holder_id is None


@pytest.mark.parametrize(("role", "status"), [("retoucher", 403), ("nobody", 403), ("anonymous", 401)])
def test_only_reviewers_and_managers_may_ask(users, make_photo, role, status):
    photo = make_photo()
    user = None if role == "anonymous" else getattr(users, role)
    answer = client_for(user).post(URL, {}, format="json")
    assert answer.status_code == status
    if status == 403:
        assert answer.json()["code"] == "role_not_allowed"
    assert Photo.objects.get(pk=photo.pk).review_holder_id is None


def test_get_is_not_allowed(users):
    assert client_for(users.reviewer).get(URL).status_code == 405


def test_the_schema_documents_next(users):
    schema = client_for(users.reviewer).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/queue/next/"]["post"]
    assert operation["operationId"] == "queue_next"
    assert set(operation["responses"]) >= {"200", "400", "401", "403"}
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][request]["properties"]) == {"batch", "sku", "current", "skip"}
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][response]["properties"]) == {
        "photo",
        "lease_until",
        "review_url",
        "current",
        "waiting",
    }
    pyramid = next(
        p
        for p in schema["paths"]["/api/photos/{photo_id}/tiles/{pyramid}.dzi"]["get"]["parameters"]
        if p["name"] == "pyramid"
    )
    assert pyramid["schema"]["pattern"] == "^(original|cutout|r[1-9][0-9]*)$"


def test_renew_extends_the_callers_leases_and_names_them(users, make_photo):
    photo = make_photo()
    first = client_for(users.reviewer).post(URL, {}, format="json").json()
    assert first["photo"]["id"] == photo.pk
    answer = client_for(users.reviewer).post("/api/queue/renew/", {"photos": [photo.pk]}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["renewed"] == [photo.pk] and body["lease_until"] >= first["lease_until"]
    other = client_for(users.manager).post("/api/queue/renew/", {"photos": [photo.pk]}, format="json").json()
    assert other == {"renewed": [], "lease_until": None}  # nothing of the manager's lasts until any time
    assert Photo.objects.get(pk=photo.pk).review_holder_id == users.reviewer.pk


@pytest.mark.parametrize("photos", [[], [99999]])
def test_renewing_nothing_reports_no_lease(users, make_photo, photos):
    """QA L8: {"photos": []} and unknown ids answered a fresh lease_until although nothing was renewed."""
    make_photo()
    answer = client_for(users.reviewer).post("/api/queue/renew/", {"photos": photos}, format="json")
    assert answer.status_code == 200 and answer.json() == {"renewed": [], "lease_until": None}


def test_release_gives_back_the_callers_leases_and_names_them(users, make_photo):
    photo = make_photo()
    taken = client_for(users.reviewer).post(URL, {}, format="json").json()
    assert taken["photo"]["id"] == photo.pk
    lease = {"leases": [{"photo": photo.pk, "lease_until": taken["lease_until"]}]}
    other = client_for(users.manager).post("/api/queue/release/", lease, format="json")
    assert other.status_code == 200 and other.json() == {"released": []}
    assert Photo.objects.get(pk=photo.pk).review_holder_id == users.reviewer.pk
    renewed = client_for(users.reviewer).post("/api/queue/renew/", {"photos": [photo.pk]}, format="json").json()
    late = client_for(users.reviewer).post("/api/queue/release/", lease, format="json")  # names the lease renewed since
    assert late.status_code == 200 and late.json() == {"released": []}
    assert Photo.objects.get(pk=photo.pk).review_holder_id == users.reviewer.pk
    current = {"leases": [{"photo": photo.pk, "lease_until": renewed["lease_until"]}]}
    answer = client_for(users.reviewer).post("/api/queue/release/", current, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"released": [photo.pk]}
    assert Photo.objects.get(pk=photo.pk).review_holder_id is None


def test_release_from_the_review_page_needs_the_session_and_its_csrf_token(users, make_photo):
    """The page's keepalive fetch sends the session cookie and X-CSRFToken, as its other calls do."""
    photo = make_photo()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users.reviewer)
    assert client.get("/api/me/").status_code == 200  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    taken = client.post(URL, {}, format="json", HTTP_X_CSRFTOKEN=csrf).json()
    assert taken["photo"]["id"] == photo.pk
    lease = {"leases": [{"photo": photo.pk, "lease_until": taken["lease_until"]}]}
    refused = client.post("/api/queue/release/", lease, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert Photo.objects.get(pk=photo.pk).review_holder_id == users.reviewer.pk
    accepted = client.post("/api/queue/release/", lease, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.json() == {"released": [photo.pk]}
    assert APIClient().post("/api/queue/release/", lease, format="json").status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"leases": "1"},
        {"leases": [{"photo": 1}]},
        {"leases": [{"photo": 1, "lease_until": "soon"}]},
        {"leases": [{"photo": i, "lease_until": "2026-11-30T15:00:00Z"} for i in range(1, 12)]},
    ],
)
def test_release_refuses_bad_input_naming_leases(users, payload):
    answer = client_for(users.reviewer).post("/api/queue/release/", payload, format="json")
    assert answer.status_code == 400
    assert "leases" in str(answer.json()["details"])
