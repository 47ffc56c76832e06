"""Reads of outcome documents: the public list across events and one document's page.

Who sees what (``outcomes_for_user``): everyone the adopted documents; the
secretariat every draft; coordinators of member cities the drafts shared
for comment. Each function answers in a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from learningcities.accounts.rules import is_secretariat
from learningcities.network.models import City

from ...enums import OutcomeStatus
from ...models import Event, OutcomeComment, OutcomeDocument, OutcomeEndorsement, OutcomeFile
from ..outcomes import coordinated_member_city_ids, is_open_for_comment


def outcomes_for_user(user, *, member_city_ids: frozenset[int] | None = None):
    """Return the outcome documents ``user`` may read, with their event.

    ``member_city_ids`` (the member cities the person coordinates) saves the
    query that finds them when the caller has them already.
    """
    outcomes = OutcomeDocument.objects.select_related("event")
    if is_secretariat(user):
        return outcomes
    if member_city_ids is None:
        member_city_ids = coordinated_member_city_ids(user)
    if member_city_ids:
        return outcomes.filter(
            Q(status=OutcomeStatus.ADOPTED)
            | Q(status=OutcomeStatus.DRAFT, comments_until__isnull=False)
        )
    return outcomes.filter(status=OutcomeStatus.ADOPTED)


def outcome_list_for_user(user, *, event: Event | None = None) -> QuerySet[OutcomeDocument]:
    """Return the outcome documents for the public list, adopted first, newest adoption first.

    Each carries ``n_endorsements`` (the cities that endorse it) and its
    files' languages (prefetched, without the documents); then the drafts
    the person may read, newest event first. Two queries, whatever the count.
    """
    outcomes = outcomes_for_user(user)
    if event is not None:
        outcomes = outcomes.filter(event=event)
    adopted_first = Case(
        When(status=OutcomeStatus.ADOPTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        outcomes.annotate(n_endorsements=Count("endorsements", distinct=True))
        .prefetch_related(
            Prefetch("files", queryset=OutcomeFile.objects.only("outcome_id", "language"))
        )
        .order_by(adopted_first, "-adopted_on", "-event__starts_on", "title", "pk")
    )


def events_with_outcomes_for_user(user) -> list[Event]:
    """Return the events that have an outcome document ``user`` may read, newest first."""
    return list(
        Event.objects.filter(pk__in=outcomes_for_user(user).values("event_id"))
        .only("pk", "slug", "title", "translations", "language", "starts_on")
        .order_by("-starts_on", "pk")
    )


@dataclass
class OutcomePage:
    """What the page of one outcome document shows to one person."""

    outcome: OutcomeDocument
    files: list[OutcomeFile]
    endorsements: list[OutcomeEndorsement]
    # The member cities the person coordinates, those that endorse it marked.
    my_cities: list[City] = field(default_factory=list)
    endorsed_city_ids: frozenset[int] = frozenset()
    comments: list[OutcomeComment] | None = None  # the secretariat's only
    open_for_comment: bool = False

    @property
    def cities_to_endorse(self) -> list[City]:
        return [city for city in self.my_cities if city.pk not in self.endorsed_city_ids]

    @property
    def cities_endorsing(self) -> list[City]:
        return [city for city in self.my_cities if city.pk in self.endorsed_city_ids]


def outcome_page_for_user(
    user, outcome: OutcomeDocument, *, today: dt.date | None = None
) -> OutcomePage:
    """Return the page of ``outcome`` for ``user``: files, endorsing cities, their own cities.

    Comments are read for the secretariat only. A fixed number of queries.
    """
    files = list(
        OutcomeFile.objects.filter(outcome=outcome).select_related("document").order_by("language")
    )
    endorsements = list(
        OutcomeEndorsement.objects.filter(outcome=outcome)
        .select_related("city__country")
        .order_by("city__name", "pk")
    )
    page = OutcomePage(
        outcome=outcome,
        files=files,
        endorsements=endorsements,
        endorsed_city_ids=frozenset(e.city_id for e in endorsements),
        open_for_comment=is_open_for_comment(outcome, today=today),
    )
    city_ids = coordinated_member_city_ids(user)
    if city_ids:
        page.my_cities = list(City.objects.filter(pk__in=city_ids).order_by("name", "pk"))
    if is_secretariat(user):
        page.comments = list(
            OutcomeComment.objects.filter(outcome=outcome)
            .select_related("city", "author")
            .order_by("created_at", "pk")
        )
    return page


def member_cities_for_user(user) -> QuerySet[City]:
    """Return the member cities ``user`` coordinates (for the endorse and comment forms)."""
    return City.objects.filter(pk__in=coordinated_member_city_ids(user)).order_by("name", "pk")


def outcome_files_for_user(user) -> QuerySet[OutcomeFile]:
    """Return the files of the outcome documents ``user`` may read, with their documents."""
    return OutcomeFile.objects.filter(
        outcome__in=outcomes_for_user(user).values("pk")
    ).select_related("outcome", "document")
