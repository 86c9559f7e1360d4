"""Races through the real HTTP API, each side in its own thread and connection, on PostgreSQL.

Skipped on SQLite (it serialises writers, so a race there proves nothing about row locks);
`make test-services` runs them. Two reviewers asking for "next" at once is covered by
tests/jewelreview/reviews/test_queue_services.py, which runs on PostgreSQL under the same target.
"""

from __future__ import annotations

import pytest

from jewelreview.accounts.services import user_set_roles
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Revision
from jewelreview.reviews.models import Event, Flag

from .conftest import race, token_client

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("postgres", "core_render")]

ROUNDS = 5


def _recipe(x: int) -> dict:
    return {"version": 1, "base": "ai", "ops": [{"op": "path", "d": f"M {x} 5 H {x + 5} V 10 H {x} Z", "mode": "add"}]}


@pytest.mark.parametrize("other", ["manager", "holder-in-another-tab"])
def test_two_editors_saving_the_same_photo_one_409_both_edits_kept(api, users, make_photo, other):
    """Two saves from the same base revision at the same moment, five times over.

    Only the claim holder and managers may save a photo's revisions, so the two editors are the
    holder and a manager, or the holder in two browser tabs.
    """
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    first = api.retoucher.post(
        f"/api/photos/{photo.pk}/revisions/", {"recipe": _recipe(1), "base_revision": None}, format="json"
    )
    assert first.status_code == 201, first.json()
    base = first.json()["id"]
    for round_ in range(ROUNDS):
        bodies = [
            {"recipe": _recipe(10 + round_), "base_revision": base},
            {"recipe": _recipe(30 + round_), "base_revision": base},
        ]
        clients = [api.retoucher, api.manager if other == "manager" else token_client(users.retoucher)]
        responses = race(
            *[
                (lambda c=client, b=body: c.post(f"/api/photos/{photo.pk}/revisions/", b, format="json"))
                for client, body in zip(clients, bodies)
            ]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201, 409], [r.json() for r in responses]
        won = next(r.json() for r in responses if r.status_code == 201)
        lost = next(r.json() for r in responses if r.status_code == 409)
        assert lost["code"] == "stale_base_revision"
        assert lost["details"]["current_revision"] == won["id"]
        assert "Your edit was kept as revision" in lost["message"]
        kept = Revision.objects.get(pk=lost["details"]["saved_revision"])
        assert kept.parent_id == base and kept.recipe["ops"] != won["recipe"]["ops"]
        assert Photo.objects.get(pk=photo.pk).current_revision_id == won["id"]
        base = won["id"]
    # Nothing lost: the first revision plus both edits of every round, numbered without gaps.
    numbers = list(Revision.objects.filter(photo=photo).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 2 + 2 * ROUNDS))
    assert Event.objects.filter(photo=photo, action="revision_conflict").count() == ROUNDS
    assert Event.objects.filter(photo=photo, action="revision").count() == 1 + ROUNDS


@pytest.mark.parametrize("with_version", [True, False], ids=["version-sent", "no-version"])
def test_approve_and_flag_racing_one_wins_the_other_409(api, users, make_photo, django_user_model, with_version):
    second = user_set_roles(
        user=django_user_model.objects.create_user(username="rob", password="pw"), roles=["reviewer"]
    )
    flagger = token_client(second)
    photos = [make_photo(status="needs_review", sku=f"RACE-{n}") for n in range(ROUNDS)]
    winners = []
    for photo in photos:
        version = {"version": photo.version} if with_version else {}
        approve, flag = race(
            lambda p=photo: api.reviewer.post(f"/api/photos/{p.pk}/approve/", {"note": "ok", **version}, format="json"),
            lambda p=photo: flagger.post(
                f"/api/photos/{p.pk}/flag/",
                {"reason": "halo", "pins": [{"x": 3, "y": 4}], **version},
                format="json",
            ),
        )
        assert sorted([approve.status_code, flag.status_code]) == [200, 409], (approve.json(), flag.json())
        winner, loser = (approve, flag) if approve.status_code == 200 else (flag, approve)
        winners.append("approve" if winner is approve else "flag")
        assert loser.json()["code"] in {"stale_version", "transition_not_allowed"}, loser.json()
        fresh = Photo.objects.get(pk=photo.pk)
        # The event log tells the same story as the row: exactly one decision, the winner's.
        decisions = list(
            Event.objects.filter(photo=photo, action__in=["approve", "flag"]).values_list("action", "to_status")
        )
        assert decisions == [(winners[-1], fresh.status)]
        assert fresh.status == ("approved" if winners[-1] == "approve" else "flagged")
        assert fresh.version == photo.version + 1
        assert Flag.objects.filter(photo=photo).count() == (1 if winners[-1] == "flag" else 0)
