"""System checks for jewelreview (``manage.py check``; IDs jewelreview.E0xx / W0xx)."""

from __future__ import annotations

import os
from importlib.util import find_spec

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages

IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
CORE_MODULES = ("core.recipe", "core.codecs", "core.render", "core.tiles")


@register(Tags.files)
def check_media_storage(app_configs, **kwargs):
    """E001: the filesystem storage's folder must be writable (or creatable)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return []
    location = os.path.abspath(storage.location)
    probe = location
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.access(probe, os.W_OK):
        return [
            Error(
                f"Media folder {location} is not writable.",
                hint="Set MEDIA_ROOT to a writable folder, or use JEWELREVIEW_STORAGE=s3.",
                id="jewelreview.E001",
            )
        ]
    return []


@register(Tags.compatibility)
def check_core_library(app_configs, **kwargs):
    """W002: the image library must be importable, or previews and renders fail at run time."""
    missing = []
    for name in CORE_MODULES:
        try:
            if find_spec(name) is None:
                missing.append(name)
        except ImportError:
            missing.append(name)
    if missing:
        return [
            Warning(
                f"core modules missing: {', '.join(missing)}; previews and renders will fail.",
                hint="Install the complete project (core/ ships with it).",
                id="jewelreview.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_task_backend_for_deploy(app_configs, **kwargs):
    """W003: in production, renders should run in worker processes, not in web requests."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend == IMMEDIATE_BACKEND:
        return [
            Warning(
                "Tasks run in-process (ImmediateBackend): renders block web requests.",
                hint="Set JEWELREVIEW_TASK_BACKEND=rq and REDIS_URL, and run `manage.py rqworker jewelreview`.",
                id="jewelreview.W003",
            )
        ]
    return []
