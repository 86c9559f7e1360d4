"""Editor fixtures: token API clients per role, and the per-process cache of decoded photos emptied."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_caches():
    """Throttles live in the cache; decoded photos in the editor's per-process cache. Both start empty."""
    from jewelreview.editor.inputs import inputs_forget

    cache.clear()
    inputs_forget()
    yield
    cache.clear()
    inputs_forget()


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(users):
    return SimpleNamespace(
        anonymous=token_client(None),
        reviewer=token_client(users.reviewer),
        retoucher=token_client(users.retoucher),
        retoucher2=token_client(users.retoucher2),
        manager=token_client(users.manager),
        nobody=token_client(users.nobody),
    )


@pytest.fixture
def claimed(users, make_photo):
    """A 64 x 48 photo in repair, held by tom (the retoucher)."""
    return make_photo(status="in_repair", assignee=users.retoucher)
