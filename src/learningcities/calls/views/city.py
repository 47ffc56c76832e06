"""The city coordinator's applications: list, overview, profile, sections and preview.

Every page asks for ``calls.view_city_applications`` (anonymous people log
in, other roles get 403); an application is fetched among the coordinator's
own cities' (another city's answers 404). Writes go through the domain
(``start_submission``, ``save_draft``, ``save_answer``, ``attach_document``,
``transition``); its refusals are shown as form errors or messages.

The profile and section forms work as plain POST forms; ``lc/js/autosave.js``
posts changed fields in the background with the header ``X-Autosave: 1``,
answered 204 when saved, or JSON ``{"errors": {field: [messages]}}`` (400;
409 when the application can no longer be changed).
"""

import datetime as dt
import zoneinfo

import rules
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.domain.documents import DocumentError
from learningcities.common.views.errors import show_error
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.models import City
from learningcities.questionnaires.forms import AnswersForm
from learningcities.questionnaires.profile import PROFILE_NAMES, profile_rows
from learningcities.questionnaires.tree import (
    by_criterion,
    documents_by_criterion,
    questionnaire_tree,
)

from ..domain.completeness import completeness
from ..domain.errors import SubmissionError
from ..domain.profile import (
    asks_challenges,
    asks_commitment_letter,
    asks_whole_profile,
    profile_fields_for,
    profile_names_for,
)
from ..domain.queries.submissions import submissions_for_user
from ..domain.submissions import (
    attach_document,
    clean_profile_value,
    save_answer,
    save_draft,
    start_submission,
)
from ..domain.timing import submission_deadline
from ..domain.transitions import transition
from ..enums import (
    COMMENT_REQUIRED,
    REASON_HEADINGS,
    SYSTEM_REASON_HEADINGS,
    CallKind,
    Challenge,
    Decision,
    DocumentKind,
    SubmissionState,
    final_states,
)
from ..interfaces.city_forms import (
    CHALLENGE_PREFIX,
    LETTER_FIELD,
    ProfileForm,
    StartApplicationForm,
    TransitionForm,
)
from ..models import Call, Certificate, Release, Submission, Transition
from ..rules import TRANSITION_PERMISSIONS, organisation_ids_in_role

PERMISSION = "calls.view_city_applications"
ACTIONS = {"submit": SubmissionState.SUBMITTED, "withdraw": SubmissionState.WITHDRAWN}


def applications_for_coordinator(user) -> QuerySet[Submission]:
    """Return the applications of the cities ``user`` coordinates (call, city, country joined)."""
    return submissions_for_user(user).filter(
        organisation_id__in=organisation_ids_in_role(user, Role.COORDINATOR)
    )


def _coordinated_cities(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            pk__in=organisation_ids_in_role(user, Role.COORDINATOR), kind=OrganisationKind.CITY
        )
        .select_related("city")
        .order_by("city__name", "pk")
    )


def _is_autosave(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _errors_json(errors: dict, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: [str(message) for message in found] for name, found in errors.items()}},
        status=status,
    )


def _deadline_text(deadline: dt.datetime, call: Call) -> str:
    """Return the deadline as ``15 June 2025, 23:59 Europe/Paris`` in the call's time zone."""
    local = deadline.astimezone(zoneinfo.ZoneInfo(call.time_zone))
    return f"{date_format(local, 'j F Y, H:i')} {call.time_zone}"


def _remaining_text(remaining: dt.timedelta) -> str:
    """Return ``3 days 4 hours`` (or hours and minutes under a day)."""
    days, seconds = remaining.days, remaining.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    else:
        if hours:
            parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)


def deadline_info(submission: Submission, now: dt.datetime | None = None) -> dict:
    """Return the deadline of ``submission`` for display: its instant, wording and countdown."""
    now = now or timezone.now()
    deadline = submission_deadline(submission)
    when = _deadline_text(deadline, submission.call)
    if deadline > now:
        text = _("closes in %(remaining)s (%(when)s)") % {
            "remaining": _remaining_text(deadline - now),
            "when": when,
        }
    else:
        text = _("closed on %(when)s") % {"when": when}
    return {"at": deadline, "when": when, "text": text, "passed": deadline <= now}


