"""What every real-browser test here shares: the browser marker, the Chromium skip, isolated media.

Tests launch Chromium with the ``chromium`` fixture (tests/conftest.py), inside the test after
its ORM work.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test. Where Chromium is not installed they are skipped, with
    the reason, except under ``JEWELREVIEW_REQUIRE_BROWSER=1`` (set by .ci/run, which installs
    Chromium): there a missing browser is an error, never a green run that tested no page."""
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    if ours and not Path(CHROMIUM).exists() and os.environ.get("JEWELREVIEW_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"JEWELREVIEW_REQUIRE_BROWSER=1 but Debian's Chromium is not at {CHROMIUM}")
    unavailable = pytest.mark.skip(reason=f"Debian's Chromium is not installed at {CHROMIUM}")
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if not Path(CHROMIUM).exists():
            item.add_marker(unavailable)


@pytest.fixture(autouse=True)
def _browser_media(isolated_media):
    """Every browser test stores into a temporary media folder (``isolated_media``, tests/conftest.py)."""
    return isolated_media
