from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from jewelreview.accounts.roles import ROLE_ACTIONS, Action, Role, require, user_can, user_roles
from jewelreview.accounts.services import user_ensure, user_set_roles
from jewelreview.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


def test_the_migration_creates_exactly_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"reviewer", "retoucher", "manager"}
    assert {r.value for r in Role} == {"reviewer", "retoucher", "manager"}


def test_role_table():
    assert ROLE_ACTIONS[Role.REVIEWER] == {
        Action.PHOTO_VIEW,
        Action.PHOTO_APPROVE,
        Action.PHOTO_FLAG,
        Action.FLAG_RESOLVE,
        Action.PHOTO_AUTOFIX,
    }
    assert {Action.PHOTO_CLAIM, Action.REVISION_CREATE, Action.PHOTO_SUBMIT, Action.PHOTO_RELEASE} <= ROLE_ACTIONS[
        Role.RETOUCHER
    ]
    assert Action.PHOTO_APPROVE not in ROLE_ACTIONS[Role.RETOUCHER]
    assert ROLE_ACTIONS[Role.MANAGER] == set(Action)
    for manager_only in (
        Action.PHOTO_ASSIGN,
        Action.PHOTO_REOPEN,
        Action.PHOTO_RESHOOT,
        Action.EXPORT,
        Action.ADMIN,
        Action.BATCH_IMPORT,
        Action.BATCH_AUTOFIX,
    ):
        assert [r for r in Role if manager_only in ROLE_ACTIONS[r]] == [Role.MANAGER]


def test_user_roles_and_checks(users, django_user_model):
    assert user_roles(users.reviewer) == {Role.REVIEWER}
    assert user_can(users.retoucher, Action.PHOTO_CLAIM) and not user_can(users.retoucher, Action.EXPORT)
    with pytest.raises(NotAllowed) as caught:
        require(users.reviewer, Action.PHOTO_CLAIM)
    assert caught.value.message == "Your role (reviewer) may not claim photos for repair; only retouchers and managers may."
    # Who may, and who you are, each under its own name ("roles": ["reviewer"] read as who may).
    assert caught.value.details == {
        "action": "photo_claim",
        "allowed_roles": ["retoucher", "manager"],
        "your_roles": ["reviewer"],
    }
    with pytest.raises(NotAllowed) as caught:
        require(users.nobody, Action.PHOTO_VIEW)
    assert caught.value.message == "A user without a role may not view photos; only reviewers, retouchers and managers may."
    assert caught.value.details["your_roles"] == []
    boss = django_user_model.objects.create_superuser("root", password="pw")
    assert user_roles(boss) == {Role.MANAGER}
    inactive = django_user_model.objects.create_user("gone", is_active=False)
    user_set_roles(user=inactive, roles=["manager"])
    assert user_roles(inactive) == frozenset()


def test_set_roles_replaces_groups_and_managers_get_the_admin(users):
    user = user_set_roles(user=users.reviewer, roles=["manager"])
    assert set(user.groups.values_list("name", flat=True)) == {"manager"}
    assert user.is_staff and user_roles(user) == {Role.MANAGER}
    user = user_set_roles(user=user, roles=["retoucher"])
    assert not user.is_staff and user_roles(user) == {Role.RETOUCHER}
    with pytest.raises(InvalidInput, match="'boss' is not a valid Role"):
        user_set_roles(user=user, roles=["boss"])


def test_user_ensure_is_idempotent(db):
    first = user_ensure(username="demo", password="one", roles=["reviewer"])
    second = user_ensure(username="demo", password="two", roles=["reviewer"])
    assert first.pk == second.pk and second.check_password("two")


def test_admin_is_for_managers_only(client, users):
    client.force_login(users.manager)
    assert client.get("/admin/catalog/photo/").status_code == 200
    client.force_login(users.reviewer)
    assert client.get("/admin/catalog/photo/").status_code == 302  # not staff: sent to the login page
