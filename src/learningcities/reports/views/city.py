"""A city's progress reports: the list, a report, its sections, reading, submission, extension.

The city's coordinators write their reports (``reports.edit_report``); the
National Commission of its country and the secretariat read them
(``reports.view_report``). A report is fetched through ``reports_for_user``,
so one the person may not read answers 404 exactly like a missing one;
anonymous people log in first. The Commission's page lists its country's
reports (``reports.view_country_reports``). Writes go through the domain
(``save_report_answers``, ``attach_report_document``, ``move_report``,
``extend_report``); its refusals show on the page with ``show_error``.

A section page works as a plain POST form; ``lc/js/autosave.js`` posts the
changed fields with the header ``X-Autosave: 1``, answered 204 when saved,
or JSON ``{"errors": {field: [messages]}}`` (400; 409 once the report can no
longer be changed), as the application's pages do.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.accounts.rules import is_secretariat
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.domain.documents import DocumentError
from learningcities.common.views.errors import show_error
from learningcities.frameworks.enums import AnswerType
from learningcities.network.models import Country
from learningcities.questionnaires.forms import answer_field_name

from ..domain.answers import attach_report_document, remove_report_document, save_report_answers
from ..domain.completeness import report_tree, tree_problems
from ..domain.errors import ReportError
from ..domain.notices import in_zone
from ..domain.queries.reports import (
    by_cycle,
    carried_counts,
    country_reports_for_user,
    due_text,
    feedback_history,
    feedback_to_address,
    latest_extension,
    own_reports_for_user,
    problems_by_anchor,
    report_rows,
    reports_for_user,
    section_progress,
    standing_of,
)
from ..domain.queries.sharing import practices_of_report
from ..domain.standing import extend_report
from ..domain.transitions import CITY, move_report
from ..enums import ReportState, Standing
from ..interfaces.report_forms import ExtensionForm, ReportSectionForm
from ..rules import coordinated_city_ids, is_report_coordinator

# Only a report not yet in (due or overdue, not on hold) may still be extended.
EXTENDABLE_STANDINGS = frozenset({Standing.DUE, Standing.OVERDUE})


def _report_or_404(request: HttpRequest, pk: int):
    return get_object_for_user_or_404(request.user, reports_for_user, pk=pk)


def _may_extend(user, report, standing: str) -> bool:
    return standing in EXTENDABLE_STANDINGS and rules.has_perm(
        "reports.extend_report", user, report
    )


@permission_required("reports.view_own_reports")
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    """List the progress reports of every cycle of the cities the person coordinates."""
    rows = report_rows(own_reports_for_user(request.user))
    return render(request, "reports/city/mine.html", {"rows": rows})


def _overview(request: HttpRequest, report, *, status: int = 200) -> HttpResponse:
    """Draw a report's overview (the report page, and the submission's refusal)."""
    user = request.user
    tree = report_tree(report)
    feedback = feedback_to_address(report)
    sections = section_progress(report, tree, feedback)
    problems = [problem for row in sections for problem in row.problems]
    editable = rules.has_perm("reports.edit_report", user, report)
    standing, standing_label = standing_of(report)
    return render(
        request,
        "reports/city/report.html",
        {
            "report": report,
            "cycle": report.cycle,
            "due": due_text(report),
            "cycle_due": in_zone(report.cycle.due_at, report.cycle.time_zone),
            "standing": standing,
            "standing_label": standing_label,
            "sections": sections,
            "problems": problems,
            "feedback": any(row.feedback for row in sections),
            "carried": carried_counts(tree),
            "editable": editable,
            "can_submit": editable and not problems,
            "can_extend": _may_extend(user, report, standing),
            "is_coordinator": is_report_coordinator(user, report),
            "review_link": rules.has_perm("reports.review_report", user, report),
            "practices": list(practices_of_report(report).values()),
        },
        status=status,
    )


@login_required
@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a report: its cycle, dates, progress per section, what is missing, the feedback."""
    return _overview(request, _report_or_404(request, pk))


# --- a section -----------------------------------------------------------------------------


def _is_autosave(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _errors_json(errors: dict, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: [str(message) for message in found] for name, found in errors.items()}},
        status=status,
    )


