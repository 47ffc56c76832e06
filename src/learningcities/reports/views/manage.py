"""The secretariat's pages of reporting cycles: the list, a new cycle, a cycle, its lapses.

Every page needs ``reports.manage_cycles`` (the secretariat; anyone else
gets 403, anonymous people are sent to log in); a cycle that does not exist
answers 404. Every write goes through the reports domain (``create_cycle``,
``update_cycle``, ``add_due_reports``, ``stage_lapse``,
``unstage_lapse``, ``release_lapses``); its refusals come back as form
errors or messages (``show_error``).
"""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.calls.views.display import page_number
from learningcities.common.access import permission_required
from learningcities.common.views.errors import show_error

from ..domain import cycles as cycle_domain
from ..domain.cycles import add_due_reports, update_cycle
from ..domain.errors import ReportError
from ..domain.queries.cycles import (
    cycle_countries,
    cycle_counts,
    cycle_for_secretariat,
    cycle_reports,
    cycles_for_secretariat,
    due_preview,
    lapses_page,
    reminder_schedule,
    staged_reports,
    with_standing,
)
from ..domain.standing import release_lapses, stage_lapse, unstage_lapse
from ..interfaces.cycle_forms import CycleForm, ReleaseLapsesForm, ReportFilterForm, StageLapseForm
from ..models import ReportingCycle

PERM = "reports.manage_cycles"
# The cycle's table of reports is cut in pages of this many.
PAGE_SIZE = 100


def _cycle(code: str) -> ReportingCycle:
    cycle = cycle_for_secretariat(code)
    if cycle is None:
        raise Http404
    return cycle


@require_safe
@permission_required(PERM)
def cycles(request: HttpRequest) -> HttpResponse:
    """List every reporting cycle, latest due first, with its counts of reports (one query)."""
    return render(request, "reports/manage/cycles.html", {"cycles": cycles_for_secretariat()})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def create_cycle(request: HttpRequest) -> HttpResponse:
    """Show the form of a new cycle; POST creates it with its reminders and due reports.

    Effects (``create_cycle``): the cycle, its reminders, one report per
    member due (answers carried over); then the cycle's page.
    """
    form = CycleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                cycle = cycle_domain.create_cycle(
                    form.cycle_data(), actor=request.user, reminders=form.reminders()
                )
            except ReportError as error:
                status = show_error(request, error, form)
            else:
                made = cycle.reports.count()
                messages.success(
                    request,
                    ngettext(
                        "The cycle “%(name)s” is created; %(count)d city is due to report.",
                        "The cycle “%(name)s” is created; %(count)d cities are due to report.",
                        made,
                    )
                    % {"name": cycle.name, "count": made},
                )
                return redirect("reports:cycle", code=cycle.code)
    return render(request, "reports/manage/cycle_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def edit_cycle(request: HttpRequest, code: str) -> HttpResponse:
    """Show a cycle's settings and reminders; POST saves them (``update_cycle``).

    The reports due are not recomputed: the cycle's page offers that.
    """
    cycle = _cycle(code)
    has_reports = cycle.reports.exists()
    form = CycleForm(
        request.POST if request.method == "POST" else None,
        cycle=cycle,
        has_reports=has_reports,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                # The domain compares the cycle before and after: it works on a copy.
                update_cycle(
                    copy.copy(cycle),
                    form.cycle_data(),
                    actor=request.user,
                    reminders=form.reminders(),
                )
            except ReportError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _("The cycle is saved."))
                return redirect("reports:cycle", code=cycle.code)
    context = {"cycle": cycle, "form": form}
    return render(request, "reports/manage/cycle_form.html", context, status=status)


def _filters_query(filters: ReportFilterForm) -> str:
    """Return the query string the pagination links keep: the filters given, nothing else."""
    query = QueryDict(mutable=True)
    for name, value in filters.chosen().items():
        if value:
            query[name] = value
    return query.urlencode()


@require_safe
@permission_required(PERM)
def cycle(request: HttpRequest, code: str) -> HttpResponse:
    """Show a cycle: its settings, reminders, counts, the due rule's preview and its reports.

    The table is filtered by ``state``, ``standing``, ``region`` and
    ``country`` and paginated by ``page`` (query string). Invalid filters
    are shown with their errors (400) over the whole table. A fixed number
    of queries whatever the number of reports.
    """
    cycle = _cycle(code)
    now = timezone.now()
    filters = ReportFilterForm(request.GET or None, countries=cycle_countries(cycle))
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    paginator = Paginator(cycle_reports(cycle, now=now, **filters.chosen()), PAGE_SIZE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    page.object_list = with_standing(page.object_list, now=now)
    context = {
        "cycle": cycle,
        "counts": cycle_counts(cycle, now=now),
        "reminders": reminder_schedule(cycle),
        "preview": due_preview(cycle),
        "filters": filters,
        "page": page,
        "query": _filters_query(filters),
    }
    return render(request, "reports/manage/cycle.html", context, status=status)


@require_POST
@permission_required(PERM)
def add_due(request: HttpRequest, code: str) -> HttpResponse:
    """Make the report of every member now due that has none (``add_due_reports``)."""
    cycle = _cycle(code)
    try:
        made = add_due_reports(cycle, actor=request.user)
    except ReportError as error:
        show_error(request, error)
    else:
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d city now due was added to the cycle.",
                    "%(count)d cities now due were added to the cycle.",
                    made,
                )
                % {"count": made},
            )
        else:
            messages.info(request, _("Every member due already has its report in this cycle."))
    return redirect("reports:cycle", code=cycle.code)


