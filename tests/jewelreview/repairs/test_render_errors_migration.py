"""Migration 0003: failed renders' old errors (exception, server paths, source location) become sentences."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from jewelreview.repairs.models import Render, RenderState
from jewelreview.repairs.services import ENQUEUE_FAILED
from jewelreview.repairs.tasks import RENDER_UNEXPECTED

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jewelreview.repairs.migrations.0003_render_errors_for_people")

OLD_MISSING = (
    "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/qa/var/media/originals/02/02f3.jpg' "
    "(at /tmp/qa/.venv/lib/python3.13/site-packages/django/core/files/storage/filesystem.py:66)"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (OLD_MISSING, "a stored file of the photo is missing; ask a manager to re-import it."),
        ("RuntimeError: boom (at /srv/app/jewelreview/repairs/rendering.py:12)", RENDER_UNEXPECTED),
        ("could not enqueue the render: ConnectionError: Error 111 connecting to 10.0.0.5:6379.", ENQUEUE_FAILED),
        ("ops[0].gamma: must be between 0.1 and 10, got 0", "ops[0].gamma: must be between 0.1 and 10, got 0"),
    ],
)
def test_old_render_errors_are_rewritten_and_cores_messages_kept(users, make_photo, recipe, old, new):
    from jewelreview.repairs.models import Revision

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    revision = Revision.objects.create(photo=photo, number=1, recipe=recipe, recipe_sha256="0" * 64)
    render = Render.objects.create(revision=revision, state=RenderState.FAILED, error=old)
    migration.rewrite(apps, None)
    assert Render.objects.get(pk=render.pk).error == new
    migration.rewrite(apps, None)  # a second run changes nothing
    assert Render.objects.get(pk=render.pk).error == new
