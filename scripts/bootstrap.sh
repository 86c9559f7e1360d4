#!/usr/bin/env bash
# Create .venv with the Python pinned in .python-version (>= 3.12) and install the project.
# Idempotent: reinstalls only when pyproject.toml or the requested extras change.
# Usage: scripts/bootstrap.sh [EXTRAS]   e.g. scripts/bootstrap.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
want="$(cat .python-version)"

find_python() {
    local candidates=()
    if command -v pyenv >/dev/null 2>&1; then
        candidates+=("$(pyenv root)/versions/$want/bin/python")
    fi
    candidates+=("python${want%.*}" python3.13 python3.12 python3)
    for py in "${candidates[@]}"; do
        if command -v "$py" >/dev/null 2>&1 &&
           "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$py"
            return 0
        fi
    done
    echo "error: Python >= 3.12 is required (pinned: $want). Install it (e.g. pyenv install $want)." >&2
    return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    py="$(find_python)"
    rm -rf .venv
    "$py" -m venv .venv
fi

stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras:-base}"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -n "$extras" ]; then
        .venv/bin/python -m pip install --quiet -e ".[$extras]"
    else
        .venv/bin/python -m pip install --quiet -e .
    fi
    # pymatting's numba caches (about a minute, once): the tests use it as a reference.
    if [ -n "$extras" ]; then .venv/bin/python -c "import pymatting"; fi
    touch "$stamp"
fi
# Compile core's numba kernels now, not in the first worker, save or test: the matting solver's
# (2 s) and the path sweep's (17 s). On every run, since a pull may change them without touching
# pyproject.toml; with numba's cache warm this takes about a second.
.venv/bin/python -c "from core.matte import preload_solver; from core.rasterize import preload_sweep; preload_solver(); preload_sweep()"
