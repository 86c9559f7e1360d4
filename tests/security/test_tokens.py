"""API tokens are revocable: DELETE /api/auth/token/ ends the token at once, for every request."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def token_for(username: str) -> str:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": "pw"}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_revoked_token_stops_working_for_reads_and_writes(users, make_photo):
    photo = make_photo(status="needs_review")
    token = token_for("rita")
    script = client_with(token)
    assert script.get("/api/me/").status_code == 200

    assert script.delete("/api/auth/token/").status_code == 204

    for response in (script.get("/api/me/"), script.post(f"/api/photos/{photo.pk}/approve/", {}, format="json")):
        assert response.status_code == 401
        assert response.json()["message"] == "Invalid token."
    photo.refresh_from_db()
    assert photo.status == "needs_review"
    assert not Token.objects.filter(key=token).exists()


def test_revoking_ends_only_your_own_token(users):
    rita, tom = token_for("rita"), token_for("tom")
    assert client_with(rita).delete("/api/auth/token/").status_code == 204
    assert client_with(tom).get("/api/me/").json()["username"] == "tom"


def test_logging_in_again_after_revoking_gives_a_new_token(users):
    old = token_for("rita")
    client_with(old).delete("/api/auth/token/")
    new = token_for("rita")
    assert new != old
    assert client_with(new).get("/api/me/").status_code == 200
    assert client_with(old).get("/api/me/").status_code == 401


def test_revoking_twice_is_harmless_and_needs_sign_in(users):
    token = token_for("rita")
    assert client_with(token).delete("/api/auth/token/").status_code == 204
    assert client_with(token).delete("/api/auth/token/").status_code == 401
    assert APIClient().delete("/api/auth/token/").status_code == 401


def test_a_deactivated_users_token_stops_working(users):
    token = token_for("rita")
    users.reviewer.is_active = False
    users.reviewer.save(update_fields=["is_active"])
    assert client_with(token).get("/api/me/").status_code == 401
