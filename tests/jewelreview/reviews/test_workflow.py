"""The status machine table: every (status, action) pair is either the one allowed transition or refused."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import PhotoStatus as S
from jewelreview.errors import Conflict
from jewelreview.reviews.workflow import PhotoAction as A
from jewelreview.reviews.workflow import allowed_actions, transition_target

EXPECTED = {
    (S.NEW, A.PREPARE): S.NEEDS_REVIEW,
    (S.NEEDS_REVIEW, A.APPROVE): S.APPROVED,
    (S.NEEDS_REVIEW, A.FLAG): S.FLAGGED,
    (S.FLAGGED, A.CLAIM): S.IN_REPAIR,
    (S.REOPENED, A.CLAIM): S.IN_REPAIR,
    (S.IN_REPAIR, A.RELEASE): S.FLAGGED,
    (S.IN_REPAIR, A.SUBMIT): S.NEEDS_REVIEW,
    (S.REOPENED, A.SUBMIT): S.NEEDS_REVIEW,
    (S.APPROVED, A.REOPEN): S.REOPENED,
    **{(status, A.RESHOOT): S.RESHOOT for status in S if status != S.RESHOOT},
}

ALL_PAIRS = [(status, action) for status in S for action in A]


@pytest.mark.parametrize(("status", "action"), [p for p in ALL_PAIRS if p in EXPECTED])
def test_allowed_transition_leads_to_its_target(status, action):
    assert transition_target(status, action) == EXPECTED[(status, action)]
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_every_other_transition_is_refused_with_a_409(status, action):
    with pytest.raises(Conflict) as caught:
        transition_target(status, action)
    error = caught.value
    assert error.http_status == 409
    assert error.code == "transition_not_allowed"
    assert error.details["status"] == status.value and error.details["action"] == action.value
    assert error.message.startswith(f"Cannot {action.value} a photo that is {status.phrase}")
    assert action not in allowed_actions(status)


def test_refusal_message_says_what_would_be_needed():
    with pytest.raises(Conflict, match="claim needs a photo that is flagged or reopened"):
        transition_target(S.APPROVED, A.CLAIM)


def test_release_goes_back_to_review_when_nothing_is_left_to_repair():
    assert transition_target(S.IN_REPAIR, A.RELEASE, nothing_to_repair=True) == S.NEEDS_REVIEW
    # Only release has such a target; the others ignore the question.
    assert transition_target(S.IN_REPAIR, A.SUBMIT, nothing_to_repair=True) == S.NEEDS_REVIEW
    assert transition_target(S.FLAGGED, A.CLAIM, nothing_to_repair=True) == S.IN_REPAIR
    with pytest.raises(Conflict):
        transition_target(S.FLAGGED, A.RELEASE, nothing_to_repair=True)


def test_reshoot_is_terminal():
    assert allowed_actions(S.RESHOOT) == []
