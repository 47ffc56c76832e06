"""Registration pages: delegations, delegates, a person's own registration, approvals.

Who sees what follows ``events.rules``; objects are fetched through the
``*_for_user`` queries, so one a person may not see answers 404 like a
missing one. A registration's personal link (``registration-token``) opens
it without an account, for the participant alone.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcities.accounts.rules import is_secretariat
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.views.errors import show_error
from learningcities.frameworks.domain.queries.frameworks import localised_criteria

from ..domain import registrations as domain
from ..domain.errors import EventError
from ..domain.notices import registration_from_token, registration_token
from ..domain.places import places_left
from ..domain.queries import registrations as queries
from ..enums import DelegationKind, EventStatus
from ..enums import RegistrationStatus as R
from ..interfaces.registration_forms import ParticipantForm, QuestionsForm, ReasonForm
from ..models import Event, Registration
from ..rules import approves_registration, manages_registration

# The categories a delegation registers its people in.
DELEGATION_KINDS = {
    DelegationKind.CITY: ("city_delegate", "mayor", "speaker"),
    DelegationKind.COUNTRY: ("city_delegate", "mayor", "national_commission", "speaker"),
}


def _public_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.exclude(status=EventStatus.CANCELLED), slug=slug)


def register(request, slug):
    """The event's registration page: the delegations a person may open, the open categories."""
    event = _public_event(slug)
    categories = list(queries.categories_with_places(event))
    context = {
        "event": event,
        "is_open": event.status == EventStatus.REGISTRATION_OPEN,
        "options": queries.delegation_options(request.user, event),
        "public_categories": [c for c in categories if c.is_open_to_public],
        "managed": list(queries.delegations_for_user(request.user).filter(event=event))
        if request.user.is_authenticated
        else [],
    }
    return render(request, "events/registration/register.html", context)


@require_POST
@login_required
def open_delegation(request, slug):
    """Open a city's or a country's delegation, headed by the person asking."""
    event = _public_event(slug)
    if not rules.has_perm("events.register_delegation", request.user, event):
        raise PermissionDenied
    wanted = (request.POST.get("kind"), request.POST.get("key"))
    option = next(
        (
            o
            for o in queries.delegation_options(request.user, event)
            if (o["kind"], str(o["key"])) == wanted
        ),
        None,
    )
    if option is None:
        raise Http404
    try:
        delegation = domain.create_delegation(
            event,
            kind=option["kind"],
            organisation=option["organisation"],
            head=request.user,
            city=option["city"],
            country=option["country"],
        )
    except EventError as error:
        show_error(request, error)
        return redirect("events:register", slug=event.slug)
    messages.success(request, _("The delegation is open: add its delegates."))
    return redirect("events:delegation", pk=delegation.pk)


@login_required
def delegation_detail(request, pk):
    delegation = get_object_for_user_or_404(request.user, queries.delegations_for_user, pk=pk)
    event = delegation.event
    kinds = DELEGATION_KINDS[delegation.kind]
    categories = list(queries.categories_with_places(event).filter(kind__in=kinds))
    for category in categories:
        category.left = places_left(category)
    context = {
        "event": event,
        "delegation": delegation,
        "registrations": list(queries.delegation_registrations(delegation)),
        "categories": categories,
        "quota": queries.quota_use(delegation),
        "is_open": event.status == EventStatus.REGISTRATION_OPEN,
    }
    return render(request, "events/registration/delegation.html", context)


def _questions(category) -> list:
    """Return the questions of ``category``'s form, in the active language."""
    if category.questionnaire_id is None:
        return []
    return localised_criteria(category.questionnaire_id)


def _registration_forms(request, category, *, delegation=None, initial=None):
    data = request.POST if request.method == "POST" else None
    participant = ParticipantForm(data, delegation=delegation, initial=initial or {}, prefix="p")
    questions = QuestionsForm(data, criteria=_questions(category))
    return participant, questions


def _register(request, category, participant_form, questions_form, *, delegation, user):
    try:
        return domain.register_participant(
            category,
            participant=participant_form.participant(user=user),
            actor=request.user if request.user.is_authenticated else None,
            delegation=delegation,
            answers=list(questions_form.answers()),
        )
    except EventError as error:
        request.status = show_error(request, error, participant_form)
        return None


