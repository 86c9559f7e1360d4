"""The RQ worker class warms the image libraries before its first job (jewelreview.workers)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django_rq.workers import get_worker_class

from jewelreview.workers import Worker

REPO = Path(__file__).resolve().parents[2]


def test_the_project_runs_its_own_worker_class():
    assert get_worker_class() is Worker
    assert settings.RQ["WORKER_CLASS"] == "jewelreview.workers.Worker"


def test_warm_up_loads_the_solver_and_the_sweep_and_sets_one_opencv_thread():
    # In a fresh process: the warm-up changes process-wide state (OpenCV's threads).
    script = (
        "import sys, cv2; from jewelreview.workers import warm_up; "
        "assert 'core.matte_system' not in sys.modules; seconds = warm_up(); "
        "solver = sys.modules['core.matte_system']; "
        "sweep = sys.modules['core.rasterize_sweep']; "
        "print(cv2.getNumThreads(), bool(solver._assemble.signatures and solver._upper_csc.signatures), "
        "'core.render' in sys.modules, 'qdldl' in sys.modules, bool(sweep._sweep.signatures), "
        "sys.modules['core.result_cache'].op_results().max_bytes)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    # ... and keeps no recover or matte results: each job's forked process would drop them.
    assert out.stdout.split() == ["1", "True", "True", "True", "True", "0"]


def _resident_after_freeing(warm: bool) -> tuple[int, int]:
    """(MB resident with a 300 MB array, MB resident after it is freed) in a fresh process with
    glibc's defaults (no MALLOC_* variables, as the Docker image sets)."""
    script = (
        "import os, numpy as np; from jewelreview.workers import warm_up\n"
        f"if {warm}: warm_up()\n"
        "page = os.sysconf('SC_PAGE_SIZE')\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * page // 2**20\n"
        "block = np.ones(300 * 2**20, np.uint8); held = rss(); del block; print(held, rss())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    held, after = (int(v) for v in out.stdout.split())
    return held, after


def test_a_warmed_worker_keeps_freed_memory_for_the_next_array():
    if not Path("/proc/self/statm").exists() or platform.libc_ver()[0] != "glibc":
        pytest.skip("not Linux with glibc: there is no such setting")
    held, after = _resident_after_freeing(warm=False)
    assert held - after > 250  # glibc's default: a large block goes straight back to the system
    held, after = _resident_after_freeing(warm=True)
    assert held - after < 50  # kept for the next job's arrays (a horse returns it when it exits)
