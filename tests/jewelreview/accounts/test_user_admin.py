"""The users admin: managers set roles (is_staff follows), never touch superusers, deactivate not delete."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from jewelreview.accounts.roles import user_roles

pytestmark = pytest.mark.django_db


def test_managers_create_users_with_roles(client, users):
    client.force_login(users.manager)
    response = client.post("/admin/auth/user/add/", {
        "username": "newbie", "usable_password": "true", "password1": "a-long-pass-phrase-1",
        "password2": "a-long-pass-phrase-1", "roles": ["retoucher"],
    })
    assert response.status_code == 302, response.content[:2000]
    newbie = User.objects.get(username="newbie")
    assert user_roles(newbie) == {"retoucher"} and not newbie.is_staff


def test_managers_change_roles_and_staff_follows(client, users):
    client.force_login(users.manager)
    page = client.get(f"/admin/auth/user/{users.reviewer.pk}/change/")
    assert page.status_code == 200
    assert b'name="roles"' in page.content and b"is_superuser" not in page.content
    response = client.post(f"/admin/auth/user/{users.reviewer.pk}/change/", {
        "username": "rita", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "roles": ["manager", "reviewer"],
    })
    assert response.status_code == 302, response.content[:2000]
    rita = User.objects.get(pk=users.reviewer.pk)
    assert user_roles(rita) == {"manager", "reviewer"} and rita.is_staff


def test_managers_never_see_superusers_nor_delete(client, users, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(users.manager)
    listing = client.get("/admin/auth/user/")
    assert listing.status_code == 200 and b"root" not in listing.content and b"tom" in listing.content
    assert client.get(f"/admin/auth/user/{root.pk}/change/").status_code in (302, 403, 404)
    assert client.post(f"/admin/auth/user/{users.retoucher.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=users.retoucher.pk).exists()


def test_other_roles_have_no_admin(client, users):
    client.force_login(users.retoucher)
    assert client.get("/admin/auth/user/").status_code == 302  # not staff: to the login page