@login_required
def add_delegate(request, pk, category_pk):
    """Register one delegate of a delegation in one of its categories."""
    delegation = get_object_for_user_or_404(request.user, queries.delegations_for_user, pk=pk)
    category = get_object_or_404(
        delegation.event.categories, pk=category_pk, kind__in=DELEGATION_KINDS[delegation.kind]
    )
    participant_form, questions_form = _registration_forms(request, category, delegation=delegation)
    status = 200
    if request.method == "POST":
        if participant_form.is_valid() and questions_form.is_valid():
            registration = _register(
                request,
                category,
                participant_form,
                questions_form,
                delegation=delegation,
                user=None,
            )
            if registration is not None:
                messages.success(request, _status_message(registration))
                return redirect("events:delegation", pk=delegation.pk)
            status = request.status
        else:
            status = 400
    context = {
        "event": delegation.event,
        "delegation": delegation,
        "category": category,
        "participant_form": participant_form,
        "questions_form": questions_form,
    }
    return render(request, "events/registration/participant_form.html", context, status=status)


def register_self(request, slug, category_pk):
    """Register oneself in a category open to the public (an observer, the press)."""
    event = _public_event(slug)
    category = get_object_or_404(event.categories, pk=category_pk, is_open_to_public=True)
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.name, "email": user.email, "language": user.language} if user else {}
    participant_form, questions_form = _registration_forms(request, category, initial=initial)
    status = 200
    if request.method == "POST":
        if participant_form.is_valid() and questions_form.is_valid():
            registration = _register(
                request, category, participant_form, questions_form, delegation=None, user=user
            )
            if registration is not None:
                messages.success(request, _status_message(registration))
                return redirect("events:registration-token", token=registration_token(registration))
            status = request.status
        else:
            status = 400
    context = {
        "event": event,
        "category": category,
        "participant_form": participant_form,
        "questions_form": questions_form,
    }
    return render(request, "events/registration/participant_form.html", context, status=status)


def _status_message(registration: Registration) -> str:
    if registration.status == R.WAITING:
        return _("%(name)s is on the waiting list.") % {"name": registration.name}
    if registration.status == R.PENDING:
        return _("%(name)s is registered and awaits approval.") % {"name": registration.name}
    return _("%(name)s is registered.") % {"name": registration.name}


def _actions(user, registration: Registration, *, by_token: bool) -> list[dict]:
    """Return the moves the person may make on ``registration`` now, as buttons."""
    status = registration.status
    may_manage = by_token or manages_registration(user, registration) or is_secretariat(user)
    found = []
    if may_manage and status == R.OFFERED:
        found.append({"action": "accept", "label": _("Take up the place"), "primary": True})
    if approves_registration(user, registration) and status == R.PENDING and not by_token:
        found.append({"action": "confirm", "label": _("Approve"), "primary": True})
        found.append({"action": "decline", "label": _("Decline"), "reason": True})
    if may_manage and status in (R.PENDING, R.CONFIRMED, R.WAITING, R.OFFERED):
        label = _("Let the place go") if status == R.OFFERED else _("Cancel the registration")
        found.append({"action": "cancel", "label": label, "confirm": True})
    return found


def _detail(request, registration, *, token=None):
    by_token = token is not None
    context = {
        "event": registration.event,
        "registration": registration,
        "answers": registration.answers.select_related("criterion").order_by("criterion__order"),
        "actions": _actions(request.user, registration, by_token=by_token),
        "token": token,
        "reason_form": ReasonForm(),
        "may_substitute": not by_token
        and registration.delegation_id is not None
        and (manages_registration(request.user, registration) or is_secretariat(request.user))
        and registration.status in (R.PENDING, R.CONFIRMED, R.OFFERED),
    }
    return render(request, "events/registration/detail.html", context)


@login_required
def registration_detail(request, pk):
    registration = get_object_for_user_or_404(request.user, queries.registrations_for_user, pk=pk)
    return _detail(request, registration)


def _by_token(token: str) -> Registration:
    pk = registration_from_token(token)
    if pk is None:
        raise Http404
    return get_object_or_404(
        Registration.objects.select_related("event", "category", "city", "country"), pk=pk
    )


