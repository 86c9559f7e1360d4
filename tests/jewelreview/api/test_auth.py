"""Authentication: API tokens (create, use, revoke, throttled), 401 vs 403, CSRF on session writes."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_create_use_and_revoke(users):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "rita", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=users.reviewer).key == token
    # The same token again (scripts on several machines share it until it is revoked).
    assert client.post("/api/auth/token/", {"username": "rita", "password": "pw"}, format="json").json() == {
        "token": token
    }

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/").json()
    assert me["username"] == "rita" and me["roles"] == ["reviewer"] and "photo_approve" in me["permissions"]

    assert client.delete("/api/auth/token/").status_code == 204
    assert not Token.objects.filter(user=users.reviewer).exists()
    refused = client.get("/api/me/")
    assert refused.status_code == 401
    assert refused.json() == {"code": "authentication_failed", "message": "Invalid token.", "details": {}}


@pytest.mark.parametrize(
    "body",
    [
        {"username": "rita", "password": "wrong"},
        {"username": "nobody-at-all", "password": "pw"},
    ],
)
def test_wrong_credentials_are_400_without_saying_which_part(users, body):
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "Unable to log in with this username and password."
    assert not Token.objects.exists()


def test_inactive_users_get_no_token(users):
    users.reviewer.is_active = False
    users.reviewer.save()
    response = APIClient().post("/api/auth/token/", {"username": "rita", "password": "pw"}, format="json")
    assert response.status_code == 400 and not Token.objects.exists()


def test_missing_fields_name_the_field(users):
    response = APIClient().post("/api/auth/token/", {"username": "rita"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "password: This field is required."
    assert body["details"]["field"] == "password"


def test_login_attempts_are_throttled(users, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "3/minute"}}
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "rita", "password": "guess"}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    response = client.post("/api/auth/token/", {"username": "rita", "password": "pw"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < response.json()["details"]["wait_seconds"] <= 60
    assert int(response["Retry-After"]) > 0


def test_a_forged_forwarded_for_header_does_not_reset_the_count(users, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "2/minute"}}
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "rita", "password": "guess"}, format="json",
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert codes == [400, 400, 429]


def test_login_throttle_has_a_default_rate(users):
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "rita", "password": "guess"}, format="json").status_code
        for _ in range(11)
    ]
    assert codes == [400] * 10 + [429]


def test_no_credentials_is_401_with_a_challenge(db):
    response = APIClient().get("/api/photos/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "details": {},
    }


def test_a_stale_session_cookie_does_not_block_logging_in(users):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users.reviewer)
    response = client.post("/api/auth/token/", {"username": "tom", "password": "pw"}, format="json")
    assert response.status_code == 200


def test_session_writes_need_the_csrf_token(users, make_photo):
    photo = make_photo(status="needs_review")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users.reviewer)

    refused = client.post(f"/api/photos/{photo.pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    photo.refresh_from_db()
    assert photo.status == "needs_review"

    # Reads need no token; /api/me/ also sets the csrftoken cookie.
    assert client.get("/api/me/").status_code == 200
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(f"/api/photos/{photo.pk}/approve/", {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200 and accepted.json()["status"] == "approved"


def test_token_requests_need_no_csrf_token(users, make_photo):
    photo = make_photo(status="needs_review")
    token = Token.objects.create(user=users.reviewer)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(f"/api/photos/{photo.pk}/approve/", {}, format="json").status_code == 200
