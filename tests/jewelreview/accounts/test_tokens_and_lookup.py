"""API tokens (create once, reuse, revoke) and looking users up by name or id."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from jewelreview.accounts.selectors import user_by_reference
from jewelreview.accounts.services import auth_token_create, auth_token_revoke
from jewelreview.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_token_is_created_once_and_revoked(users):
    key = auth_token_create(username="tom", password="pw")
    assert auth_token_create(username="tom", password="pw") == key
    assert Token.objects.get(user=users.retoucher).key == key
    assert auth_token_revoke(user=users.retoucher) is True
    assert auth_token_revoke(user=users.retoucher) is False
    assert not Token.objects.exists()


@pytest.mark.parametrize(("username", "password"), [("tom", "nope"), ("ghost", "pw"), ("", "")])
def test_bad_credentials_create_nothing(users, username, password):
    with pytest.raises(InvalidInput, match="Unable to log in with this username and password.") as caught:
        auth_token_create(username=username, password=password)
    assert caught.value.code == "invalid_credentials"
    assert not Token.objects.exists()


def test_user_by_reference(users, django_user_model):
    assert user_by_reference(reference="tom") == users.retoucher
    assert user_by_reference(reference=str(users.manager.pk)) == users.manager
    assert user_by_reference(reference=users.manager.pk) == users.manager
    numeric = django_user_model.objects.create_user(username=str(users.reviewer.pk), password="pw")
    assert user_by_reference(reference=str(users.reviewer.pk)) == numeric  # a username wins over an id
    with pytest.raises(NotFound, match="No active user named 'ghost'"):
        user_by_reference(reference="ghost")
    with pytest.raises(NotFound, match="No active user named or numbered '987654'"):
        user_by_reference(reference="987654")
    users.retoucher.is_active = False
    users.retoucher.save()
    with pytest.raises(NotFound):
        user_by_reference(reference=str(users.retoucher.pk))
