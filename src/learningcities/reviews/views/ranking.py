"""The secretariat's ranking of a call's submissions by the jury's figures, and its CSV.

Both need ``reviews.manage_panel`` (the secretariat and operators; jurors
and everyone else get 403). The figures are the stored aggregates, brought
up to date first (``ensure_aggregates``); the page reads a constant number
of queries whatever the number of rows.
"""

import csv
import hashlib

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from learningcities.calls.models import Call
from learningcities.calls.views.display import cached_workspace_page
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.memo import LocalMemo
from learningcities.common.prepared import PreparedSelect
from learningcities.common.views.shared_pages import CSRF_PLACEHOLDER
from learningcities.network.enums import Region

from ..domain.aggregation import ensure_aggregates
from ..domain.queries.phases import phase_status
from ..domain.queries.ranking import ranking_for_panel
from ..models import Panel, ReviewPhase

PAGE_SIZE = 50
# A cached table page lives this long at most; a new review makes a new key anyway.
TABLE_SECONDS = 3600


class RankingFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    country = forms.CharField(
        label=_("Country code"),
        required=False,
        max_length=2,
        help_text=_("Two letters, such as IE."),
    )

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


def _calls_with_panel(user):
    """Every call that has a jury panel (the views check ``reviews.manage_panel`` first)."""
    return Call.objects.filter(panel__isnull=False).select_related("panel")


def _ranking(request: HttpRequest, call_pk: int):
    call = get_object_for_user_or_404(request.user, _calls_with_panel, pk=call_pk)
    panel = call.panel
    ensure_aggregates(panel)
    filters = RankingFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = ranking_for_panel(
        panel, region=chosen.get("region") or None, country=chosen.get("country") or None
    )
    return call, panel, filters, rows


# What keys the cached page, read by one prepared SELECT (common.prepared): the panel,
# its figures' revisions and the call's title and time zone.
_PANEL_KEY = PreparedSelect(
    lambda call_pk: Panel.objects.filter(call_id=call_pk).values_list(
        "pk", "scores_revision", "aggregated_revision", "call__title", "call__time_zone"
    ),
    (-1,),
)
_PHASE_FIELDS = ("pk", "name", "order", "starts_at", "ends_at", "may_review", "may_change_state")
_PHASES = PreparedSelect(
    lambda panel_pk: (
        ReviewPhase.objects.filter(panel_id=panel_pk)
        .order_by("order", "starts_at", "pk")
        .values_list(*_PHASE_FIELDS)
    ),
    (-1,),
)


