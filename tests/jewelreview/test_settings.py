"""Settings from the environment; production refuses to start without a real secret; system checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from jewelreview import checks

REPO = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(  # noqa: PLW1510  (callers assert on returncode)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="review.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is not set; production refuses to start without a real secret key." in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60, "a" * 60])
def test_production_refuses_a_weak_secret_key(key):
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="review.example.com", SECRET_KEY=key)
    assert result.returncode != 0 and "SECRET_KEY is not a real secret" in result.stderr


def test_production_needs_allowed_hosts():
    result = _manage("check", DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0 and "ALLOWED_HOSTS is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="review.example.com",
        JEWELREVIEW_TASK_BACKEND="rq",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_bad_values_name_the_variable():
    result = _manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be 1/0, true/false" in result.stderr
    result = _manage("check", JEWELREVIEW_TASK_BACKEND="celery")
    assert "JEWELREVIEW_TASK_BACKEND must be immediate or rq, got 'celery'" in result.stderr


def test_development_defaults(settings):
    assert settings.TASKS["default"]["BACKEND"] == "django.tasks.backends.immediate.ImmediateBackend"
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "jewelreview.api.exceptions.exception_handler"
    assert {"rest_framework", "rest_framework.authtoken", "drf_spectacular"} <= set(settings.INSTALLED_APPS)


def test_deploy_check_warns_about_in_process_tasks(settings):
    assert [m.id for m in checks.check_task_backend_for_deploy(None)] == ["jewelreview.W003"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["jewelreview"]}}
    assert checks.check_task_backend_for_deploy(None) == []


def test_core_library_check(monkeypatch):
    assert checks.check_core_library(None) == []
    monkeypatch.setattr(checks, "CORE_MODULES", ("core.recipe", "core.no_such_module"))
    assert [m.id for m in checks.check_core_library(None)] == ["jewelreview.W002"]


@pytest.mark.django_db
def test_the_project_passes_its_own_checks():
    assert [m for m in run_checks() if m.is_serious()] == []
