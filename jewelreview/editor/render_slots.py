"""A per-process bound on concurrent editor renders (previews and channel analysis).

Each render holds hundreds of MB and a CPU core for up to a second; a burst of them (a stuck key,
a script) would otherwise push the process out of memory. Requests beyond the bound wait a little
for a slot, then get 503 ``editor_busy`` with ``Retry-After`` so the editor asks again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from jewelreview.errors import Busy

# Two renders at once per process: the service runs on 2 cores, and a third render would only
# share them while adding its ~0.5 GB of working memory.
RENDER_SLOTS = 2
# How long a request waits for a slot before 503: longer than a typical preview (~0.3 s) so a
# short burst queues, short enough that the editor's next (newer) preview is not stuck behind it.
SLOT_WAIT_SECONDS = 2.0
# What the 503 tells the client to wait: one preview's time, rounded up.
BUSY_RETRY_AFTER_SECONDS = 1

_slots = threading.BoundedSemaphore(RENDER_SLOTS)


@contextmanager
def render_slot() -> Iterator[None]:
    """Hold one of this process's render slots for the block; raise Busy if none frees in time."""
    if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise Busy(
            "The preview server is busy with other renders; try again in a moment.",
            code="editor_busy",
            details={"retry_after_seconds": BUSY_RETRY_AFTER_SECONDS},
            retry_after_seconds=BUSY_RETRY_AFTER_SECONDS,
        )
    try:
        yield
    finally:
        _slots.release()
