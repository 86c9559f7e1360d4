"""Recipes found by fuzzing that once crashed the parser: the API answers 400 naming the place."""

from __future__ import annotations

import pytest

from jewelreview.repairs.models import Revision

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("op_name", [[1], {"path": 1}])
def test_an_op_name_that_is_not_a_string_is_a_400_not_a_500(op_name, api, make_photo, users):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    response = api.retoucher.post(
        f"/api/photos/{photo.pk}/revisions/",
        {"recipe": {"version": 1, "ops": [{"op": op_name}]}, "base_revision": None},
        format="json",
    )
    assert response.status_code == 400, response.content[:300]
    assert "ops[0].op: unknown op" in response.json()["message"]
    assert not Revision.objects.filter(photo=photo).exists()
