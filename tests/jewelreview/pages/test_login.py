"""/login/ and /logout/: Django's auth views with our template and a failed-attempt limit."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from jewelreview.pages.login_attempts import MAX_FAILED_LOGINS

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_login_page_has_labelled_fields_and_a_csrf_token(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="#main"' in html  # the skip link


def test_login_success_goes_to_the_role_start_page(client, users):
    response = sign_in(client, "mona", "pw")
    assert response.status_code == 302 and response.url == "/"
    assert int(client.session[SESSION_KEY]) == users.manager.pk
    assert client.get("/").url == "/dashboard/"


def test_login_honours_a_safe_next_and_ignores_an_outside_one(client, users):
    assert client.post("/login/?next=/home/", {"username": "rita", "password": "pw"}).url == "/home/"
    other = Client()
    response = other.post("/login/?next=https://evil.example/", {"username": "rita", "password": "pw"})
    assert response.url == "/"


def test_login_failure_says_so_and_signs_nobody_in(client, users):
    response = sign_in(client, "mona", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_too_many_failures_lock_that_username_from_that_address(client, users):
    for _ in range(MAX_FAILED_LOGINS):
        assert sign_in(client, "mona", "wrong").status_code == 200

    locked = sign_in(client, "mona", "pw")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts for this username from your address" in locked.content.decode()
    assert "Wait 15 minutes" in locked.content.decode()
    assert SESSION_KEY not in client.session

    # Another address, or another username from this address, is not locked out.
    assert sign_in(Client(), "mona", "pw", REMOTE_ADDR="10.0.0.9").status_code == 302
    assert sign_in(Client(), "rita", "pw").status_code == 302


def test_a_successful_sign_in_clears_the_failure_count(client, users):
    for _ in range(MAX_FAILED_LOGINS - 1):
        sign_in(client, "mona", "wrong")
    assert sign_in(client, "mona", "pw").status_code == 302
    client.post("/logout/")
    for _ in range(MAX_FAILED_LOGINS - 1):
        sign_in(client, "mona", "wrong")
    assert sign_in(client, "mona", "pw").status_code == 302


def test_the_username_is_counted_without_regard_to_case(client, users):
    for index in range(MAX_FAILED_LOGINS):
        sign_in(client, "MONA" if index % 2 else "mona", "wrong")
    assert sign_in(client, "mona", "pw").status_code == 429


def test_signed_in_user_visiting_login_is_sent_on(users):
    client = Client()
    client.force_login(users.reviewer)
    assert client.get("/login/").url == "/"


def test_logout_signs_out_and_says_so(users):
    client = Client()
    client.force_login(users.manager)
    response = client.post("/logout/")
    assert response.status_code == 302 and response.url == "/login/"
    assert SESSION_KEY not in client.session
    assert "You have signed out." in client.get("/login/").content.decode()
    assert client.get("/uploads/").status_code == 302  # back to the login page


def test_logout_needs_post(users):
    client = Client()
    client.force_login(users.manager)
    assert client.get("/logout/").status_code == 405
    assert SESSION_KEY in client.session


def test_logout_is_csrf_protected(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.manager)
    assert client.post("/logout/").status_code == 403
    assert SESSION_KEY in client.session