@require_safe
@permission_required("reviews.manage_panel")
def ranking(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Show the call's submissions in rank order with the jury's figures, in pages.

    Filters ``region`` and ``country`` (query string). Also shows the panel's
    inter-rater agreement (Krippendorff's alpha) explained in plain words, and
    what the phase in force allows with the button to the next phase.

    The whole page is cached (``calls.views.display.cached_workspace_page``): the figures
    change only with the panel's scores revision, read in this request (so a
    submitted review shows at once, in every process); the phase sentence and
    button with the phases (their text is in the key) or at the next phase
    boundary. Served from the cache it costs the person's queries, the panel's
    key and its phases.
    """
    row = _PANEL_KEY.first(call_pk)
    if row is None:
        raise Http404
    panel_pk, revision, aggregated, title, zone = row
    if aggregated != revision:  # stale figures: aggregate now (``ensure_aggregates``)
        _call, panel, _filters, _rows = _ranking(request, call_pk)
        revision = panel.scores_revision
    shown = Panel(pk=panel_pk, call_id=call_pk)
    shown.call = Call(pk=call_pk, title=title, time_zone=zone)
    phases = [
        ReviewPhase(panel_id=panel_pk, **dict(zip(_PHASE_FIELDS, values, strict=True)))
        for values in _PHASES.all(panel_pk)
    ]
    guidance = phase_status(shown, phases=phases)

    def build(now) -> tuple[str, object]:
        call, panel, filters, rows = _ranking(request, call_pk)
        query = request.GET.copy()
        query.pop("page", None)
        html = render_to_string(
            "reviews/ranking/_body.html",
            {
                "call": call,
                "panel": panel,
                "filters": filters,
                "table": _table(request, call, panel, rows, query.urlencode()),
                "agreement": panel.agreement,
                "agreement_level": agreement_level(panel.agreement),
                "export_query": query.urlencode(),
                "phase_status": guidance,
                "csrf_token": CSRF_PLACEHOLDER,  # the phase button's; put in on the way out
            },
            request,
        )
        return html, guidance.changes_at

    key = (panel_pk, revision, title, guidance.summary, guidance.next_step)
    return cached_workspace_page(
        request,
        "reviews/ranking/ranking.html",
        "reviews-ranking",
        key,
        build,
        {"call": shown.call},
    )


def _table(request: HttpRequest, call: Call, panel, rows, query: str) -> str:
    """Return the rendered table of one page of the ranking, from the cache when fresh.

    The figures change only with the panel's ``scores_revision`` (read from
    the database in this request, so every process sees a change at once);
    the key holds it with the language and the query string. A cached page
    costs no query: a ranking read again and again between two reviews is
    served from the cache.
    """
    raw = "|".join(
        (str(panel.pk), str(panel.scores_revision), get_language() or "", request.GET.urlencode())
    )
    key = "reviews:ranking:" + hashlib.sha256(raw.encode()).hexdigest()
    html = _local.get(key) or cache.get(key)
    if html is not None:
        _local.set(key, html)
        return mark_safe(html)  # noqa: S308 -- rendered by the template below, escaped there
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _add_links_and_figures(page.object_list)
    html = render_to_string(
        "reviews/ranking/_table.html",
        {"call": call, "page": page, "query": query},
        request,
    )
    cache.set(key, html, TABLE_SECONDS)
    _local.set(key, html)
    return html


def _add_links_and_figures(rows) -> None:
    """Give each row of the page its submission's address and its figures as text."""
    link = link_maker("calls:secretariat-submission")
    number = number_formatter()
    for row in rows:
        row.link = link(row.submission_id)
        # Formatted here: the floatformat filter costs a third of the page's rendering.
        row.figures = [
            number(value)
            for value in (row.mean, row.median, row.weighted_total, row.normalised, row.spread)
        ]


# The key names the scores' revision: a process may keep the tables it used (common.memo).
_local = LocalMemo()


def number_formatter():
    """Return ``value -> text`` with two decimals in the current language ("—" for None)."""
    separator = formats.get_format("DECIMAL_SEPARATOR")

    def number(value) -> str:
        return "—" if value is None else f"{value:.2f}".replace(".", separator)

    return number


def link_maker(name: str):
    """Return ``pk -> URL of the view name`` reversing once: {% url %} per row costs ~1 ms."""
    placeholder = 918273645
    pattern = reverse(name, kwargs={"pk": placeholder})
    before, after = pattern.split(str(placeholder), 1)
    return lambda pk: f"{before}{pk}{after}"


def agreement_level(alpha: float | None) -> str:
    """Return a plain reading of Krippendorff's alpha (Krippendorff's own rule of thumb)."""
    if alpha is None:
        return ""
    if alpha >= 0.8:
        return "high"
    if alpha >= 0.667:
        return "moderate"
    return "low"


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    "rank",
    "submission_id",
    "city",
    "country_code",
    "region",
    "reviews",
    "reviews_expected",
    "mean",
    "median",
    "weighted_total",
    "normalised",
    "spread",
    "admit",
    "do_not_admit",
    "abstain",
    "disagreement",
]


def _number(value) -> str:
    return "" if value is None else f"{value:.4f}"


def ranking_rows(rows, expected: int):
    """Yield the CSV rows of the ranking (header first), reading ``rows`` in chunks."""
    yield CSV_HEADER
    for row in rows.iterator(chunk_size=500):
        submission = row.submission
        yield [
            row.rank or "",
            submission.pk,
            submission.city.name,
            submission.country_id,
            submission.country.region,
            row.reviews,
            expected,
            _number(row.mean),
            _number(row.median),
            _number(row.weighted_total),
            _number(row.normalised),
            _number(row.spread),
            row.admit,
            row.do_not_admit,
            row.abstain,
            "yes" if row.disagreement else "no",
        ]


@require_safe
@permission_required("reviews.manage_panel")
def ranking_export(request: HttpRequest, call_pk: int) -> StreamingHttpResponse:
    """Stream every row of the ranking as CSV (UTF-8, attachment), with the page's filters."""
    call, _panel, _filters, rows = _ranking(request, call_pk)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(line) for line in ranking_rows(rows, call.min_reviews)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-ranking.csv"'
    return response
