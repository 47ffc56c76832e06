"""The jury's set-up: the secretariat's panel pages and the juror's ties and recusal.

Secretariat pages (``reviews.manage_panel``: the secretariat and operators;
anyone else 403) live under /workspace/calls/<call>/jury/: the overview
(settings, phases, jurors, conflicted assignments, submissions), the
automatic assignment and its report, one submission's assignment (jurors
with their conflicts explained), one juror's ties. Juror pages
(``reviews.declare_tie``: jurors only) are /jury/ties/ and the recusal from
an assigned submission, fetched through ``submissions_for_juror`` so a
submission the juror may not see answers 404. Writes go through the domain
(``panels``, ``conflicts``, ``assignments``); their refusals come back as
messages or form errors with a 400 (a 409 once the jury record of the
submission stands, ``domain.record``), never a 500.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learningcities.accounts.domain.errors import OrganisationError
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.enums import assignable_states
from learningcities.calls.models import Call, Submission
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.errors import http_status
from learningcities.common.views.errors import show_error

from ..domain.assignments import (
    assign_submission,
    assignment_counts,
    auto_assign,
    conflicted_assignments,
    juror_region,
    panel_jurors,
    unassign_submission,
)
from ..domain.conflicts import record_tie, recusal_refusal, recuse, remove_tie
from ..domain.errors import ReviewError
from ..domain.panels import (
    PANEL_SETTINGS,
    add_juror,
    add_phase,
    advance_phase,
    create_panel,
    invite_juror,
    remove_phase,
    set_reviews_per_submission,
    update_panel_settings,
    update_phase,
)
from ..domain.queries.conflicts import conflict_reasons, prefetch_juror_ties
from ..domain.queries.jurors import juror_candidates_for_panel
from ..domain.queries.phases import phase_status
from ..domain.queries.reviews import submissions_for_juror
from ..domain.record import jury_record_refusal
from ..enums import ConflictReason, ReviewState, TieSource
from ..interfaces.panel_forms import (
    JurorInviteForm,
    JurorRecusalForm,
    JurorSearchForm,
    PanelCreateForm,
    PanelSettingsForm,
    PhaseForm,
    RecusalForm,
    TieForm,
)
from ..models import Assignment, JurorTie, Panel, Recusal, ReviewPhase
from ..rules import is_assignable

PAGE_SIZE = 50
WRITE_ERRORS = (ReviewError, SubmissionError, OrganisationError)


def _calls(user):
    """Every call (the views check ``reviews.manage_panel`` first)."""
    return Call.objects.all()


def _call_and_panel(request: HttpRequest, call_pk: int) -> tuple[Call, Panel]:
    """Return the call and its panel; 404 when either is missing."""
    call = get_object_for_user_or_404(request.user, _calls, pk=call_pk)
    panel = Panel.objects.filter(call=call).select_related("organisation").first()
    if panel is None:
        raise Http404
    panel.call = call  # read already
    return call, panel


def _reason_labels(reasons) -> list[str]:
    return [str(ConflictReason(reason).label) for reason in sorted(reasons)]


def _ties_by_juror(jurors) -> dict[int, list[JurorTie]]:
    found: dict[int, list[JurorTie]] = defaultdict(list)
    for tie in JurorTie.objects.filter(juror__in=list(jurors)).select_related("country", "city"):
        found[tie.juror_id].append(tie)
    return found


def _jurors_listed(panel: Panel) -> list:
    """Return the panel's jurors with their ties read and their counts of assignments."""
    jurors = panel_jurors(panel)
    prefetch_juror_ties(jurors)
    counts = assignment_counts(panel, jurors)
    ties = _ties_by_juror(jurors)
    for juror in jurors:
        juror.assigned = counts[juror.pk]["assigned"]
        juror.submitted = counts[juror.pk]["submitted"]
        juror.ties_listed = ties.get(juror.pk, [])
    return jurors


