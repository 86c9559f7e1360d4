"""A bulk action's report as page messages: one summary, one line per photo that moved on more than
asked (unassigned while in repair: released), then one per photo left as it was."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from jewelreview.dashboards.services import BulkAction, BulkReport

# Photo lines of each kind (claims released, refusals): past this many, the rest of that kind
# are counted in one "… and N more" line, so the page stays readable.
MAX_LINES_PER_KIND = 20

PAST_TENSE = {
    BulkAction.APPROVE: "approved",
    BulkAction.ASSIGN: "reassigned",
    BulkAction.REOPEN: "reopened",
    BulkAction.RESHOOT: "marked for reshoot",
}


def bulk_report_messages(request: HttpRequest, report: BulkReport, *, unassigning: bool = False) -> None:
    """``unassigning``: the action was an assign to no one, reported as "unassigned"."""
    verb = "unassigned" if unassigning else PAST_TENSE[report.action]
    done = len(report.done)
    noun = "photo" if report.total == 1 else "photos"
    if not report.refused:
        messages.success(request, f"{done} {noun} {verb}.")
    else:
        messages.warning(request, f"{done} of {report.total} {noun} {verb}; {len(report.refused)} could not be.")
    # A done photo says more only when unassigning it released its claim (dashboards.services).
    released = [item for item in report.done if item.message]
    for item in released[:MAX_LINES_PER_KIND]:
        messages.info(request, f"{item.label} (photo {item.photo_id}): {item.message}")
    if len(released) > MAX_LINES_PER_KIND:
        messages.info(request, _more_released(len(released) - MAX_LINES_PER_KIND))
    for item in report.refused[:MAX_LINES_PER_KIND]:
        messages.error(request, f"{item.label} (photo {item.photo_id}) was not {verb}: {item.message}")
    if len(report.refused) > MAX_LINES_PER_KIND:
        messages.error(request, _more_refused(len(report.refused) - MAX_LINES_PER_KIND, verb))


def _more_released(count: int) -> str:
    if count == 1:
        return "… and 1 more photo was in repair, so unassigning it released its claim."
    return f"… and {count} more photos were in repair, so unassigning them released their claims."


def _more_refused(count: int, verb: str) -> str:
    return f"… and 1 more photo was not {verb}." if count == 1 else f"… and {count} more photos were not {verb}."
