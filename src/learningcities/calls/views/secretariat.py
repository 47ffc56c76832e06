"""The secretariat's calls: the list, a new call, each call's dashboard, export and screening.

Every view needs ``calls.view_call`` or ``calls.screen_submission`` (the
secretariat and operators; anyone else gets 403). Counts are aggregated by
the database in a fixed number of queries. Writes go through the calls
domain (``create_call``, ``record_manual_check``, ``transition``); their
refusals come back as form errors or messages.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.domain.documents import DocumentError
from learningcities.common.prepared import PreparedSelect
from learningcities.common.views.errors import show_error
from learningcities.network.domain.queries.revision import current_revision

from ..domain.calls import (
    add_call_attachment,
    call_phase,
    create_call,
    locked_call_fields,
    remove_call_attachment,
    update_call,
)
from ..domain.eligibility import eligibility_checklist, manual_check_codes, record_manual_check
from ..domain.errors import SubmissionError
from ..domain.messages import preview_call_message, registered_audiences, send_call_message
from ..domain.queries.dashboard import (
    call_submission_rows,
    count_call_submissions,
    next_endorsement_deadline,
    overdue_endorsement_rows,
)
from ..domain.queries.submissions import submissions_for_user
from ..domain.submissions import extend_deadline
from ..domain.timing import in_call_zone, submission_deadline
from ..domain.transitions import transition
from ..enums import MOVE_SECTIONS, SECRETARIAT_MOVES, CheckOutcome, SubmissionState
from ..interfaces.exports import submissions_csv_lines
from ..interfaces.secretariat_forms import (
    CallAttachmentForm,
    CallEditForm,
    CallForm,
    CallMessageForm,
    DeadlineExtensionForm,
    ManualCheckForm,
    MoveForm,
    SubmissionFilterForm,
)
from ..models import Call, CallAttachment, ManualCheck, Submission
from ..rules import is_editable, may_screen, may_transition
from .display import Fragment, cached_workspace_page, page_number, rows_for_display
from .endorsement import application_context

PAGE_SIZE = 25
EXPORT_CHUNK = 200


def _state_counts():
    return {
        f"n_{state}": Count("submissions", filter=Q(submissions__state=state))
        for state in SubmissionState.values
    }


OVERDUE_SHOWN = 20
SENT_SHOWN = 20  # the latest messages to a call's people listed under the form


@require_safe
@permission_required("calls.view_call")
def call_list(request: HttpRequest) -> HttpResponse:
    """List every call, newest first, with its number of submissions in each state (one query)."""
    calls = list(
        Call.objects.select_related("framework").annotate(
            n_total=Count("submissions"), **_state_counts()
        )
    )
    for call in calls:
        call.state_counts = [
            (label, getattr(call, f"n_{value}")) for value, label in SubmissionState.choices
        ]
    return render(
        request,
        "calls/secretariat/call_list.html",
        {"calls": calls, "states": SubmissionState.choices},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.add_call")
def call_create(request: HttpRequest) -> HttpResponse:
    """Show the form of a new call; POST creates it through ``create_call``.

    Effects: a call (activity ``calls.call.create``); then its dashboard.
    """
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = create_call(actor=request.user, **form.call_settings())
        except SubmissionError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The call “%(title)s” is created.") % {"title": call})
            return redirect("calls:secretariat-call", pk=call.pk)
    status = 400 if form.is_bound else 200
    return render(request, "calls/secretariat/call_form.html", {"form": form}, status=status)


def _calls_for_user(user):
    """Every call (the views check ``calls.view_call`` first)."""
    return Call.objects.all()


def _call_submissions(call: Call):
    """The call's submissions, each with its city and country, by city name."""
    return (
        Submission.objects.filter(call=call)
        .select_related("city", "country")
        .order_by("city__name", "pk")
    )