def _start_application(request: HttpRequest, cities: list[Organisation]) -> HttpResponse:
    """Start the posted city's application to the posted open call; redirect to it."""
    form = StartApplicationForm(request.POST)
    city_org = None
    call = None
    if form.is_valid():
        now = timezone.now()
        call = Call.objects.filter(
            pk=form.cleaned_data["call"], opens_at__lte=now, closes_at__gte=now
        ).first()
        city_org = next(
            (org for org in cities if org.pk == form.cleaned_data["organisation"]), None
        )
    if call is None or city_org is None:
        messages.error(request, _("Choose an open call and one of your cities."))
        return redirect("calls:city-applications")
    try:
        submission = start_submission(call, city=city_org.city, actor=request.user)
    except SubmissionError as error:
        show_error(request, error)
        return redirect("calls:city-applications")
    messages.success(
        request,
        _("Your application to %(call)s has been started.") % {"call": call.title},
    )
    return redirect("calls:city-application", pk=submission.pk)


def _member_city_ids(cities: list[Organisation], calls: list[Call]) -> set[int]:
    """Return which of ``cities`` are members, asked only when a call is for non-members."""
    # A call for cities not yet members tells a member city so before it starts
    # (screening would find the application ineligible).
    if not any(call.require_not_member for call in calls):
        return set()
    return set(
        City.objects.filter(
            current_member_filter(timezone.localdate()), pk__in=[org.city_id for org in cities]
        ).values_list("pk", flat=True)
    )


@permission_required(PERMISSION)
def applications(request: HttpRequest) -> HttpResponse:
    """List the coordinator's applications and the open calls; POST starts an application."""
    user = request.user
    cities = _coordinated_cities(user)
    if request.method == "POST":
        return _start_application(request, cities)
    now = timezone.now()
    submissions = list(applications_for_coordinator(user).order_by("-call__opens_at", "pk"))
    live = {
        (item.call_id, item.organisation_id)
        for item in submissions
        if item.state != SubmissionState.WITHDRAWN
    }
    calls = list(
        Call.objects.filter(opens_at__lte=now, closes_at__gte=now).order_by("closes_at", "pk")
    )
    members = _member_city_ids(cities, calls)
    open_calls = [
        {
            "call": call,
            "deadline": _deadline_text(call.closes_at, call),
            "cities": [org for org in cities if (call.pk, org.pk) not in live],
            "members": [
                org.city.name
                for org in cities
                if call.require_not_member and org.city_id in members
            ],
        }
        for call in calls
    ]
    return render(
        request,
        "calls/city/applications.html",
        {"submissions": submissions, "open_calls": open_calls},
    )


def _application_tree(submission: Submission) -> list:
    """Return the application's section tree with its answers and evidence (three queries)."""
    return questionnaire_tree(
        submission.call.framework_id,
        answers=by_criterion(submission.answers.all()),
        documents=documents_by_criterion(_documents(submission, criterion__isnull=False)),
    )


def _section_progress(tree) -> list[dict]:
    """Return per section: its code, title, answered and required criteria."""
    return [
        {
            "code": node.code,
            "title": node.title,
            "answered": sum(1 for item in node.items if item.criterion.required and item.complete),
            "required": sum(1 for item in node.items if item.criterion.required),
        }
        for node in tree
    ]


def _missing_links(submission: Submission, missing, tree) -> list[dict]:
    """Return each missing item with the URL of the place to fix it."""
    section_of = {item.criterion.code: node.code for node in tree for item in node.items}
    profile_url = reverse("calls:city-profile", kwargs={"pk": submission.pk})
    links = []
    for item in missing:
        if item.anchor.startswith("criterion-"):
            code = item.anchor.removeprefix("criterion-")
            url = reverse(
                "calls:city-section", kwargs={"pk": submission.pk, "code": section_of[code]}
            )
            links.append({"message": item.message, "url": f"{url}#{item.anchor}"})
        else:
            links.append({"message": item.message, "url": f"{profile_url}#{item.anchor}"})
    return links


