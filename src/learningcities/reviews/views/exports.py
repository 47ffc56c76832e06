"""The secretariat's audit exports of a panel: assignments (with recusals) and raw scores, CSV.

Both need ``reviews.manage_panel`` (the secretariat and operators; anyone
else 403); a call without a panel answers 404. The CSV is streamed (UTF-8,
attachment), read in chunks, and safe to open in a spreadsheet
(``interfaces.exports.safe_cell``).
"""

from itertools import chain

from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe

from learningcities.common.access import permission_required

from ..domain.queries.exports import (
    assignments_for_export,
    recusals_for_export,
    scores_for_export,
)
from ..interfaces.exports import (
    ASSIGNMENT_COLUMNS,
    SCORE_COLUMNS,
    assignment_row,
    csv_lines,
    recusal_row,
    score_row,
)
from .panel import _call_and_panel

CHUNK = 500


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@permission_required("reviews.manage_panel")
def assignments_export(request: HttpRequest, call_pk: int) -> StreamingHttpResponse:
    """Stream the panel's assignments, then its recusals, as CSV (``ASSIGNMENT_COLUMNS``)."""
    call, panel = _call_and_panel(request, call_pk)
    rows = chain(
        (assignment_row(a) for a in assignments_for_export(panel).iterator(chunk_size=CHUNK)),
        (recusal_row(r) for r in recusals_for_export(panel).iterator(chunk_size=CHUNK)),
    )
    return _csv_response(
        csv_lines(ASSIGNMENT_COLUMNS, rows), f"call-{call.pk}-jury-assignments.csv"
    )


@require_safe
@permission_required("reviews.manage_panel")
def scores_export(request: HttpRequest, call_pk: int) -> StreamingHttpResponse:
    """Stream every score of the panel's submitted reviews with its comments as CSV."""
    call, panel = _call_and_panel(request, call_pk)
    rows = (score_row(s) for s in scores_for_export(panel).iterator(chunk_size=CHUNK))
    return _csv_response(csv_lines(SCORE_COLUMNS, rows), f"call-{call.pk}-jury-scores.csv")
