"""Every example in core's docstrings runs and prints what it says (they are documentation)."""

import doctest
import importlib
import pkgutil

import pytest

import core

MODULES = sorted(m.name for m in pkgutil.iter_modules(core.__path__) if m.name != "__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(f"core.{name}"), report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of core.{name} failed (run python -m doctest)"