def _move_application(request: HttpRequest, submission: Submission) -> HttpResponse | int:
    """Submit or withdraw as posted: the redirect when done, else the status of the refusal."""
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose submit or withdraw."))
        return 400
    if form.cleaned_data["action"] == "withdraw" and request.POST.get("confirm") != "yes":
        # Withdrawing is for good: the "I understand" box must be ticked.
        messages.error(request, _("Your application was not withdrawn: tick the box to confirm."))
        return 400
    to_state = ACTIONS[form.cleaned_data["action"]]
    try:
        transition(submission, to_state, actor=request.user)
    except SubmissionError as error:
        return show_error(request, error)
    if to_state == SubmissionState.SUBMITTED:
        messages.success(request, _("Your application has been submitted."))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("calls:city-application", pk=submission.pk)


@permission_required(PERMISSION)
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the application's state, deadline, progress and what is missing; POST moves it."""
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    status = 200
    if request.method == "POST":
        moved = _move_application(request, submission)
        if isinstance(moved, HttpResponse):
            return moved
        status = moved
    tree = _application_tree(submission)
    editable = rules.has_perm("calls.change_submission", request.user, submission)
    missing = completeness(submission) if editable else []
    actions = [
        action
        for action, state in ACTIONS.items()
        if rules.has_perm(TRANSITION_PERMISSIONS[state], request.user, submission)
    ]
    released = submission.state == SubmissionState.RELEASED
    return render(
        request,
        "calls/city/application.html",
        {
            "submission": submission,
            # A deadline means something while the application is under way;
            # once it is settled the page tells the outcome, not a countdown.
            "deadline": None if submission.state in final_states else deadline_info(submission),
            "result": decision_result(submission) if released else None,
            "progress": _section_progress(tree),
            "missing": _missing_links(submission, missing, tree),
            "editable": editable,
            "whole_profile": asks_whole_profile(submission.call),
            "actions": actions,
            "reason": _reason_given(submission),
            # Known to the city only once released (a staged decision stays hidden).
            "certificate": (
                Certificate.objects.filter(submission=submission, revoked_at__isnull=True).first()
                if released
                else None
            ),
        },
        status=status,
    )


def decision_result(submission: Submission) -> dict:
    """Return what a released application's page tells the city of the decision.

    ``accepted``, ``award`` and ``presentation`` (the kind of call); the
    ``release`` (its cohort or award year; neither for presentations);
    ``jury_comments``: the jury's comments the secretariat chose to share with
    the city when it released the call (kept on the release, as the decision
    mail carried them), never who wrote them.
    """
    release = Release.objects.filter(call_id=submission.call_id).select_related("cohort").first()
    comments = release.jury_comments.get(str(submission.pk), []) if release else []
    return {
        "accepted": submission.decision == Decision.ACCEPTED,
        "award": submission.call.kind == CallKind.AWARD,
        "presentation": submission.call.kind == CallKind.PRESENTATIONS,
        "release": release,
        "jury_comments": [str(comment) for comment in comments if str(comment).strip()],
    }


def _reason_given(submission: Submission) -> Transition | None:
    """Return the move into the current state when it came with a reason for the city.

    The states are those of ``COMMENT_REQUIRED``; the move gets the ``heading``
    the page gives the reason (``REASON_HEADINGS``).
    """
    if submission.state not in COMMENT_REQUIRED:
        return None
    move = (
        Transition.objects.filter(submission=submission, to_state=submission.state)
        .order_by("-created_at", "-pk")
        .first()
    )
    if move is not None:
        headings = REASON_HEADINGS if move.actor_id else SYSTEM_REASON_HEADINGS
        move.heading = headings.get(move.to_state, REASON_HEADINGS[move.to_state])
    return move


def _refusal(submission: Submission) -> str:
    return _("An application that is %(state)s cannot be changed.") % {
        "state": submission.state_for_city_display
    }


