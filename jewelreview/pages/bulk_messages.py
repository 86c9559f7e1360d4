"""A bulk action's report as page messages: one summary, one line per photo that moved on more than
asked (unassigned while in repair: released), then one per photo left as it was."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from jewelreview.dashboards.services import BulkAction, BulkReport

# Past this many refusals the rest are summed up in one line: the page stays readable.
MAX_REFUSAL_LINES = 20

PAST_TENSE = {
    BulkAction.APPROVE: "approved",
    BulkAction.ASSIGN: "reassigned",
    BulkAction.REOPEN: "reopened",
    BulkAction.RESHOOT: "marked for reshoot",
}


def bulk_report_messages(request: HttpRequest, report: BulkReport) -> None:
    verb = PAST_TENSE[report.action]
    done = len(report.done)
    noun = "photo" if report.total == 1 else "photos"
    if not report.refused:
        messages.success(request, f"{done} {noun} {verb}.")
    else:
        messages.warning(request, f"{done} of {report.total} {noun} {verb}; {len(report.refused)} could not be.")
    for item in [item for item in report.done if item.message][:MAX_REFUSAL_LINES]:
        messages.info(request, f"{item.label} (photo {item.photo_id}): {item.message}")
    for item in report.refused[:MAX_REFUSAL_LINES]:
        messages.error(request, f"{item.label} (photo {item.photo_id}) was not {verb}: {item.message}")
    if len(report.refused) > MAX_REFUSAL_LINES:
        messages.error(request, f"… and {len(report.refused) - MAX_REFUSAL_LINES} more photos were not {verb}.")
