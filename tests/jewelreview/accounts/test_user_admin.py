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


# --- an account that stops working hands its photos back ------------------------------------------


def _claimed(make_photo, users, **kwargs):
    """A photo tom holds in repair for an open flag (released, it is flagged again)."""
    from jewelreview.reviews.models import Flag

    photo = make_photo(status="in_repair", assignee=users.retoucher, **kwargs)
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    return photo


def _change_form(user, **fields):
    return {"username": user.username, "first_name": "", "last_name": "", "email": "", **fields}


def test_deactivating_a_retoucher_releases_their_claims_and_assignments(client, users, make_photo):
    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.models import Event

    claimed = _claimed(make_photo, users)
    waiting = make_photo(status="flagged", assignee=users.retoucher)
    others = make_photo(status="flagged", assignee=users.retoucher2)
    client.force_login(users.manager)
    response = client.post(f"/admin/auth/user/{users.retoucher.pk}/change/", _change_form(users.retoucher, roles=["retoucher"]))
    assert response.status_code == 302, response.content[:2000]
    claimed, waiting, others = (Photo.objects.get(pk=p.pk) for p in (claimed, waiting, others))
    assert (claimed.status, claimed.assignee_id) == ("flagged", None)
    assert (waiting.status, waiting.assignee_id) == ("flagged", None)
    assert others.assignee_id == users.retoucher2.pk
    release = Event.objects.get(photo=claimed, action="release")
    assert release.actor_id == users.manager.pk and release.note == "tom's account is deactivated."
    assert release.data["previous_assignee"] == "tom"
    assert Event.objects.get(photo=waiting, action="assign").data == {"assignee": None, "previous_assignee": "tom"}
    messages = [m.message for m in response.wsgi_request._messages]
    names = f"{claimed.sku.code} · {claimed.view} (photo {claimed.pk}), {waiting.sku.code} · {waiting.view} (photo {waiting.pk})"
    assert f"2 photo(s) tom held were unassigned: {names}." in messages


def test_taking_away_the_working_roles_releases_claims_but_a_role_change_that_keeps_one_does_not(
    client, users, make_photo
):
    from jewelreview.catalog.models import Photo

    claimed = _claimed(make_photo, users)
    client.force_login(users.manager)
    form = _change_form(users.retoucher, is_active="on", roles=["retoucher", "reviewer"])
    assert client.post(f"/admin/auth/user/{users.retoucher.pk}/change/", form).status_code == 302
    assert Photo.objects.get(pk=claimed.pk).assignee_id == users.retoucher.pk
    form = _change_form(users.retoucher, is_active="on", roles=["reviewer"])
    assert client.post(f"/admin/auth/user/{users.retoucher.pk}/change/", form).status_code == 302
    claimed = Photo.objects.get(pk=claimed.pk)
    assert (claimed.status, claimed.assignee_id) == ("flagged", None)


def test_a_claim_with_nothing_left_to_repair_goes_to_review_when_its_holder_is_deactivated(
    client, users, make_photo
):
    from jewelreview.catalog.models import Photo

    photo = make_photo(status="in_repair", assignee=users.retoucher)  # its flag was resolved meanwhile
    client.force_login(users.manager)
    client.post(f"/admin/auth/user/{users.retoucher.pk}/change/", _change_form(users.retoucher, roles=["retoucher"]))
    photo = Photo.objects.get(pk=photo.pk)
    assert (photo.status, photo.assignee_id) == ("needs_review", None)


def test_deleting_an_account_releases_its_claims_first(client, users, make_photo, django_user_model):
    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.models import Event

    root = django_user_model.objects.create_superuser("root", password="pw")
    claimed = _claimed(make_photo, users)
    client.force_login(root)
    response = client.post(f"/admin/auth/user/{users.retoucher.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content[:2000]
    assert not User.objects.filter(pk=users.retoucher.pk).exists()
    claimed = Photo.objects.get(pk=claimed.pk)
    assert (claimed.status, claimed.assignee_id) == ("flagged", None)
    release = Event.objects.get(photo=claimed, action="release")
    assert release.actor_id == root.pk and release.data["previous_assignee"] == "tom"
    assert release.note == "tom's account was deleted."


def test_deleting_accounts_in_bulk_releases_each_ones_claims(client, users, make_photo, django_user_model):
    from jewelreview.catalog.models import Photo

    root = django_user_model.objects.create_superuser("root", password="pw")
    first = _claimed(make_photo, users)
    second = make_photo(status="flagged", assignee=users.retoucher2)
    client.force_login(root)
    response = client.post("/admin/auth/user/", {
        "action": "delete_selected", "_selected_action": [users.retoucher.pk, users.retoucher2.pk], "post": "yes",
    })
    assert response.status_code == 302, response.content[:2000]
    assert [Photo.objects.get(pk=p.pk).assignee_id for p in (first, second)] == [None, None]
    assert Photo.objects.get(pk=first.pk).status == "flagged"


def test_work_release_leaves_a_photo_alone_that_changed_hands_meanwhile(users, make_photo, monkeypatch):
    """A manager reassigns one of the photos between the release's read and its write."""
    from jewelreview.catalog.models import Photo
    from jewelreview.reviews import services

    first, second = (make_photo(status="flagged", assignee=users.retoucher) for _ in range(2))
    real_assign = services.photo_assign
    calls = []

    def reassigned_first(*, photo, **kwargs):
        if photo.pk == first.pk and not calls:
            calls.append(photo.pk)
            real_assign(photo=Photo.objects.get(pk=first.pk), actor=users.manager, assignee=users.retoucher2)
        return real_assign(photo=photo, **kwargs)

    monkeypatch.setattr(services, "photo_assign", reassigned_first)
    released = services.user_work_release(user=users.retoucher, actor=users.manager, reason="gone")
    assert [p.pk for p in released] == [second.pk]
    assert Photo.objects.get(pk=first.pk).assignee_id == users.retoucher2.pk
    assert Photo.objects.get(pk=second.pk).assignee_id is None
