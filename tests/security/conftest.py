"""Security tests reuse the service fixtures of tests/jewelreview (users per role, photos, API clients).

Those live in conftest files that pytest only applies below their own folders; this one loads them
by path and re-exports their fixtures, so the security suite builds the same state the role-matrix
tests do (one definition of "a reviewer", "a photo in review", ...).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_service = _load("jewelreview/conftest.py", "security_service_fixtures")
_api = _load("jewelreview/api/conftest.py", "security_api_fixtures")

media_storage = _service.media_storage
images = _service.images
users = _service.users
make_photo = _service.make_photo
recipe = _service.recipe
fresh_throttles = _service.fresh_throttles
api = _service.api
user_of = _api.user_of
scenes = _api.scenes
token_client = _service.token_client
ROLES = _api.ROLES


@pytest.fixture
def session_clients(users):
    """Django test clients signed in per role (``session_clients["reviewer"]``), CSRF not enforced."""
    from django.test import Client

    clients = {"anonymous": Client()}
    for role in ("reviewer", "retoucher", "manager", "nobody"):
        client = Client()
        client.force_login(getattr(users, role))
        clients[role] = client
    return clients
