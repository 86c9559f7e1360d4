"""The RQ worker class warms the image libraries before its first job (jewelreview.workers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django_rq.workers import get_worker_class

from jewelreview.workers import Worker

REPO = Path(__file__).resolve().parents[2]


def test_the_project_runs_its_own_worker_class():
    assert get_worker_class() is Worker
    assert settings.RQ["WORKER_CLASS"] == "jewelreview.workers.Worker"


def test_warm_up_loads_the_solver_and_sets_one_opencv_thread():
    # In a fresh process: the warm-up changes process-wide state (OpenCV's threads).
    script = (
        "import sys, cv2; from jewelreview.workers import warm_up; "
        "assert 'pymatting' not in sys.modules; seconds = warm_up(); "
        "print(cv2.getNumThreads(), 'pymatting.laplacian.cf_laplacian' in sys.modules, "
        "'core.render' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "True"]
