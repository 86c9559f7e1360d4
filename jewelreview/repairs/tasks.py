"""Background work for repairs (``django.tasks``; in-process or RQ workers by settings)."""

from __future__ import annotations

import logging
import traceback

from django.tasks import task

from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs import rendering
from jewelreview.repairs.services import render_claim, render_complete, render_fail

logger = logging.getLogger(__name__)


@task(queue_name=TASK_QUEUE)
def render_revision(render_id: int) -> dict:
    """Render one revision to its final PNG and preview; record timings, checksum and state.

    Idempotent: a render that is done (or running elsewhere) is left alone. A failure is
    recorded on the Render (state failed, error) and re-raised so the queue shows it too;
    ``render_retry`` queues it again.
    """
    render = render_claim(render_id=render_id)
    if render is None:
        return {"render": render_id, "skipped": True}
    attempt = render.attempts  # the fencing token: a newer claim makes this worker's outcome void
    watch = rendering.Stopwatch()
    try:
        output = rendering.render_to_storage(render=render, watch=watch)
    except Exception as exc:
        render_fail(render_id=render_id, error=_describe(exc), timings=watch.total(), attempt=attempt)
        logger.warning("render %s failed: %s", render_id, exc)
        raise
    render_complete(
        render_id=render_id,
        final=output.final,
        preview=output.preview,
        checksum=output.checksum,
        final_bytes=output.final_bytes,
        timings=output.timings,
        tiles=output.tiles,
        attempt=attempt,
    )
    return {"render": render_id, "final": output.final, "checksum": output.checksum}


def _describe(exc: Exception) -> str:
    """A message for a person: core's own message for bad input, else the exception and its origin."""
    from core.errors import CoreError

    if isinstance(exc, CoreError):
        return str(exc)
    origin = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {origin[0].filename}:{origin[0].lineno})" if origin else ""
    return f"{type(exc).__name__}: {exc}{where}"
