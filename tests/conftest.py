"""Shared test configuration: a deterministic hypothesis profile; Django settings for tests/jewelreview."""

import os

import django

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60, print_blob=True)
settings.load_profile("ci")

# Django for tests/jewelreview (its fixtures live in tests/jewelreview/conftest.py). pytest-django
# configures Django before this file is read, so without `DJANGO_SETTINGS_MODULE` in the pytest
# ini options we load the settings here; its pytest_configure then finishes the setup.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jewelreview.settings")
django.setup()
