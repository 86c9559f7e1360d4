"""Writing the audit log. Called by services inside their transaction, never on its own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from jewelreview.catalog.models import Photo
from jewelreview.reviews.models import Event


def event_record(
    *,
    photo: Photo,
    actor: AbstractBaseUser | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    return Event.objects.create(
        photo=photo,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
