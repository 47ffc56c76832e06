"""Calls, people and submissions for tests, made through the domain functions."""

import datetime as dt
import io

from django.utils import timezone

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.submissions import (
    attach_document,
    save_answer,
    save_draft,
    start_submission,
)
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import (
    ALLOWED_TRANSITIONS,
    CallKind,
    Challenge,
    DocumentKind,
    SubmissionState,
    kind_allows,
)
from learningcities.calls.models import Call, Submission
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Framework
from tests.accounts.factories import make_user
from tests.common.files import PDF
from tests.factories import CityFactory, country
from tests.frameworks.helpers import small_document

S = SubmissionState


def transitions_for_kind(kind: str) -> dict[str, frozenset[str]]:
    """Return ``ALLOWED_TRANSITIONS`` as a call of ``kind`` follows it (``kind_allows``)."""
    return {
        source: frozenset(target for target in targets if kind_allows(kind, source, target))
        for source, targets in ALLOWED_TRANSITIONS.items()
    }


def small_framework() -> Framework:
    """The 4-criterion test framework (a text, a rating 1-3, a number, an optional file)."""
    return load_framework(small_document(), record=True).framework


def make_call(**overrides) -> Call:
    """An open membership call (closes in 10 days, Europe/Paris, quota 3) on the small framework."""
    now = timezone.now()
    fields = {
        "title": "Membership call",
        "kind": CallKind.MEMBERSHIP,
        "framework": small_framework() if "framework" not in overrides else None,
        "opens_at": now - dt.timedelta(days=10),
        "closes_at": now + dt.timedelta(days=10),
        "time_zone": "Europe/Paris",
        "quota_per_country": 3,
        **overrides,
    }
    return create_call(actor=None, **fields)


def city_with_coordinator(country_code: str = "IE", **city_fields) -> tuple[Organisation, User]:
    """A new city in ``country_code`` with its organisation and one coordinator."""
    city = CityFactory(country=country(country_code), **city_fields)
    organisation = create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)
    user = make_user()
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    return organisation, user


def endorser_of(country_code: str = "IE") -> User:
    """A new endorser of ``country_code``'s National Commission (created if needed)."""
    commission = Organisation.objects.filter(
        kind=OrganisationKind.NATIONAL_COMMISSION, country_id=country_code
    ).first() or create_organisation(
        kind=OrganisationKind.NATIONAL_COMMISSION,
        name=f"National Commission {country_code}",
        country=country(country_code),
        actor=None,
    )
    user = make_user()
    add_affiliation(commission, user=user, role=Role.ENDORSER, actor=None)
    return user


def secretary() -> User:
    """A new member of the (one) secretariat."""
    secretariat = Organisation.objects.filter(
        kind=OrganisationKind.SECRETARIAT
    ).first() or create_organisation(
        kind=OrganisationKind.SECRETARIAT, name="Secretariat", actor=None
    )
    user = make_user()
    add_affiliation(secretariat, user=user, role=Role.SECRETARIAT, actor=None)
    return user


PROFILE = {
    "data_year": 2024,
    "population": 210_000,
    "area_km2": "187.5",
    "gdp_per_capita_city": 52_000,
    "gdp_per_capita_country": 48_000,
    "schooling_years_men": "12.1",
    "schooling_years_women": "12.6",
    "motivation": "We want to learn from peers and share our adult learning festival.",
    "implementation": "A city learning board meets monthly and reports to the council.",
    "challenges": {challenge.value: 3 for challenge in Challenge},
    "contact_name": "Aoife Byrne",
    "contact_email": "aoife@example.org",
    "contact_phone": "+353 21 000 0000",
    "communication_language": "en",
}

ANSWERS = {
    AnswerType.TEXT: "Libraries, schools and employers run a shared programme.",
    AnswerType.NUMBER: 42,
    AnswerType.RATING: 2,
    AnswerType.YES_NO: True,
}


def fill_in(submission: Submission, coordinator: User) -> Submission:
    """Complete the profile, every criterion and the commitment letter."""
    save_draft(submission, actor=coordinator, **PROFILE)
    for criterion in submission.call.framework.criteria.all():
        if criterion.answer_type == AnswerType.FILE:
            attach_document(
                submission,
                io.BytesIO(PDF),
                actor=coordinator,
                kind=DocumentKind.EVIDENCE,
                criterion=criterion,
                name="evidence.pdf",
            )
        else:
            save_answer(
                submission, criterion, actor=coordinator, value=ANSWERS[criterion.answer_type]
            )
    attach_document(
        submission,
        io.BytesIO(PDF),
        actor=coordinator,
        kind=DocumentKind.COMMITMENT_LETTER,
        name="letter.pdf",
    )
    return submission


class Cast:
    """A call, one city with its coordinator, the country's endorser and a secretary."""

    def __init__(self, call: Call | None = None, country_code: str = "IE"):
        self.call = call or make_call()
        self.organisation, self.coordinator = city_with_coordinator(country_code)
        self.city = self.organisation.city
        self.endorser = endorser_of(country_code)
        self.secretary = secretary()

    def actor_for(self, to_state: str) -> User:
        """The person who moves a submission into ``to_state``."""
        if to_state in (S.ENDORSED, S.RETURNED, S.DECLINED):
            return self.endorser
        if to_state in (S.SUBMITTED, S.WITHDRAWN, S.DRAFT):
            return self.coordinator
        return self.secretary

    def draft(self, *, complete: bool = True) -> Submission:
        submission = start_submission(self.call, city=self.city, actor=self.coordinator)
        return fill_in(submission, self.coordinator) if complete else submission

    def move(self, submission: Submission, to_state: str, **kwargs) -> Submission:
        kwargs.setdefault("comment", "A reason.")
        if to_state == S.DECIDED:
            kwargs.setdefault("decision", "accepted")
        if to_state == S.RELEASED:
            kwargs.setdefault("release", True)
        return transition(submission, to_state, actor=self.actor_for(to_state), **kwargs)


def _shortest_paths(kind: str) -> dict[str, tuple[str, ...]]:
    """The shortest path from a fresh draft to each state, read from the transition table.

    The table as a call of ``kind`` follows it (``transitions_for_kind``: a
    call for presentations is screened from submitted, never endorsed). Ties
    go to the target first in ``SubmissionState``'s order, so a new state gets
    its path by being in the table (tests/calls/test_state_machine.py pins
    today's paths).
    """
    table = transitions_for_kind(kind)
    order = list(S.values)
    paths: dict[str, tuple[str, ...]] = {S.DRAFT: ()}
    queue = [S.DRAFT]
    while queue:
        state = queue.pop(0)
        for target in sorted(table[state], key=order.index):
            if target not in paths:
                paths[target] = (*paths[state], target)
                queue.append(target)
    return paths


# The path from a fresh draft to each state, by kind of call (a membership call's: PATHS).
PATHS_BY_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    kind: _shortest_paths(kind) for kind in CallKind.values
}
PATHS: dict[str, tuple[str, ...]] = PATHS_BY_KIND[CallKind.MEMBERSHIP]


def submission_in(cast: Cast, state: str) -> Submission:
    """A complete submission of ``cast``'s city brought to ``state`` by the right people."""
    submission = cast.draft()
    for step in PATHS_BY_KIND[cast.call.kind][state]:
        cast.move(submission, step)
    assert submission.state == state
    return submission