@require_safe
@permission_required("calls.view_call")
def call_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a call: counts by state, region and country, overdue endorsements, submissions.

    The list of submissions is filtered by ``state``, ``region`` and
    ``country`` and paginated by ``page`` (query string; the pagination
    links keep the filters); counts cover the whole call. Everything below
    the call's settings is the same for every member of the secretariat: it
    is drawn once per call revision, register revision, filters and page
    (cached; the revisions are read on every request, so a write shows at
    once, in every process) until the next endorsement deadline passes; so is
    the page around it, the person's name and CSRF token put in on the way
    out. Invalid filters are drawn afresh with their errors. A constant number of
    queries whatever the size of the call.
    """
    # The call's own columns the page shows and is keyed by, in one prepared
    # query (every call is the secretariat's: ``_calls_for_user`` lists them all);
    # the whole call and the filters' form are read only when the page is drawn.
    row = _CALL_KEY.first(pk)
    if row is None:
        raise Http404
    number = page_number(request.GET.get("page"))
    chosen = [request.GET.get(name, "") for name in ("state", "region", "country")]

    def build(now: dt.datetime) -> Fragment:
        call = get_object_for_user_or_404(request.user, _calls_for_user, pk=pk)
        filters = SubmissionFilterForm(request.GET or None)
        if filters.is_bound and not filters.is_valid():
            raise _InvalidFilters(call, filters)
        return _dashboard_body(call, filters, number, now)

    try:
        return cached_workspace_page(
            request,
            "calls/secretariat/call_dashboard.html",
            "call-dashboard",
            (pk, *row, current_revision(), bool(request.GET), chosen, number),
            build,
            {"title": row[_CALL_KEY_FIELDS.index("title")]},
        )
    except _InvalidFilters as invalid:
        # Drawn afresh with the form's errors, never cached.
        html, _stale_at = _dashboard_body(invalid.call, invalid.filters, number, timezone.now())
        return render(
            request,
            "calls/secretariat/call_dashboard.html",
            {"title": invalid.call.title, "body": mark_safe(html)},  # noqa: S308 - our template
        )


class _InvalidFilters(Exception):
    """The dashboard's filters are invalid: its page is drawn with their errors."""

    def __init__(self, call: Call, filters: SubmissionFilterForm):
        super().__init__()
        self.call, self.filters = call, filters


# What keys the cached dashboard: the call's creation (a recreated id is another
# call), its revision (bumped by every change of it or its submissions) and the
# settings shown above the counts.
_CALL_KEY_FIELDS = ("created_at", "revision", "title", "kind", "opens_at", "closes_at", "time_zone")
_CALL_KEY = PreparedSelect(
    lambda pk: Call.objects.filter(pk=pk).values_list(*_CALL_KEY_FIELDS), (-1,)
)


def _dashboard_body(call: Call, filters: SubmissionFilterForm, number: int, now) -> Fragment:
    """Draw the dashboard's counts, overdue endorsements and a page of submissions.

    Stale when the next endorsement deadline of a submitted application
    passes (it joins the overdue list). Seven queries at most.
    """
    counts = count_call_submissions(call)
    # The most overdue first, and only a screenful: one row more tells whether
    # there are others, without counting them all.
    overdue = rows_for_display(
        overdue_endorsement_rows(call, now=now, limit=OVERDUE_SHOWN + 1),
        "calls:secretariat-submission",
    )
    overdue_more = len(overdue) > OVERDUE_SHOWN
    chosen, filters_key, query = _chosen_filters(filters)
    paginator = Paginator(call_submission_rows(call, **chosen), PAGE_SIZE)
    if not chosen["region"] and not chosen["country"]:
        # The counts have these already: spare the paginator its COUNT query.
        paginator.count = counts.states.get(chosen["state"], 0) if chosen["state"] else counts.total
    page = paginator.get_page(number)
    page.object_list = rows_for_display(page.object_list, "calls:secretariat-submission")
    html = render_to_string(
        "calls/secretariat/_call_dashboard_body.html",
        {
            "call": call,
            "counts": counts,
            "overdue": overdue[:OVERDUE_SHOWN],
            "overdue_more": overdue_more,
            "filters": filters,
            "filters_key": filters_key,
            "page": page,
            "query": query,
        },
    )
    return html, next_endorsement_deadline(call, now=now)


def _chosen_filters(filters: SubmissionFilterForm) -> tuple[dict, str | None, str]:
    """Return the filters chosen, the cache key of their form's drawing and the links' query."""
    chosen = {"state": "", "region": "", "country": ""}
    raw = filters.data if filters.is_bound else {}
    filters_key = None  # the filters' form is drawn once per language and valid input
    if not filters.is_bound or filters.is_valid():
        filters_key = repr([filters.is_bound, *(raw.get(name, "") for name in chosen)])
    if filters.is_valid():
        chosen.update({key: filters.cleaned_data[key] for key in chosen})
    # The links keep the filters given, nothing else: the page is shared.
    query = QueryDict(mutable=True)
    for name in chosen:
        if raw.get(name):
            query[name] = raw[name]
    return chosen, filters_key, query.urlencode()


