"""Reads of submissions, by who may see them (the same rules as ``calls/rules.py``)."""

from django.db.models import Q, QuerySet

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import is_secretariat

from ...enums import (
    WITHOUT_ENDORSEMENT,
    CallKind,
    SubmissionState,
    submitted_states,
)
from ...models import Submission
from ...rules import endorsed_country_ids, organisation_ids_in_role

# The kinds of call whose submissions a National Commission endorses.
ENDORSED_KINDS = tuple(kind.value for kind in CallKind if kind not in WITHOUT_ENDORSEMENT)


def in_endorsed_calls() -> Q:
    """Return the condition on submissions of the calls a National Commission endorses.

    A Commission's lists, counts and quotas hold these only: a proposal to a
    call without endorsement goes from the city straight to the secretariat.
    """
    return Q(call__kind__in=ENDORSED_KINDS)


def awaiting_screening() -> Q:
    """Return the condition on submissions waiting for the secretariat's screening.

    Endorsed ones, and submitted ones of the calls without endorsement
    (``enums.screened_from``).
    """
    endorsed = Q(call__kind__in=ENDORSED_KINDS, state=SubmissionState.ENDORSED)
    direct = Q(call__kind__in=tuple(WITHOUT_ENDORSEMENT), state=SubmissionState.SUBMITTED)
    return endorsed | direct


def _listed(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("call", "city", "country", "organisation")


def submissions_for_user(user) -> QuerySet[Submission]:
    """Return the submissions ``user`` may see.

    The secretariat (and operators): all. A city coordinator: their cities'.
    An endorser: their countries' once submitted (never a draft, nor
    a draft withdrawn before it was submitted), in the calls their National
    Commission endorses (``in_endorsed_calls``). A juror: none
    yet (assignments come with reviews). A person with several roles sees the
    union.
    """
    if is_secretariat(user):
        return _listed(Submission.objects.all())
    visible = Q(pk__in=[])
    coordinated = organisation_ids_in_role(user, Role.COORDINATOR)
    if coordinated:
        visible |= Q(organisation_id__in=coordinated)
    countries = endorsed_country_ids(user)
    if countries:
        visible |= in_endorsed_calls() & Q(
            country_id__in=countries, state__in=submitted_states, submitted_at__isnull=False
        )
    if not coordinated and not countries:
        return Submission.objects.none()
    return _listed(Submission.objects.filter(visible))