def registration_by_token(request, token):
    return _detail(request, _by_token(token), token=token)


def _role_for(user, registration: Registration, action: str, *, by_token: bool) -> str:
    if action in ("confirm", "decline"):
        if by_token or not approves_registration(user, registration):
            raise PermissionDenied
        return domain.SECRETARIAT if is_secretariat(user) else domain.ENDORSER
    if by_token or registration.user_id == getattr(user, "pk", None):
        return domain.PARTICIPANT
    if manages_registration(user, registration):
        return domain.HEAD if action == "cancel" else domain.PARTICIPANT
    if is_secretariat(user):
        return domain.SECRETARIAT if action == "cancel" else domain.PARTICIPANT
    raise PermissionDenied


_TARGETS = {"confirm": R.CONFIRMED, "decline": R.DECLINED, "cancel": R.CANCELLED}


def _move(request, registration, *, by_token: bool):
    action = request.POST.get("action", "")
    if action not in ("accept", *_TARGETS):
        raise Http404
    role = _role_for(request.user, registration, action, by_token=by_token)
    actor = request.user if request.user.is_authenticated else None
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if action == "cancel" and request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: a cancelled place cannot be restored."))
        return
    try:
        if action == "accept":
            domain.accept_offer(registration, actor=actor, role=role)
        else:
            domain.move_registration(
                registration, _TARGETS[action], actor=actor, role=role, reason=reason
            )
    except EventError as error:
        show_error(request, error)
    else:
        registration.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": registration.name, "status": registration.get_status_display()},
        )


@require_POST
@login_required
def move(request, pk):
    registration = get_object_for_user_or_404(request.user, queries.registrations_for_user, pk=pk)
    _move(request, registration, by_token=False)
    back = request.POST.get("next", "")
    if back == "approvals":
        return redirect("events:approvals")
    return redirect("events:registration", pk=registration.pk)


@require_POST
def move_by_token(request, token):
    registration = _by_token(token)
    _move(request, registration, by_token=True)
    return redirect("events:registration-token", token=token)


@login_required
def substitute(request, pk):
    """Send another person in place of a delegate (same category, same delegation)."""
    registration = get_object_for_user_or_404(request.user, queries.registrations_for_user, pk=pk)
    may = manages_registration(request.user, registration) or is_secretariat(request.user)
    if registration.delegation_id is None or not may:
        raise PermissionDenied
    category = registration.category
    participant_form, questions_form = _registration_forms(
        request,
        category,
        delegation=registration.delegation,
        initial={"city": registration.city_id, "language": registration.language},
    )
    status = 200
    if request.method == "POST":
        if participant_form.is_valid() and questions_form.is_valid():
            try:
                new = domain.substitute_participant(
                    registration,
                    participant=participant_form.participant(),
                    actor=request.user,
                    answers=list(questions_form.answers()),
                )
            except EventError as error:
                status = show_error(request, error, participant_form)
            else:
                messages.success(
                    request,
                    _("%(new)s replaces %(old)s.") % {"new": new.name, "old": registration.name},
                )
                return redirect("events:delegation", pk=registration.delegation_id)
        else:
            status = 400
    context = {
        "event": registration.event,
        "delegation": registration.delegation,
        "category": category,
        "replacing": registration,
        "participant_form": participant_form,
        "questions_form": questions_form,
    }
    return render(request, "events/registration/participant_form.html", context, status=status)


@permission_required("events.view_approval_queue")
def approvals(request):
    """The registrations waiting for the person's approval, oldest first."""
    pending = list(queries.approvals_for_user(request.user)[:200])
    context = {"registrations": pending, "reason_form": ReasonForm()}
    return render(request, "events/registration/approvals.html", context)


@login_required
def my_registrations(request):
    """A person's own registrations and the delegations they manage."""
    context = {
        "registrations": list(
            queries.registrations_for_user(request.user)
            .filter(user=request.user)
            .order_by("-event__starts_on")
        ),
        "delegations": list(
            queries.delegations_for_user(request.user)
            .exclude(event__status=EventStatus.CANCELLED)
            .order_by("-event__starts_on")
        )
        if not is_secretariat(request.user)
        else [],
        "open_events": list(queries.open_events_for_registration()),
    }
    return render(request, "events/registration/mine.html", context)