def _profile_initial(submission: Submission) -> dict:
    initial = {}
    for field in PROFILE_NAMES:
        if field == "challenges":
            continue
        value = getattr(submission, field)
        initial[field] = "" if value is None else str(value)
    for key, points in (submission.challenges or {}).items():
        initial[f"{CHALLENGE_PREFIX}{key}"] = str(points)
    return initial


def _posted_ratings(request: HttpRequest, submission: Submission, form: ProfileForm):
    """Return the challenges' ratings with the posted ones applied, or None if none was posted."""
    ratings = dict(submission.challenges or {})
    rated = False
    for challenge in Challenge:
        name = f"{CHALLENGE_PREFIX}{challenge.value}"
        if name not in form.fields or name not in request.POST or name in form.errors:
            continue
        rated = True
        points = form.cleaned_data.get(name)
        if points:
            ratings[challenge.value] = int(points)
        else:
            ratings.pop(challenge.value, None)
    return ratings if rated else None


def _profile_changes(request: HttpRequest, submission: Submission, form: ProfileForm) -> dict:
    """Return the posted profile values that are right; leave errors on the others."""
    changes = {}
    for field in PROFILE_NAMES:
        # A field the call does not ask for is not in the form: a post of it is ignored.
        if field not in form.fields or field not in request.POST or field in form.errors:
            continue
        try:
            changes[field] = clean_profile_value(field, form.cleaned_data.get(field))
        except SubmissionError as error:
            show_error(request, error, form, field=field)
    ratings = _posted_ratings(request, submission, form)
    if ratings is not None:
        changes["challenges"] = ratings
    return changes


def _save_profile(request: HttpRequest, submission: Submission, form: ProfileForm) -> None:
    """Save the posted profile fields that are right; leave errors on the others."""
    form.is_valid()
    changes = _profile_changes(request, submission, form)
    if changes:
        try:
            save_draft(submission, actor=request.user, **changes)
        except SubmissionError as error:
            show_error(request, error, form)
    letter = form.cleaned_data.get(LETTER_FIELD) if LETTER_FIELD not in form.errors else None
    if letter:
        try:
            attach_document(
                submission,
                letter,
                actor=request.user,
                kind=DocumentKind.COMMITMENT_LETTER,
                name=letter.name,
            )
        except (SubmissionError, DocumentError) as error:
            show_error(request, error, form, field=LETTER_FIELD)


def _edit_response(request, submission, form, save, template, context, url) -> HttpResponse:
    """Handle GET and POST (plain or autosave) of an editing page."""
    editable = rules.has_perm("calls.change_submission", request.user, submission)
    status = 200
    if request.method == "POST":
        if not editable:
            if _is_autosave(request):
                return _errors_json({"__all__": [_refusal(submission)]}, 409)
            messages.error(request, _refusal(submission))
            status = 409
        else:
            save(request, submission, form)
            if _is_autosave(request):
                if form.errors:
                    return _errors_json(form.errors, 400)
                return HttpResponse(status=204)
            if not form.errors:
                messages.success(request, _("Your draft has been saved."))
                return redirect(url)
            status = 400
    return render(
        request,
        template,
        {**context, "submission": submission, "form": form, "editable": editable},
        status=status,
    )


def _documents(submission: Submission, **filters) -> list:
    return list(
        submission.documents.filter(**filters).select_related("document").order_by("created_at")
    )


