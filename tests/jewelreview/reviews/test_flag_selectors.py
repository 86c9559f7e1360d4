"""flag_get: one flag, or NotFound."""

from __future__ import annotations

import pytest

from jewelreview.errors import NotFound
from jewelreview.reviews.models import Flag
from jewelreview.reviews.selectors import flag_get

pytestmark = pytest.mark.django_db


def test_flag_get(make_photo, users):
    flag = Flag.objects.create(photo=make_photo(), reason="halo", created_by=users.reviewer)
    assert flag_get(flag_id=flag.pk) == flag
    with pytest.raises(NotFound, match="Flag 999 does not exist."):
        flag_get(flag_id=999)
