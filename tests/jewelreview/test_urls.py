from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_front_page_sends_visitors_to_login(client):
    assert client.get("/").url == "/login/?next=/"


@pytest.mark.django_db
def test_healthz_is_public_and_says_nothing_of_the_database_error(client, monkeypatch):
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError('could not connect to server at "db.internal" (10.0.0.7), port 5432')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
    assert b"db.internal" not in response.content
