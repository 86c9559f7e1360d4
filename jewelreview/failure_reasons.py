"""Why background work failed, said to people: a sentence they can act on, never the exception.

Renders (``Render.error``), photo preparation (``Photo.prepare_error``), detection and auto-fix
(the notes of ``detect_failed`` and ``autofix_failed`` events) are shown to every signed-in user,
on the API and the pages. An exception's text carries server paths, hosts and Python internals,
so it goes to the server's log (``exc_info``) and the stored reason is one of these sentences.
core's own messages (bad input) and the service layer's (``ServiceError.message``) are already
written for people and carry no origin: they are kept as they are.

Lowercase fragments, as core's messages are: callers show them after a prefix ("r1: the render
failed: <reason>", "The previews could not be made: <reason>").
"""

from __future__ import annotations

import errno

from jewelreview import stored_files
from jewelreview.errors import ServiceError

# What a queue outage tells people; the queue's own exception (Redis's host and port) is logged.
QUEUE_DID_NOT_ANSWER = "the task queue did not answer"


class StoredInputMissing(FileNotFoundError):
    """A stored file the work reads is gone from storage (moved or deleted outside the app).

    ``what`` names it for a person ("original", "AI mask"); the message, with the storage name,
    is for the server's log.
    """

    def __init__(self, *, what: str, name: str):
        super().__init__(f"the photo's stored {what} is missing from storage: {name}")
        self.what = what


def stored_input_read(name: str, *, what: str) -> bytes:
    """A photo's stored input by storage name; StoredInputMissing (naming ``what``) when it is gone."""
    try:
        return stored_files.read_bytes(name)
    except FileNotFoundError as exc:
        raise StoredInputMissing(what=what, name=name) from exc


def stored_input_missing(*, what: str) -> str:
    return f"the photo's stored {what} is missing; ask a manager to re-import it."


def out_of_memory(*, retry: str | None) -> str:
    return f"the server ran out of memory; {_then_tell(retry)}"


def disk_full(*, retry: str | None) -> str:
    then = f", and {retry} once space is freed." if retry else "."
    return f"the server's storage is full; tell a manager{then}"


def unexpected(*, retry: str | None) -> str:
    return f"something unexpected went wrong on the server; {_then_tell(retry)}"


def failure_reason(exc: BaseException, *, retry: str | None) -> str:
    """The sentence stored for a failure: who can do what about it.

    ``retry`` says how a person tries again ("retry it", "run auto-fix on the batch again"), or
    None when no person can from the app (the reason then only says to tell a manager).
    """
    from core.errors import CoreError

    if isinstance(exc, CoreError):
        return str(exc)
    if isinstance(exc, ServiceError):
        return exc.message
    if isinstance(exc, StoredInputMissing):
        return stored_input_missing(what=exc.what)
    if isinstance(exc, MemoryError):
        return out_of_memory(retry=retry)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return disk_full(retry=retry)
    return unexpected(retry=retry)


def _then_tell(retry: str | None) -> str:
    return f"{retry}, and tell a manager if it fails again." if retry else "tell a manager."
