"""What every real-browser test here shares: the browser marker, the Chromium skip, isolated media.

Tests launch Chromium themselves (``sync_playwright`` inside the test, after the ORM work: its
event loop makes Django refuse database calls in the same thread) with :data:`CHROMIUM` and
:data:`CHROMIUM_ARGS`, repeated in each module because test modules are not importable packages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test, skipped (with the reason) where Chromium is not installed."""
    here = Path(__file__).parent
    missing = pytest.mark.skip(reason=f"Debian's Chromium is not installed at {CHROMIUM}")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(missing)


@pytest.fixture(autouse=True)
def _browser_media(isolated_media):
    """Every browser test stores into a temporary media folder (``isolated_media``, tests/conftest.py)."""
    return isolated_media