@require_safe
@permission_required("calls.view_call")
def call_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Stream the call's submissions as CSV, one row per submission (UTF-8, attachment).

    Every submission, not a page: the rows are read from the database in
    chunks (with their answers, for the completeness column) and written as
    they come, so neither the server nor the first byte waits for the whole call.
    """
    call = get_object_for_user_or_404(request.user, _calls_for_user, pk=pk)
    submissions = (
        _call_submissions(call)
        .select_related("call")
        .prefetch_related("answers")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    response = StreamingHttpResponse(
        submissions_csv_lines(submissions), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-submissions.csv"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.screen_submission")
def submission_screening(request: HttpRequest, pk: int) -> HttpResponse:
    """Screen a submission: its eligibility checklist, manual checks, decisions, history.

    POST ``form=manual`` records one manual check (``record_manual_check``);
    POST ``action`` = eligible / ineligible (reason) / needs_changes
    (comments) moves it through ``transition()``; on a submission escalated
    to the secretariat (the endorsement deadline passed on a call that
    escalates), ``action`` = endorse / return / decline decides in the
    National Commission's place. Domain refusals become
    error messages and the page is shown again.
    """
    submission = get_object_for_user_or_404(request.user, submissions_for_user, pk=pk)
    forms = _move_forms(request.user, submission)
    manual_labels = manual_check_codes(submission.call)
    bound_manual = None
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "manual":
            bound_manual = ManualCheckForm(request.POST, prefix=request.POST.get("code", ""))
            status = _record_manual(request, submission, bound_manual)
        else:
            status = _move(request, submission, forms)
        if status == 302:
            return redirect("calls:secretariat-submission", pk=submission.pk)
    checklist = eligibility_checklist(submission)
    manual_forms = _manual_forms(submission, manual_labels, bound_manual)
    context = application_context(submission)
    context.update(
        {
            "checklist": checklist,
            "outcome_passed": CheckOutcome.PASSED,
            "all_passed": all(check.passed for check in checklist),
            "manual_forms": manual_forms,
            "can_screen": may_screen(request.user, submission),
            "extendable": is_editable(request.user, submission),
            "move_sections": _move_sections(forms),
            "transitions": submission.transitions.select_related("actor").order_by(
                "created_at", "pk"
            ),
        }
    )
    return render(request, "calls/secretariat/submission.html", context, status=status)


MOVES_BY_ACTION = {move.action: move for move in SECRETARIAT_MOVES}


def _move_forms(user, submission) -> dict:
    """Return ``{action: form}`` of the moves ``user`` may make on ``submission`` now.

    The moves are data (``enums.SECRETARIAT_MOVES``); the state machine's
    table and the person's role say which apply (``may_transition``).
    """
    return {
        move.action: MoveForm(move=move)
        for move in SECRETARIAT_MOVES
        if (move.sources is None or submission.state in move.sources)
        and may_transition(user, submission, move.state)
    }


def _move_sections(forms: dict) -> list[dict]:
    """Return the page's parts that have moves: ``key``, ``heading`` and ``forms``, in order."""
    sections = []
    for key, heading in MOVE_SECTIONS.items():
        shown = [form for form in forms.values() if form.move.section == key]
        if shown:
            sections.append({"key": key, "heading": heading, "forms": shown})
    return sections


def _move(request: HttpRequest, submission, forms: dict) -> int:
    """Make the POSTed ``action`` through ``transition()``; return 302, else the error status.

    ``forms`` gets the bound form of the action, to be drawn with its errors.
    A move the page no longer offers (posted from a page shown before the
    submission moved on) gets the state machine's refusal.
    """
    move = MOVES_BY_ACTION.get(request.POST.get("action", ""))
    if move is None:
        messages.error(
            request, _("Choose eligible, ineligible or needs changes for the submission.")
        )
        return 400
    form = MoveForm(request.POST, move=move)
    if move.action in forms:  # drawn again with its errors
        forms[move.action] = form
    if not form.is_valid():
        return 400
    try:
        transition(
            submission, form.move.state, actor=request.user, comment=form.cleaned_data["comment"]
        )
    except SubmissionError as error:
        return show_error(request, error)
    messages.success(
        request,
        _("%(city)s's submission is now “%(state)s”.")
        % {"city": submission.city, "state": submission.get_state_display()},
    )
    return 302


