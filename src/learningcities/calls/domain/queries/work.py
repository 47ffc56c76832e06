"""Reads behind the calls' parts of "My work" and the endorser's history.

Registered with ``accounts.domain.work`` from ``CallsConfig.ready()``: the
secretariat's applications to screen and endorsements overdue, the endorser's
queue and history, the coordinator's applications and the open calls. Each
part runs a fixed number of queries whatever the number of submissions.

The endorser's history lists what happened to the Commission's applications
at its step (endorsed, returned, declined), with the outcome only once the
call's decisions are released: a staged decision is the secretariat's alone.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation
from learningcities.accounts.rules import is_city_coordinator, is_endorser, is_secretariat

from ...enums import (
    ENDORSER_STATES,
    WITHOUT_ENDORSEMENT,
    CallKind,
    Decision,
    SubmissionState,
    editable_states,
    screened_from,
    state_for_city,
)
from ...models import Call, Submission, Transition
from ...rules import endorsed_country_ids, organisation_ids_in_role
from ..timing import submission_deadline
from .submissions import awaiting_screening, in_endorsed_calls

S = SubmissionState
# Rows a part of "My work" lists before it links to the full page.
WORK_ROWS = 10
# History rows the endorser's part of "My work" shows.
RECENT_HISTORY = 5

OUTCOME_LABELS = {
    (CallKind.MEMBERSHIP, Decision.ACCEPTED): pgettext_lazy("outcome", "Admitted"),
    (CallKind.MEMBERSHIP, Decision.REJECTED): pgettext_lazy("outcome", "Not admitted"),
    (CallKind.AWARD, Decision.ACCEPTED): pgettext_lazy("award outcome", "Winner"),
    (CallKind.AWARD, Decision.REJECTED): pgettext_lazy("award outcome", "Not selected"),
    (CallKind.PRESENTATIONS, Decision.ACCEPTED): pgettext_lazy("outcome", "Accepted"),
    (CallKind.PRESENTATIONS, Decision.REJECTED): pgettext_lazy("outcome", "Not accepted"),
}


def released_outcome(submission: Submission) -> str:
    """Return the released outcome (admitted, winner...) of ``submission``, "" before the release.

    A decided submission stays "" until its call's decisions are released.
    """
    if submission.state != S.RELEASED:
        return ""
    return str(OUTCOME_LABELS.get((submission.call.kind, submission.decision), ""))


def _per_call(submissions: QuerySet[Submission]) -> list[dict]:
    """Count ``submissions`` per call (one query).

    ``[{"call_id", "title", "kind", "needs_endorsement", "count", "url"}]``.
    """
    rows = (
        submissions.order_by()
        .values_list("call_id", "call__title", "call__kind")
        .annotate(n=Count("pk"))
        .order_by("call__title", "call_id")
    )
    return [
        {
            "call_id": call_id,
            "title": title,
            "kind": kind,
            "needs_endorsement": kind not in WITHOUT_ENDORSEMENT,
            "count": n,
            "url": reverse("calls:secretariat-call", kwargs={"pk": call_id}),
        }
        for call_id, title, kind, n in rows
    ]


def secretariat_calls_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """Count, per call, the applications to screen and the endorsements overdue (two queries).

    To screen: endorsed, or submitted to a call without endorsement
    (``awaiting_screening``); such a call has no endorsement deadline.

    None for anyone but the secretariat (and operators).
    """
    if not is_secretariat(user):
        return None
    now = now or timezone.now()
    to_screen = _per_call(Submission.objects.filter(awaiting_screening()))
    for row in to_screen:
        row["url"] += f"?state={screened_from(row['kind'])}"
    overdue = _per_call(Submission.objects.filter(state=S.SUBMITTED, endorsement_due_at__lt=now))
    return {
        "to_screen": to_screen,
        "overdue": overdue,
        "calls_url": reverse("calls:secretariat-calls"),
    }


def endorsement_history_for_user(user) -> QuerySet[Transition]:
    """Return the endorsements, returns and declines of ``user``'s countries, newest first.

    Each row is a ``Transition`` into endorsed, returned or declined (by the
    Commission, or by the secretariat or the system once the deadline passed)
    with its submission, call, city and actor; an empty list for a person who
    endorses for no country, never another country's.
    """
    countries = endorsed_country_ids(user)
    if not countries:
        return Transition.objects.none()
    return (
        Transition.objects.filter(
            submission__country_id__in=countries, to_state__in=ENDORSER_STATES
        )
        .select_related("submission__call", "submission__city", "actor")
        .order_by("-created_at", "-pk")
    )


def history_rows(transitions) -> list[Transition]:
    """Return ``transitions`` ready to show: ``outcome`` and ``now_state`` added to each.

    ``outcome`` is the released outcome ("" before the release);
    ``now_state`` the submission's state as the Commission may know it
    (a staged decision reads "in review").
    """
    labels = dict(S.choices)
    rows = list(transitions)
    for row in rows:
        submission = row.submission
        row.outcome = released_outcome(submission)
        row.now_state = labels[state_for_city(submission.state)]
    return rows


def endorser_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """Count the endorser's queue (and its overdue part), with their latest decisions.

    Two queries; None for a person who endorses for no one.
    """
    if not is_endorser(user):
        return None
    now = now or timezone.now()
    countries = endorsed_country_ids(user)
    counts = (
        Submission.objects.filter(in_endorsed_calls(), country_id__in=countries, state=S.SUBMITTED)
        .order_by()
        .aggregate(
            waiting=Count("pk"),
            overdue=Count("pk", filter=Q(endorsement_due_at__lt=now)),
        )
    )
    return {
        "waiting": counts["waiting"],
        "overdue": counts["overdue"],
        "history": history_rows(endorsement_history_for_user(user)[:RECENT_HISTORY]),
    }


def coordinator_work(user, *, now: dt.datetime | None = None) -> dict | None:
    """List the coordinator's latest applications with their deadline, and the open calls.

    Four queries: the applications (``WORK_ROWS`` of them, withdrawn ones
    left out), the cities, the open calls and the cities that applied to them.
    None for a person who coordinates no city.
    """
    if not is_city_coordinator(user):
        return None
    now = now or timezone.now()
    organisations = organisation_ids_in_role(user, Role.COORDINATOR)
    found = list(
        Submission.objects.filter(organisation_id__in=organisations)
        .exclude(state=S.WITHDRAWN)
        .select_related("call", "city")
        .order_by("-call__opens_at", "city__name", "pk")[: WORK_ROWS + 1]
    )
    return {
        "applications": [_application_row(s, now=now) for s in found[:WORK_ROWS]],
        "more": len(found) > WORK_ROWS,
        "open_calls": _calls_to_answer(organisations, now=now),
        "applications_url": reverse("calls:city-applications"),
    }


def _next_deadline(submission: Submission) -> tuple[dt.datetime | None, str]:
    """The application's next deadline and its label: submitting it, or its endorsement."""
    if submission.state in editable_states:
        return submission_deadline(submission), pgettext_lazy("deadline", "Submit by")
    if submission.state == S.SUBMITTED and submission.endorsement_due_at:
        return submission.endorsement_due_at, pgettext_lazy("deadline", "Endorsement due")
    return None, ""