# --- lapses ----------------------------------------------------------------------------------


def _posted_report(request: HttpRequest, cycle: ReportingCycle):
    """Return the cycle's report posted as ``report``, or None."""
    raw = request.POST.get("report", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        return None
    return cycle.reports.select_related("city").filter(pk=int(raw)).first()


def _stage(request, report) -> tuple[int, StageLapseForm]:
    form = StageLapseForm(request.POST, prefix=f"stage-{report.pk}")
    if not form.is_valid():
        return 400, form
    try:
        stage_lapse(report, reason=form.cleaned_data["reason"], actor=request.user)
    except ReportError as error:
        # A refusal of the domain is about the city's standing: said above the page.
        return show_error(request, error), form
    messages.success(request, _("The lapse of %(city)s is staged.") % {"city": report.city.name})
    return 0, form


def _unstage(request, report) -> int:
    try:
        unstage_lapse(report, actor=request.user)
    except ReportError as error:
        return show_error(request, error)
    messages.success(request, _("The lapse of %(city)s is withdrawn.") % {"city": report.city.name})
    return 0


def _release(request, cycle, form: ReleaseLapsesForm) -> int:
    if not form.is_valid():
        return 400
    try:
        release = release_lapses(cycle, actor=request.user)
    except ReportError as error:
        return show_error(request, error)
    messages.success(
        request,
        ngettext(
            "%(count)d membership ended on %(day)s with the status “lapsed”.",
            "%(count)d memberships ended on %(day)s with the status “lapsed”.",
            release.count,
        )
        % {"count": release.count, "day": date_format(release.ended_on, "DATE_FORMAT")},
    )
    return 0


def _lapse_action(request, cycle, release_form) -> tuple[int, dict]:
    """Carry out the posted ``action``; return the status (0: done) and forms to show again."""
    action = request.POST.get("action", "")
    if action == "release":
        return _release(request, cycle, release_form), {}
    report = _posted_report(request, cycle)
    if action not in ("stage", "unstage") or report is None:
        messages.error(request, _("Choose a city on hold, and to stage or withdraw its lapse."))
        return 400, {}
    if action == "unstage":
        return _unstage(request, report), {}
    status, form = _stage(request, report)
    return status, {report.pk: form}


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def lapses(request: HttpRequest, code: str) -> HttpResponse:
    """Show the cycle's members on hold; POST stages or withdraws a lapse, or releases them.

    ``action``: ``stage`` (``report``, a reason), ``unstage`` (``report``) or
    ``release`` (the box ticked, and ``expected``: the number of staged
    lapses the page showed, so a release never ends more than was read).
    """
    cycle = _cycle(code)
    posted = request.method == "POST"
    is_release = posted and request.POST.get("action") == "release"
    release_form = ReleaseLapsesForm(
        request.POST if is_release else None, staged=staged_reports(cycle)
    )
    status, stage_forms = 200, {}
    if posted:
        status, stage_forms = _lapse_action(request, cycle, release_form)
        if status == 0:
            return redirect("reports:lapses", code=cycle.code)
    page = lapses_page(cycle)
    for line in page.lines:
        line.form = stage_forms.get(line.report.pk) or StageLapseForm(
            prefix=f"stage-{line.report.pk}"
        )
    if not release_form.is_bound:
        release_form = ReleaseLapsesForm(staged=page.staged)
    context = {"cycle": cycle, "page": page, "release_form": release_form}
    return render(request, "reports/manage/lapses.html", context, status=status)
