from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_front_page_sends_visitors_to_login(client):
    assert client.get("/").url == "/login/?next=/"
