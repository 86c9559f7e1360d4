"""Hardening tests reuse the service fixtures of tests/jewelreview (users per role, photos, API clients).

Those live in conftest files that pytest only applies below their own folders; this one loads them
by path and re-exports them (as tests/security does), and adds what the concurrency tests share:
threads released together against PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest
from django.db import connection

TESTS = Path(__file__).resolve().parents[1]


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_service = _load("jewelreview/conftest.py", "hardening_service_fixtures")
_api = _load("jewelreview/api/conftest.py", "hardening_api_fixtures")

media_storage = _service.media_storage
images = _service.images
users = _service.users
make_photo = _service.make_photo
recipe = _service.recipe
core_render = _service.core_render
fresh_throttles = _service.fresh_throttles
api = _service.api
scenes = _api.scenes
token_client = _service.token_client


def race(*functions, timeout: float = 60):
    """Start each function in its own thread at the same moment; return their results in order.

    A barrier releases them together, so both transactions reach the row lock at once. An
    exception in a thread is returned (not raised) as that thread's result.
    """
    together = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            together.wait(timeout=timeout)
            results[index] = function()
        except BaseException as exc:  # noqa: BLE001  (the caller asserts on it)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


@pytest.fixture
def postgres(transactional_db):
    """Committed data on the configured PostgreSQL (threads and subprocesses see it); else skip.

    SQLite serialises writers, so a race there proves nothing about row locks; `make test-services`
    (DATABASE_URL=postgres://...) runs these.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (make test-services)")
    return connection
