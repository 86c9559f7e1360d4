"""Editor fixtures: the per-process cache of decoded photos emptied, a photo in repair."""

from __future__ import annotations


import pytest


@pytest.fixture(autouse=True)
def fresh_caches():
    """Decoded photos live in the editor's per-process cache; every test starts with none (the
    throttles' cache is emptied by tests/jewelreview/conftest.py)."""
    from jewelreview.editor.inputs import inputs_forget

    inputs_forget()
    yield
    inputs_forget()


@pytest.fixture
def claimed(users, make_photo):
    """A 64 x 48 photo in repair, held by tom (the retoucher)."""
    return make_photo(status="in_repair", assignee=users.retoucher)
