"""schemathesis against /api/schema/, in-process through the WSGI application, as each role.

For every operation in the schema, a bounded, deterministic number of generated requests (valid
ones and, fewer, invalid ones) is sent with a token of the role under test (and of a user without
a role, and with no credentials). Each answer must not be a 5xx, and its status, content type,
headers and body must be the ones the schema declares. A few photos, flags and renders exist;
valid requests have their ids pointed at them, so they reach the views' logic, not only 404s.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jewelreview import stored_files
from jewelreview.repairs.models import Render
from jewelreview.reviews.models import Flag

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Per operation and role: enough to reach each view's main branches, while the whole run (about 40
# operations x 4 roles + anonymous) stays well under a minute on one core.
MODES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}


@contextlib.contextmanager
def wsgi_app_in_this_transaction():
    """Django's WSGI handler, minus closing the connection after each request.

    Like Django's test client: the test's database (and its open transaction) must survive the
    request_started / request_finished signals.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(users, make_photo, scenes, images):
    """Photos in several statuses, an open flag, a done and a failed render: ids 1..~8 exist."""
    photos = [make_photo(status=s) for s in ("needs_review", "flagged", "approved", "reopened")]
    Flag.objects.create(photo=photos[1], reason="halo", created_by=users.reviewer)
    repair = make_photo(status="in_repair", assignee=users.retoucher)
    done = scenes.done_render(repair, users.retoucher)
    # Renders store PNG previews (jewelreview.repairs.rendering); the shared fixture's is a WebP stub.
    png = stored_files.save_new(f"renders/{repair.pk}/preview-{done.pk}.png", images.cutout(64, 48))
    Render.objects.filter(pk=done.pk).update(preview=png)
    scenes.failed_render(make_photo(status="in_repair", assignee=users.retoucher), users.retoucher)
    scenes.with_tiles(photos[0])
    return photos


def real_ids() -> dict[str, list[int]]:
    from jewelreview.catalog.models import Batch, Photo

    return {
        "photo_id": sorted(Photo.objects.values_list("pk", flat=True)),
        "flag_id": sorted(Flag.objects.values_list("pk", flat=True)),
        "render_id": sorted(Render.objects.values_list("pk", flat=True)),
        "batch_id": sorted(Batch.objects.values_list("pk", flat=True)),
    }


def with_real_ids(ids: dict[str, list[int]]):
    """Point generated ids at objects that exist (valid requests should reach the view's logic)."""

    def remap(case):
        for name, value in list((case.path_parameters or {}).items()):
            if ids.get(name) and isinstance(value, int):
                case.path_parameters[name] = ids[name][value % len(ids[name])]
        return case

    return remap


def run_operation(operation, app, user, mode: GenerationMode, examples: int) -> list[str]:
    failures: list[str] = []
    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.map(with_real_ids(real_ids()))

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        cache.clear()  # throttles: each request is judged alone
        headers = {}
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)  # DELETE /api/auth/token/ may have revoked it
            headers["Authorization"] = f"Token {token.key}"
        response = case.call(app=app, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:  # one report per operation, with the request that failed
            failures.append(f"{operation.label} [{mode.value}]: {response.status_code} {str(exc)[:1500]}")
            raise

    try:
        check()
    except Unsatisfiable:
        pass  # no invalid request exists for an operation without parameters or body
    except (Exception, BaseExceptionGroup) as exc:
        failures.append(f"{operation.label} [{mode.value}]: {type(exc).__name__}: {str(exc)[:1500]}")
    return failures[:1]


def load_schema(app, reader):
    """The schema, fetched as ``reader``: like every endpoint, it needs a signed-in user."""
    token, _ = Token.objects.get_or_create(user=reader)
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", app, headers={"Authorization": f"Token {token.key}"}
    )


@pytest.mark.parametrize("role", ["reviewer", "retoucher", "manager", "nobody"])
def test_the_api_keeps_its_schema_for_every_role(role, users, world):
    with wsgi_app_in_this_transaction() as app:
        schema = load_schema(app, users.reviewer)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 30
        failures = []
        for operation in operations:
            for mode, examples in MODES.items():
                failures += run_operation(operation, app, getattr(users, role), mode, examples)
    assert failures == [], "\n\n".join(failures)


def test_the_api_keeps_its_schema_for_anonymous_callers(users, world):
    """Without credentials every operation but logging in answers the documented 401."""
    with wsgi_app_in_this_transaction() as app:
        schema = load_schema(app, users.reviewer)
        failures = []
        for result in schema.get_all_operations():
            failures += run_operation(result.ok(), app, None, GenerationMode.POSITIVE, 3)
    assert failures == [], "\n\n".join(failures)