def _refusal(report) -> str:
    return _("This report is %(state)s: it can no longer be changed.") % {
        "state": report.get_state_display().lower()
    }


def _save_section(request: HttpRequest, report, form: ReportSectionForm) -> None:
    """Attach the evidence, then save the answers and figures posted without error."""
    form.is_valid()
    for criterion, name, upload in list(form.uploads()):
        try:
            attach_report_document(
                report, upload, criterion=criterion, actor=request.user, name=upload.name
            )
        except (ReportError, DocumentError) as error:
            show_error(request, error, form, field=name)
    values = {
        criterion: value
        for criterion, value in form.changed_values(request.POST).items()
        if value is not None or criterion.pk in form.stored
    }
    figures = form.posted_figures(request.POST)
    for criterion in form.criteria:
        # A figure's year or source sent alone goes with the value it describes.
        if criterion.pk in figures and criterion not in values:
            if answer_field_name(criterion) in form.errors:
                figures.pop(criterion.pk)
                continue
            stored = form.stored.get(criterion.pk)
            values[criterion] = stored.number_value if stored is not None else None
    if not values:
        return
    try:
        save_report_answers(report, values, actor=request.user, figures=figures)
    except ReportError as error:
        show_error(request, error, form)


def _section_items(node, form: ReportSectionForm, shared: dict) -> list[dict]:
    problems = problems_by_anchor(tree_problems([node]))
    items = []
    for item in node.items:
        answer = item.answer
        text = (answer.text_value or "").strip() if answer is not None else ""
        carried = answer.carried_from if answer is not None and answer.unchanged else ""
        items.append(
            {
                "criterion": item.criterion,
                "field": form.main_field(item.criterion),
                "evidence_field": form.side_evidence_field(item.criterion),
                "figure_fields": form.figure_fields(item.criterion),
                "documents": item.documents,
                "is_radio": item.kind.choice_widget,
                "carried_from": carried,
                "problems": problems.get(f"criterion-{item.criterion.code}", []),
                # A narrative with text may become a good practice of the library.
                "shareable": item.criterion.answer_type == AnswerType.TEXT and bool(text),
                "practice": shared.get(item.criterion.pk),
            }
        )
    return items


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Write the answers to one section of the report (read-only for its readers)."""
    report = _report_or_404(request, pk)
    node = next((node for node in report_tree(report) if node.code == code), None)
    if node is None:
        raise Http404
    criteria = [item.criterion for item in node.items]
    answers = {item.criterion.pk: item.answer for item in node.items if item.answer is not None}
    editable = rules.has_perm("reports.edit_report", request.user, report)
    url = reverse("reports:section", kwargs={"pk": report.pk, "code": code})
    status = 200
    if request.method == "POST":
        form = ReportSectionForm(request.POST, request.FILES, criteria=criteria, answers=answers)
        if not editable:
            if _is_autosave(request):
                return _errors_json({"__all__": [_refusal(report)]}, 409)
            messages.error(request, _refusal(report))
            return redirect(url)
        _save_section(request, report, form)
        if _is_autosave(request):
            return _errors_json(form.errors, 400) if form.errors else HttpResponse(status=204)
        if not form.errors:
            messages.success(request, _("Your answers have been saved."))
            return redirect(url)
        status = 400
        # Show what was saved beside what was refused.
        node = next(node for node in report_tree(report) if node.code == code)
    else:
        form = ReportSectionForm(
            initial=ReportSectionForm.initial_for(criteria, answers),
            criteria=criteria,
            answers=answers,
        )
    feedback = feedback_to_address(report).get(node.section.pk, "")
    items = _section_items(node, form, practices_of_report(report))
    coordinator = report.city_id in coordinated_city_ids(request.user)
    return render(
        request,
        "reports/city/section.html",
        {
            "report": report,
            "section": node.section,
            "items": items,
            "may_share": coordinator and any(i["shareable"] or i["practice"] for i in items),
            "form": form,
            "form_url": url,
            "editable": editable,
            "feedback": feedback,
            "may_remove": editable,
        },
        status=status,
    )


@require_POST
@login_required
def remove_document(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    """Remove a document from the report (the city, while it may change the report)."""
    report = _report_or_404(request, pk)
    link = (
        report.documents.filter(pk=link_id)
        .select_related("document", "criterion__area__section")
        .first()
    )
    if link is None:
        raise Http404
    section = link.criterion.area.section.code
    back = reverse("reports:section", kwargs={"pk": report.pk, "code": section})
    if not rules.has_perm("reports.edit_report", request.user, report):
        messages.error(request, _refusal(report))
        return redirect(back)
    name = link.document.original_name
    try:
        remove_report_document(link, actor=request.user)
    except ReportError as error:
        show_error(request, error)
        return redirect(back)
    messages.success(request, _("%(name)s has been removed from the report.") % {"name": name})
    return redirect(f"{back}#criterion-{link.criterion.code}")


# --- reading and moving --------------------------------------------------------------------


@login_required
@require_safe
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the whole report read-only: answers, figures, documents, feedback, assessment."""
    report = _report_or_404(request, pk)
    tree = report_tree(report)
    titles = {node.section.pk: node.title for node in tree}
    history = feedback_history(report)
    for round_ in history:
        for item in round_.sections:
            item.title = titles.get(item.section_id, "")
    return render(
        request,
        "reports/city/read.html",
        {
            "report": report,
            "cycle": report.cycle,
            "due": due_text(report),
            "sections": tree,
            "history": history,
            "accepted": report.state == ReportState.ACCEPTED,
        },
    )


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the report to the secretariat; a refusal shows on the overview."""
    report = _report_or_404(request, pk)
    if not is_report_coordinator(request.user, report):
        raise PermissionDenied
    try:
        moved = move_report(report, ReportState.SUBMITTED, actor=request.user, role=CITY)
    except ReportError as error:
        status = show_error(request, error)
        return _overview(request, _report_or_404(request, pk), status=status)
    messages.success(
        request,
        _("The report has been submitted: the secretariat will read it and tell you."),
    )
    return redirect("reports:report", pk=moved.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for (or, for the secretariat, give) the cycle's one extension of the report."""
    report = _report_or_404(request, pk)
    user = request.user
    if not (is_secretariat(user) or is_report_coordinator(user, report)):
        raise PermissionDenied
    standing, standing_label = standing_of(report)
    allowed = _may_extend(user, report, standing)
    form = ExtensionForm(request.POST or None, cycle=report.cycle)
    status = 200
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("This report can no longer be extended."))
            return redirect("reports:report", pk=report.pk)
        if form.is_valid():
            try:
                extend_report(
                    report,
                    until=form.until_at(),
                    reason=form.cleaned_data["reason"],
                    actor=user,
                )
            except ReportError as error:
                status = show_error(request, error, form, field=_error_field(error))
            else:
                messages.success(
                    request,
                    _("The report is now due on %(due)s.")
                    % {"due": due_text(_report_or_404(request, pk))},
                )
                return redirect("reports:report", pk=report.pk)
        else:
            status = 400
    return render(
        request,
        "reports/city/extend.html",
        {
            "report": report,
            "form": form,
            "allowed": allowed,
            "due": due_text(report),
            "cycle_due": in_zone(report.cycle.due_at, report.cycle.time_zone),
            "latest": in_zone(latest_extension(report), report.cycle.time_zone),
            "extended": report.extended_until is not None,
            "standing_label": standing_label,
        },
        status=status,
    )


def _error_field(error: ReportError) -> str | None:
    return {"invalid": "until", "reason_required": "reason"}.get(error.code)


# --- the National Commission ---------------------------------------------------------------


@login_required
@require_safe
def country_reports(request: HttpRequest, code: str) -> HttpResponse:
    """List a country's reports by cycle for its National Commission (and the secretariat)."""
    country = Country.objects.filter(code=code.upper()).first()
    if country is None or not rules.has_perm("reports.view_country_reports", request.user, country):
        raise Http404
    rows = report_rows(country_reports_for_user(request.user, country))
    return render(
        request,
        "reports/city/country.html",
        {"country": country, "groups": by_cycle(rows)},
    )
