"""The RQ worker the project runs (``manage.py rqworker jewelreview``; ``RQ["WORKER_CLASS"]``).

RQ forks a fresh work horse for every job, and a horse dies with its job: whatever a job imports
is imported again by the next one. So the worker imports the image libraries once, before it
takes its first job, and every horse inherits them already loaded:

- the matting solver (``matte`` and ``recover`` ops and the detector's strand search): its numba
  kernels and qdldl, 0.5 s per process from numba's cache otherwise, paid by every job that needs them;
- core's render and detect modules (OpenCV, the codecs);
- one OpenCV thread (the machines are shared; per the perf notes, render and decode gain nothing
  from more threads while two workers share two cores);
- glibc keeps freed blocks of up to 1 GiB for reuse instead of handing them back to the system
  and faulting fresh pages in for the next array (:func:`keep_freed_memory`, what the Docker
  image's ``MALLOC_*`` variables do, for workers started any other way; the main thread's heap
  only): detection of the 24 MP cluttered benchmark scene 3.0-3.2 -> 2.6-2.7 s, for ~170 MB more
  resident memory at its peak. A work horse ends with its job, so what it keeps is returned then.
"""

from __future__ import annotations

import ctypes
import logging
import time

from rq import Worker as RQWorker

logger = logging.getLogger(__name__)

KEEP_FREED_BYTES = 1 << 30
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt()'s parameter numbers (glibc's malloc.h)


def keep_freed_memory() -> bool:
    """Have glibc serve blocks up to :data:`KEEP_FREED_BYTES` from its heap and keep them there
    when freed (``mallopt``); False where a setting was refused (logged) or the C library has none.

    This holds for the main thread's heap: blocks over 64 MiB that other threads allocate
    (the solver's and the plateau search's) still go back to the system, glibc's per-thread
    arenas being that size at most.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    settings = (("M_MMAP_THRESHOLD", _M_MMAP_THRESHOLD), ("M_TRIM_THRESHOLD", _M_TRIM_THRESHOLD))
    refused = [name for name, number in settings if not mallopt(number, KEEP_FREED_BYTES)]
    if refused:  # older glibc caps the mmap threshold at 32 MiB; each setting is tried on its own
        logger.info("glibc refused %s = %d", " and ".join(refused), KEEP_FREED_BYTES)
    return not refused


def warm_up() -> float:
    """Import what jobs need, set OpenCV's threads and glibc's memory reuse; returns the seconds it took."""
    started = time.perf_counter()
    keep_freed_memory()
    import cv2

    cv2.setNumThreads(1)
    import core.detect
    import core.render  # noqa: F401  (imported for the horses to inherit)
    from core.matte import preload_solver
    from core.rasterize import preload_sweep
    from core.result_cache import keep_op_results

    preload_solver()
    preload_sweep()
    # Each job runs in a process forked for it, whose results die with it: keeping them would only
    # cost hashing (0.3 s for a 24 MP crop) and copies.
    keep_op_results(0)
    return time.perf_counter() - started


class Worker(RQWorker):
    """rq's Worker, warmed up (:func:`warm_up`) once before it takes jobs."""

    def work(self, *args, **kwargs):
        seconds = warm_up()
        logger.info(
            "jewelreview worker warmed up in %.1f s (matting solver, path sweep, core, 1 OpenCV thread)", seconds
        )
        return super().work(*args, **kwargs)
