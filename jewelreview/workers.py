"""The RQ worker the project runs (``manage.py rqworker jewelreview``; ``RQ["WORKER_CLASS"]``).

RQ forks a fresh work horse for every job, and a horse dies with its job: whatever a job imports
is imported again by the next one. So the worker imports the image libraries once, before it
takes its first job, and every horse inherits them already loaded:

- pymatting and numba (the solver of ``matte`` and ``recover`` ops and of the detector's strand
  search): 2-4 s per process otherwise, paid by every job that needs them;
- core's render and detect modules (OpenCV, the codecs);
- one OpenCV thread (the machines are shared; per the perf notes, render and decode gain nothing
  from more threads while two workers share two cores).
"""

from __future__ import annotations

import logging
import time

from rq import Worker as RQWorker

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Import what jobs need and set OpenCV's threads; returns the seconds it took."""
    started = time.perf_counter()
    import cv2

    cv2.setNumThreads(1)
    import core.detect
    import core.render  # noqa: F401  (imported for the horses to inherit)
    from core.matte import preload_solver

    preload_solver()
    return time.perf_counter() - started


class Worker(RQWorker):
    """rq's Worker, warmed up (:func:`warm_up`) once before it takes jobs."""

    def work(self, *args, **kwargs):
        seconds = warm_up()
        logger.info("jewelreview worker warmed up in %.1f s (pymatting, core, 1 OpenCV thread)", seconds)
        return super().work(*args, **kwargs)