def _panel_create(request: HttpRequest, call) -> HttpResponse:
    """Show the form that creates the call's panel; POST creates it (``create_panel``)."""
    status = 200
    form = PanelCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                create_panel(
                    call,
                    organisation=data["organisation"],
                    organisation_name=data["organisation_name"],
                    actor=request.user,
                    **{key: data[key] for key in PANEL_SETTINGS},
                )
            except WRITE_ERRORS as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("The jury panel is created."))
                return redirect("reviews:panel", call_pk=call.pk)
    return render(request, "reviews/panel/create.html", {"call": call, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def panel_overview(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Show the call's jury: settings, phases, jurors, conflicted assignments, submissions.

    Without a panel, the form that creates one (POST ``form=create``: an
    existing panel organisation or the name of a new one). POST
    ``form=settings`` changes the settings (``update_panel_settings``). A
    constant number of queries whatever the number of jurors and submissions.
    """
    call = get_object_for_user_or_404(request.user, _calls, pk=call_pk)
    panel = Panel.objects.filter(call=call).select_related("organisation").first()
    if panel is not None:
        panel.call = call  # read already
    if panel is None:
        return _panel_create(request, call)
    status = 200
    settings_form = PanelSettingsForm.for_panel(
        panel, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        status = 400
        if settings_form.is_valid():
            data = dict(settings_form.cleaned_data)
            min_reviews = data.pop("min_reviews")
            try:
                with transaction.atomic():
                    update_panel_settings(panel, actor=request.user, **data)
                    if min_reviews is not None:
                        set_reviews_per_submission(panel, actor=request.user, count=min_reviews)
            except WRITE_ERRORS as error:
                show_error(request, error, settings_form)
            else:
                messages.success(request, _("The panel's settings are saved."))
                return redirect("reviews:panel", call_pk=call.pk)

    jurors = _jurors_listed(panel)
    conflicted = [
        (assignment, _reason_labels(reasons))
        for assignment, reasons in conflicted_assignments(panel, jurors=jurors)
    ]
    submissions = (
        Submission.objects.filter(call=call, state__in=assignable_states)
        .select_related("city", "country")
        .annotate(
            n_assigned=Count("assignments", filter=Q(assignments__panel=panel)),
            n_submitted=Count(
                "assignments",
                filter=Q(
                    assignments__panel=panel,
                    assignments__review__state=ReviewState.SUBMITTED,
                ),
            ),
        )
        .order_by("city__name", "pk")
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    phases = list(ReviewPhase.objects.filter(panel=panel).order_by("order", "starts_at", "pk"))
    return render(
        request,
        "reviews/panel/overview.html",
        {
            "call": call,
            "panel": panel,
            "settings_form": settings_form,
            "phases": phases,
            "jurors": jurors,
            "conflicted": conflicted,
            "page": page,
            "k": call.min_reviews,
            "phase_status": phase_status(panel, phases=phases),
        },
        status=status,
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["POST"])
@permission_required("reviews.manage_panel")
def phase_advance(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Close the phase in force and open the next one now (``advance_phase``).

    Back to ``next`` (a page of this site) or the jury page, with a message
    naming the phase now in force, or why nothing changed.
    """
    call, panel = _call_and_panel(request, call_pk)
    try:
        phase = advance_phase(panel, actor=request.user)
    except ReviewError as error:
        show_error(request, error)
    else:
        messages.success(request, _("“%(phase)s” is now in force.") % {"phase": phase.name})
    fallback = reverse("reviews:panel", kwargs={"call_pk": call.pk})
    return HttpResponseRedirect(_safe_next(request, fallback))


JUROR_CANDIDATES = 20


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def juror_add(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Add a person who holds the juror role to the panel, or invite a new one by e-mail.

    GET ``q`` searches the people with the juror role who are not on the
    panel (name or e-mail, the first 20). POST ``action=add`` (``person``)
    adds one (``add_juror``); ``action=invite`` (``email``) invites one to
    the panel's organisation (``invite_juror``). Refusals: 400 with the reason.
    """
    call, panel = _call_and_panel(request, call_pk)
    search_form = JurorSearchForm(request.GET or None)
    invite_form = JurorInviteForm(request.POST if request.POST.get("action") == "invite" else None)
    status = 200
    if request.method == "POST":
        status = 400
        action = request.POST.get("action", "")
        try:
            if action == "add":
                person = _chosen_candidate(panel, request.POST.get("person"))
                add_juror(panel, person, actor=request.user)
                messages.success(
                    request, _("%(person)s is now a juror of the panel.") % {"person": person}
                )
                return redirect("reviews:panel", call_pk=call.pk)
            if action == "invite":
                if invite_form.is_valid():
                    invitation = invite_juror(
                        panel, email=invite_form.cleaned_data["email"], actor=request.user
                    )
                    messages.success(
                        request,
                        _("An invitation to join the panel is sent to %(email)s.")
                        % {"email": invitation.email},
                    )
                    return redirect("reviews:panel", call_pk=call.pk)
            else:
                raise ReviewError(_("Choose add or invite."), code="action")
        except WRITE_ERRORS as error:
            show_error(request, error, invite_form)
    search = search_form.cleaned_data.get("q", "") if search_form.is_valid() else ""
    candidates = (
        list(juror_candidates_for_panel(panel, search=search)[:JUROR_CANDIDATES]) if search else []
    )
    return render(
        request,
        "reviews/panel/juror_add.html",
        {
            "call": call,
            "panel": panel,
            "search_form": search_form,
            "invite_form": invite_form,
            "search": search,
            "candidates": candidates,
            "jurors": panel_jurors(panel),
        },
        status=status,
    )


def _phase_page(request, call, panel, form, phase=None, status=200) -> HttpResponse:
    return render(
        request,
        "reviews/panel/phase_form.html",
        {
            "call": call,
            "panel": panel,
            "form": form,
            "phase": phase,
            "phase_status": phase_status(panel),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def phase_create(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Show a new phase's form (the call's time zone); POST adds it (``add_phase``)."""
    call, panel = _call_and_panel(request, call_pk)
    form = PhaseForm(request.POST if request.method == "POST" else None, time_zone=call.time_zone)
    if request.method == "POST":
        if form.is_valid():
            try:
                add_phase(panel, actor=request.user, **form.phase_fields())
            except ReviewError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("The phase is added."))
                return redirect("reviews:panel", call_pk=call.pk)
        return _phase_page(request, call, panel, form, status=400)
    return _phase_page(request, call, panel, form)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def phase_edit(request: HttpRequest, call_pk: int, pk: int) -> HttpResponse:
    """Edit a phase; POST ``action=delete`` removes it (``update_phase`` / ``remove_phase``)."""
    call, panel = _call_and_panel(request, call_pk)
    phase = ReviewPhase.objects.filter(panel=panel, pk=pk).first()
    if phase is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "delete":
        if request.POST.get("confirm") != "yes":  # irreversible: "I understand" must be ticked
            messages.error(request, _("The phase was not removed: tick the box to confirm."))
            return redirect("reviews:phase", call_pk=call.pk, pk=phase.pk)
        remove_phase(phase, actor=request.user)
        messages.success(request, _("The phase is removed."))
        return redirect("reviews:panel", call_pk=call.pk)
    form = PhaseForm.for_phase(
        phase,
        time_zone=call.time_zone,
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                update_phase(phase, actor=request.user, **form.phase_fields())
            except ReviewError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("The phase is saved."))
                return redirect("reviews:panel", call_pk=call.pk)
        return _phase_page(request, call, panel, form, phase, status=400)
    return _phase_page(request, call, panel, form, phase)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def assignment_run(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Explain the automatic assignment; POST runs it (``auto_assign``) and shows its report."""
    call, panel = _call_and_panel(request, call_pk)
    report = None
    status = 200
    if request.method == "POST":
        try:
            report = auto_assign(panel, actor=request.user)
        except WRITE_ERRORS as error:
            status = show_error(request, error)
    return render(
        request,
        "reviews/panel/assignment.html",
        {"call": call, "panel": panel, "report": report, "k": call.min_reviews},
        status=status,
    )


def _juror_row(
    panel: Panel, submission: Submission, juror, *, reasons, load: int, assigned: bool
) -> dict:
    """Return one juror's row on a submission's assignment page."""
    return {
        "juror": juror,
        "region": juror_region(juror),
        "load": load,
        "conflicts": _reason_labels(reasons),
        "assigned": assigned,
        "at_limit": load >= panel.max_load,
        "assignable": not reasons
        and not assigned
        and load < panel.max_load
        and is_assignable(None, submission),
    }


def _assignment_rows(panel: Panel, submission: Submission, jurors) -> tuple[list, list[dict]]:
    """Return the submission's assignments and a row per juror, with conflicts and loads.

    The conflicts are ``conflict_reasons`` (one computation, see
    ``domain.queries.conflicts``), the jurors' ties read in one go.
    """
    prefetch_juror_ties(jurors)
    by_id = {juror.pk: juror for juror in jurors}
    assignments = list(
        Assignment.objects.filter(panel=panel, submission=submission)
        .select_related("review")
        .order_by("pk")
    )
    assigned = {assignment.juror_id for assignment in assignments}
    recused = set(Recusal.objects.filter(submission=submission).values_list("juror_id", flat=True))
    loads = dict(
        Assignment.objects.filter(panel=panel)
        .values_list("juror_id")
        .annotate(n=Count("pk"))
        .values_list("juror_id", "n")
    )
    reasons = {
        juror.pk: conflict_reasons(juror, submission, recused=juror.pk in recused)
        for juror in jurors
    }
    rows = [
        _juror_row(
            panel,
            submission,
            juror,
            reasons=reasons[juror.pk],
            load=loads.get(juror.pk, 0),
            assigned=juror.pk in assigned,
        )
        for juror in jurors
    ]
    for assignment in assignments:
        assignment.juror = by_id.get(assignment.juror_id) or assignment.juror
        assignment.conflicts = _reason_labels(reasons.get(assignment.juror_id, ()))
    return assignments, rows


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def submission_assignment(request: HttpRequest, call_pk: int, pk: int) -> HttpResponse:
    """Assign jurors to one submission by hand; record a recusal.

    Lists every juror of the panel with their load and, for a juror in
    conflict, why (such jurors cannot be assigned). POST ``action`` =
    ``assign`` (``juror``), ``unassign`` (``assignment``) or ``recuse``
    (``juror``, ``reason``). A constant number of queries.
    """
    call, panel = _call_and_panel(request, call_pk)
    submission = (
        Submission.objects.filter(call=call, pk=pk)
        .select_related("city", "country", "organisation", "call")
        .first()
    )
    if submission is None:
        raise Http404
    jurors = panel_jurors(panel)
    by_id = {juror.pk: juror for juror in jurors}
    recusal_form = JurorRecusalForm(jurors=jurors)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                juror = _chosen_juror(by_id, request.POST.get("juror"))
                assign_submission(panel, submission, juror, actor=request.user)
                messages.success(request, _("%(juror)s is assigned.") % {"juror": juror})
                return redirect("reviews:panel-submission", call_pk=call.pk, pk=submission.pk)
            if action == "unassign":
                assignment = (
                    Assignment.objects.filter(
                        panel=panel, submission=submission, pk=_int(request.POST.get("assignment"))
                    )
                    .select_related("juror", "submission__organisation", "review")
                    .first()
                )
                if assignment is None:
                    raise ReviewError(_("That assignment does not exist."), code="missing")
                unassign_submission(assignment, actor=request.user)
                messages.success(request, _("The assignment is removed."))
                return redirect("reviews:panel-submission", call_pk=call.pk, pk=submission.pk)
            if action == "recuse":
                recusal_form = JurorRecusalForm(request.POST, jurors=jurors)
                if recusal_form.is_valid():
                    juror = by_id[recusal_form.cleaned_data["juror"]]
                    recuse(
                        submission,
                        juror,
                        reason=recusal_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("The recusal is recorded."))
                    return redirect("reviews:panel-submission", call_pk=call.pk, pk=submission.pk)
                status = 400
            else:
                raise ReviewError(_("Choose assign, unassign or recuse."), code="action")
        except WRITE_ERRORS as error:
            status = show_error(request, error)

    assignments, rows = _assignment_rows(panel, submission, jurors)
    return render(
        request,
        "reviews/panel/submission.html",
        {
            "call": call,
            "panel": panel,
            "submission": submission,
            "assignments": assignments,
            "rows": rows,
            "recusals": list(Recusal.objects.filter(submission=submission).select_related("juror")),
            "recusal_form": recusal_form,
            "assignable_state": request.user.has_perm("reviews.assign_submission", submission),
            # The jury's work on it is over: no unassigning, no recusal (domain.record).
            "record_frozen": jury_record_refusal(submission.state) is not None,
            "k": call.min_reviews,
        },
        status=status,
    )


def _chosen_juror(by_id: dict, value):
    """Return the panel's juror whose id was posted, or refuse (``not_a_juror``)."""
    juror = by_id.get(_int(value))
    if juror is None:
        raise ReviewError(_("Choose a juror of the panel."), code="not_a_juror")
    return juror


def _chosen_candidate(panel: Panel, value):
    """Return the posted person who may join the panel, or refuse (``not_a_juror``)."""
    person = juror_candidates_for_panel(panel).filter(pk=_int(value)).first()
    if person is None:
        raise ReviewError(
            _("Choose a person who holds the juror role and is not on the panel."),
            code="not_a_juror",
        )
    return person


def _own_declared_tie(user, value) -> JurorTie:
    """Return the posted tie ``user`` declared themself, or refuse (``missing``)."""
    tie = JurorTie.objects.filter(juror=user, source=TieSource.JUROR, pk=_int(value)).first()
    if tie is None:
        raise ReviewError(_("That tie does not exist."), code="missing")
    return tie


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.manage_panel")
def juror_ties(request: HttpRequest, call_pk: int, pk: int) -> HttpResponse:
    """Show a juror of the panel with their ties and assignments; POST adds or removes a tie.

    POST ``action=add`` (kind, country or city, reason) records a tie from
    the secretariat (``record_tie``); ``action=remove`` (``tie``) removes one
    (``remove_tie``).
    """
    call, panel = _call_and_panel(request, call_pk)
    juror = next((person for person in panel_jurors(panel) if person.pk == pk), None)
    if juror is None:
        raise Http404
    form = TieForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if request.POST.get("action") == "remove":
                tie = JurorTie.objects.filter(juror=juror, pk=_int(request.POST.get("tie"))).first()
                if tie is None:
                    raise ReviewError(_("That tie does not exist."), code="missing")
                remove_tie(tie, actor=request.user)
                messages.success(request, _("The tie is removed."))
                return redirect("reviews:panel-juror", call_pk=call.pk, pk=juror.pk)
            if form.is_valid():
                record_tie(
                    juror,
                    kind=form.cleaned_data["kind"],
                    country=form.cleaned_data["country"],
                    city=form.cleaned_data["city"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("The tie is recorded."))
                return redirect("reviews:panel-juror", call_pk=call.pk, pk=juror.pk)
        except ReviewError as error:
            show_error(request, error, form)
    ties = list(
        JurorTie.objects.filter(juror=juror).select_related("country", "city", "recorded_by")
    )
    assignments = list(
        Assignment.objects.filter(panel=panel, juror=juror)
        .select_related("submission__city", "submission__country", "review")
        .order_by("submission__city__name", "pk")
    )
    return render(
        request,
        "reviews/panel/juror.html",
        {
            "call": call,
            "panel": panel,
            "juror": juror,
            "ties": ties,
            "assignments": assignments,
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.declare_tie")
def own_ties(request: HttpRequest) -> HttpResponse:
    """The juror's ties: those they declared and those the secretariat added.

    POST ``action=add`` declares a tie (``record_tie`` by the juror);
    ``action=remove`` (``tie``) withdraws one they declared themself.
    """
    user = request.user
    form = TieForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if request.POST.get("action") == "remove":
                tie = _own_declared_tie(user, request.POST.get("tie"))
                remove_tie(tie, actor=user)
                messages.success(request, _("The tie is withdrawn."))
                return redirect("reviews:ties")
            if form.is_valid():
                record_tie(
                    user,
                    kind=form.cleaned_data["kind"],
                    country=form.cleaned_data["country"],
                    city=form.cleaned_data["city"],
                    reason=form.cleaned_data["reason"],
                    actor=user,
                )
                messages.success(
                    request,
                    _("The tie is recorded: you no longer see submissions it concerns."),
                )
                return redirect("reviews:ties")
        except ReviewError as error:
            show_error(request, error, form)
    ties = list(
        JurorTie.objects.filter(juror=user).select_related("country", "city", "recorded_by")
    )
    return render(
        request,
        "reviews/panel/own_ties.html",
        {
            "form": form,
            "declared": [tie for tie in ties if tie.source == TieSource.JUROR],
            "added": [tie for tie in ties if tie.source == TieSource.SECRETARIAT],
            "nationality": user.nationality,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.declare_tie")
def recuse_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the juror for a reason; POST recuses them from an assigned submission (``recuse``).

    The submission is fetched through ``submissions_for_juror``: not
    assigned or conflicted answers 404. Afterwards the juror no longer sees it.
    Once the jury record stands (``recusal_refusal``) the page says why
    instead of offering the form, and a POST is refused with 409.
    """
    submission = get_object_for_user_or_404(request.user, submissions_for_juror, pk=pk)
    form = RecusalForm(request.POST if request.method == "POST" else None)
    refusal = recusal_refusal(submission, request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if refusal is not None:
            status = 409  # whatever the form holds: the record stands
        elif form.is_valid():
            try:
                recuse(
                    submission, request.user, reason=form.cleaned_data["reason"], actor=request.user
                )
            except ReviewError as error:
                if error.code == "frozen":
                    refusal = error  # said in place of the form
                    status = http_status(error)
                else:
                    status = show_error(request, error, form)
            else:
                messages.success(
                    request, _("You have recused yourself; the secretariat will reassign it.")
                )
                return redirect("reviews:jury-workspace")
    return render(
        request,
        "reviews/panel/recuse.html",
        {"submission": submission, "form": form, "refusal": refusal},
        status=status,
    )