def _manual_forms(submission, labels: dict, bound: ManualCheckForm | None) -> list:
    """Return one form per manual check of the call, with its answer; ``bound`` as posted."""
    answered = {row.code: row for row in ManualCheck.objects.filter(submission=submission)}
    forms = []
    for code, label in labels.items():
        if bound is not None and bound.prefix == code:
            form = bound
        else:
            form = _manual_form(code, answered.get(code))
        form.label = label
        forms.append(form)
    return forms


def _manual_form(code: str, row: ManualCheck | None) -> ManualCheckForm:
    initial = {"code": code}
    if row is not None:
        initial.update({"passed": "yes" if row.passed else "no", "note": row.note})
    return ManualCheckForm(initial=initial, prefix=code)


def _record_manual(request: HttpRequest, submission, form: ManualCheckForm) -> int:
    """Record one manual check from ``form``; return 302 on success, else the error status."""
    if not form.is_valid():
        return 400
    try:
        record_manual_check(
            submission,
            form.cleaned_data["code"],
            passed=form.cleaned_data["passed"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except SubmissionError as error:
        return show_error(request, error)
    messages.success(request, _("The check is recorded."))
    return 302


# Edit a call, its attachments ---------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.change_call")
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the call's settings to change; POST changes them through ``update_call``.

    The settings the call's phase locks (``locked_call_fields``) are shown
    disabled with the sentence saying why; the domain refuses a forged change
    to them. Also lists the call's attachments with the form to add one.
    Effects: the call (activity ``calls.call.update``); then its dashboard.
    """
    call = get_object_for_user_or_404(request.user, _calls_for_user, pk=pk)
    locks = locked_call_fields(call)
    form = CallEditForm(request.POST or None, call=call, locks=locks)
    if request.method == "POST" and form.is_valid():
        try:
            _call, changed = update_call(call, actor=request.user, **form.changed_settings())
        except SubmissionError as error:
            show_error(request, error, form)
        else:
            if changed:
                messages.success(request, _("The call “%(title)s” is changed.") % {"title": _call})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("calls:secretariat-call", pk=call.pk)
    return _edit_page(request, call, form=form, status=400 if form.is_bound else 200)


def _edit_page(request, call, *, form=None, attachment_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "calls/secretariat/call_edit.html",
        {
            "call": call,
            "form": form or CallEditForm(call=call, locks=locked_call_fields(call)),
            "phase": call_phase(call),
            "attachments": call.attachments.select_related("document").order_by("created_at", "pk"),
            "attachment_form": attachment_form or CallAttachmentForm(),
        },
        status=status,
    )


@require_http_methods(["POST"])
@permission_required("calls.change_call")
def call_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a document with the call (``add_call_attachment``); then the edit page.

    A refused file (too large, a type not allowed, a virus) comes back as the
    form's error, status 400.
    """
    call = get_object_for_user_or_404(request.user, _calls_for_user, pk=pk)
    form = CallAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment = add_call_attachment(
                call, upload, actor=request.user, title=form.cleaned_data["title"], name=upload.name
            )
        except (DocumentError, SubmissionError) as error:
            show_error(request, error, form, field="file")
        else:
            messages.success(
                request, _("“%(title)s” is published with the call.") % {"title": attachment}
            )
            return redirect(reverse("calls:secretariat-call-edit", kwargs={"pk": call.pk}))
    return _edit_page(request, call, attachment_form=form, status=400)


def _attachments_for_user(user):
    """Every call's attachments (the views check ``calls.change_call`` first)."""
    return CallAttachment.objects.select_related("call", "document")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.change_call")
def call_attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to confirm, then withdraw an attachment (``remove_call_attachment``): its link dies."""
    attachment = get_object_for_user_or_404(request.user, _attachments_for_user, pk=pk)
    call = attachment.call
    if request.method == "POST":
        remove_call_attachment(attachment, actor=request.user)
        messages.success(
            request, _("“%(title)s” is withdrawn from the call.") % {"title": attachment}
        )
        return redirect(reverse("calls:secretariat-call-edit", kwargs={"pk": call.pk}))
    return render(
        request,
        "calls/secretariat/attachment_remove.html",
        {"attachment": attachment, "call": call},
    )


# One city's deadline ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.extend_deadline")
def submission_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one city a later deadline: a local time of the call's zone and a reason.

    POST calls ``extend_deadline`` (activity with the reason, a mail to the
    city's coordinators); its refusals (the submission is no longer the city's
    to change, a deadline before the call closes) come back as form errors.
    """
    submission = get_object_for_user_or_404(request.user, submissions_for_user, pk=pk)
    call = submission.call
    form = DeadlineExtensionForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            extend_deadline(
                submission,
                actor=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except SubmissionError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request,
                _("%(city)s may now submit until %(deadline)s; its coordinators are told.")
                % {
                    "city": submission.city,
                    "deadline": in_call_zone(submission.deadline_extension, call),
                },
            )
            return redirect("calls:secretariat-submission", pk=submission.pk)
    return render(
        request,
        "calls/secretariat/submission_extend.html",
        {
            "submission": submission,
            "call": call,
            "form": form,
            "current_deadline": in_call_zone(submission_deadline(submission), call),
            "extendable": is_editable(request.user, submission),
        },
        status=400 if form.is_bound else 200,
    )


# Messages to the people of a call -----------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.change_call")
def call_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to the applicants, endorsers or jurors of a call, filtered; preview; send.

    POST ``step=preview`` shows how many people would receive it and the
    message one of them would read; POST ``step=send`` sends it through
    ``send_call_message`` (once per form: its ``send_key``), then the
    dashboard. If the number of recipients changed since the preview, the
    preview is shown again. POST ``step=edit`` goes back to the form.
    """
    call = get_object_for_user_or_404(request.user, _calls_for_user, pk=pk)
    audiences = registered_audiences()
    form = CallMessageForm(request.POST or None, audiences=audiences)
    step = _message_step(request)
    context = {"call": call, "form": form, "preview": None, "sent": _sent(call, audiences)}
    if step == "edit":
        # Back to the form, filled in as it was, without its errors.
        context["form"] = CallMessageForm(
            initial={name: request.POST.get(name, "") for name in form.fields},
            audiences=audiences,
        )
        return render(request, "calls/secretariat/call_message.html", context)
    if step in ("preview", "send") and form.is_valid():
        response = _preview_or_send(request, call, form, step=step, context=context)
        if response is not None:
            return response
    status = 400 if form.is_bound else 200
    return render(request, "calls/secretariat/call_message.html", context, status=status)


def _message_step(request: HttpRequest) -> str:
    """Return the step a POST asks for: preview (the default), send or edit; "" on GET."""
    if request.method != "POST":
        return ""
    return request.POST.get("step") or "preview"


def _preview_or_send(
    request: HttpRequest, call: Call, form: CallMessageForm, *, step: str, context: dict
) -> HttpResponse | None:
    """Show the preview of the valid ``form``'s message, or send it (``step``).

    Return None when a rule refuses it: the refusal is then on the form.
    """
    data = form.cleaned_data
    arguments = {
        "audience": data["audience"],
        "filters": form.filters(),
        "subject": data["subject"],
        "body": data["body"],
    }
    try:
        preview = preview_call_message(call, **arguments)
        if step == "send" and _send(request, call, preview, arguments):
            return redirect("calls:secretariat-call", pk=call.pk)
    except SubmissionError as error:
        show_error(request, error, form)
        return None
    context["preview"] = preview
    context["hidden"] = form.for_sending(count=preview.count)
    return render(request, "calls/secretariat/call_message.html", context)


def _sent(call: Call, audiences) -> list[tuple]:
    """Return the call's latest messages, each with its audience's label."""
    labels = {audience.code: audience.label for audience in audiences}
    latest = call.messages.select_related("sent_by").order_by("-created_at", "-pk")[:SENT_SHOWN]
    return [(message, labels.get(message.audience, message.audience)) for message in latest]


def _send(request: HttpRequest, call: Call, preview, arguments: dict) -> bool:
    """Send the previewed message (``send_call_message``); return whether it was sent.

    Sent only while the recipients are as many as the preview said (POST
    ``expected``); otherwise a warning asks to check the preview again.
    """
    if not preview.count:
        return False
    if request.POST.get("expected", "") != str(preview.count):
        messages.warning(
            request, _("The number of recipients changed since the preview: check it again.")
        )
        return False
    message, is_new = send_call_message(
        call, actor=request.user, send_key=request.POST.get("send_key", ""), **arguments
    )
    if is_new:
        messages.success(
            request,
            ngettext(
                "The message “%(subject)s” is sent to %(count)s person.",
                "The message “%(subject)s” is sent to %(count)s people.",
                message.recipient_count,
            )
            % {"subject": message.subject, "count": message.recipient_count},
        )
    else:
        messages.info(request, _("This message was sent already; it was not sent again."))
    return True