@permission_required(PERMISSION)
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the city's profile and attach the commitment letter (drafts save as typed).

    Only the fields the call asks for (``profile_fields_for``): a proposal for
    a presentation asks for its contact and motivation, no figures, ratings,
    implementation or letter.
    """
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    form = _profile_form(request, submission)
    url = reverse("calls:city-profile", kwargs={"pk": submission.pk})
    challenge_fields = [form[name] for name in form.fields if name.startswith(CHALLENGE_PREFIX)]
    other_fields = [form[name] for name in form.fields if not name.startswith(CHALLENGE_PREFIX)]
    return _edit_response(
        request,
        submission,
        form,
        _save_profile,
        "calls/city/profile.html",
        {
            "whole_profile": asks_whole_profile(submission.call),
            "challenge_fields": challenge_fields,
            "fields": [field for field in other_fields if field.name != LETTER_FIELD],
            "letter_field": form[LETTER_FIELD] if LETTER_FIELD in form.fields else None,
            "letters": _documents(submission, kind=DocumentKind.COMMITMENT_LETTER),
            "form_url": url,
        },
        url,
    )


def _profile_form(request: HttpRequest, submission: Submission) -> ProfileForm:
    """Return the profile form of the fields the call asks for, bound to a POST."""
    call = submission.call
    limits = {
        "motivation": call.motivation_word_limit,
        "implementation": call.implementation_word_limit,
    }
    options = {
        "word_limits": limits,
        "profile_fields": profile_fields_for(call),
        "letter": asks_commitment_letter(call),
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, **options)
    else:
        form = ProfileForm(initial=_profile_initial(submission), **options)
    if not asks_whole_profile(call) and call.motivation_word_limit:
        form.fields["motivation"].help_text = _(
            "Why the city proposes to present, in at most %(limit)s words."
        ) % {"limit": call.motivation_word_limit}
    return form


def _save_section(request: HttpRequest, submission: Submission, form: AnswersForm) -> None:
    """Save each posted answer that is right; leave errors on the others; attach evidence."""
    form.is_valid()
    for criterion, name, upload in list(form.uploads()):
        try:
            attach_document(
                submission,
                upload,
                actor=request.user,
                kind=DocumentKind.EVIDENCE,
                criterion=criterion,
                name=upload.name,
            )
        except (SubmissionError, DocumentError) as error:
            show_error(request, error, form, field=name)
    answered = {answer.criterion_id for answer in form.answers}
    for criterion, name, value in list(form.posted_values(request.POST)):
        if value is None and criterion.pk not in answered:
            continue  # nothing to clear
        try:
            save_answer(submission, criterion, actor=request.user, value=value)
        except SubmissionError as error:
            show_error(request, error, form, field=name)


@permission_required(PERMISSION)
def section(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Edit the answers to one framework section's criteria (drafts save as typed)."""
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    node = next((node for node in _application_tree(submission) if node.code == code), None)
    if node is None:
        raise Http404
    items = node.items
    criteria = [item.criterion for item in items]
    if request.method == "POST":
        form = AnswersForm(request.POST, request.FILES, criteria=criteria)
    else:
        answers = {item.criterion.pk: item.answer for item in items}
        form = AnswersForm(initial=AnswersForm.initial_for(criteria, answers), criteria=criteria)
    form.answers = [item.answer for item in items if item.answer is not None]
    url = reverse("calls:city-section", kwargs={"pk": submission.pk, "code": code})
    return _edit_response(
        request,
        submission,
        form,
        _save_section,
        "calls/city/section.html",
        {
            "section": node.section,
            "items": [
                {
                    "criterion": item.criterion,
                    "field": form.main_field(item.criterion),
                    # A written answer's evidence, in a field of its own below it.
                    "evidence_field": form.side_evidence_field(item.criterion),
                    "documents": item.documents,
                    "is_radio": item.kind.choice_widget,
                }
                for item in items
            ],
            "form_url": url,
        },
        url,
    )


@permission_required(PERMISSION)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the whole application as the jury will read it."""
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    call = submission.call
    asked = profile_names_for(call)
    ratings = submission.challenges or {}
    return render(
        request,
        "calls/city/preview.html",
        {
            "submission": submission,
            "whole_profile": asks_whole_profile(call),
            "profile_rows": profile_rows(submission, exclude=lambda field: field.name not in asked),
            "challenges": [
                (challenge.label, ratings.get(challenge.value)) for challenge in Challenge
            ]
            if asks_challenges(call)
            else [],
            "sections": _application_tree(submission),
            "asks_letter": asks_commitment_letter(call),
            "letters": _documents(submission, kind=DocumentKind.COMMITMENT_LETTER),
        },
    )