def _application_row(submission: Submission, *, now: dt.datetime) -> dict:
    deadline, label = _next_deadline(submission)
    return {
        "submission": submission,
        "url": reverse("calls:city-application", kwargs={"pk": submission.pk}),
        "state": submission.state_for_city_display,
        "outcome": released_outcome(submission),
        "deadline": deadline,
        "deadline_label": label,
        "deadline_passed": bool(deadline and deadline <= now),
        "time_zone": submission.call.time_zone,
    }


def _calls_to_answer(organisations, *, now: dt.datetime) -> list[dict]:
    """The open calls, each with the coordinator's cities that have not answered it (3 queries).

    A withdrawn application does not count as an answer; a call every city
    answered is left out.
    """
    cities = list(
        Organisation.objects.filter(pk__in=organisations, kind=OrganisationKind.CITY)
        .select_related("city")
        .order_by("city__name", "pk")
    )
    calls = list(Call.objects.filter(opens_at__lte=now, closes_at__gte=now).order_by("closes_at"))
    applied = _applied(calls, organisations)
    open_calls = []
    for call in calls:
        free = _cities_free_for(call, cities, applied)
        if free:
            open_calls.append({"call": call, "cities": free, "closes_at": call.closes_at})
    return open_calls


def _cities_free_for(call: Call, cities: list[Organisation], applied: set) -> list[str]:
    """The names of ``cities`` (organisations with a city) that have not answered ``call``."""
    return [org.city.name for org in cities if org.city_id and (call.pk, org.pk) not in applied]


def _applied(calls: list[Call], organisations) -> set[tuple[int, int]]:
    """The (call, organisation) pairs of ``calls`` with an application not withdrawn."""
    if not calls:
        return set()
    return set(
        Submission.objects.filter(
            call__in=[call.pk for call in calls], organisation_id__in=organisations
        )
        .exclude(state=S.WITHDRAWN)
        .values_list("call_id", "organisation_id")
    )
