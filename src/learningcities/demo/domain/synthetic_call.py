"""A synthetic membership call of any size, for tests and benchmarks.

Builds on a synthetic network (``demo.domain.synthetic_network.generate_network``):
member cities of that network apply to one call on the shipped key-features
framework, every submission answering all of its criteria.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.revision import bump_call_revision
from learningcities.calls.enums import CallKind, SubmissionState, endorsed_states
from learningcities.calls.models import Answer, Call, EndorsementQuota, Submission
from learningcities.common.domain.activity import record_activity
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion, Framework
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import City

S = SubmissionState
SYNTHETIC_TITLE = "Synthetic membership call"
FRAMEWORK = ("key-features", "2013-short")
QUOTA = 3
# How submissions spread over states (weights); a state holding a quota slot
# (``calls.enums.endorsed_states``) beyond the country's quota falls back to ``submitted``.
STATE_WEIGHTS = {
    S.DRAFT: 10,
    S.SUBMITTED: 40,
    S.RETURNED: 4,
    S.DECLINED: 6,
    S.ENDORSED: 12,
    S.ELIGIBLE: 10,
    S.INELIGIBLE: 3,
    S.NEEDS_CHANGES: 3,
    S.IN_REVIEW: 6,
    S.REVIEWED: 3,
    S.DECIDED: 3,
}


@dataclass(frozen=True)
class SyntheticCall:
    """What ``generate_call`` created, with the accounts a benchmark logs in with."""

    call: Call
    submissions: int
    answers: int
    states: dict[str, int]
    busy_country: str
    endorser_email: str
    secretariat_email: str
    password: str
    totp_secret: str


def synthetic_password(seed: int) -> str:
    """Return the password of the synthetic call's accounts (known, never for production)."""
    return f"Synthetic-call-{seed}-bench-passphrase"


def synthetic_totp_secret(seed: int) -> str:
    """Return the base32 TOTP secret of the synthetic secretariat member, derived from ``seed``."""
    digest = hashlib.sha256(f"learningcities-synthetic-call-{seed}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def _answer(criterion: Criterion, submission: Submission, rng: random.Random) -> Answer:
    answer = Answer(submission=submission, criterion=criterion)
    if criterion.answer_type == AnswerType.RATING:
        low = criterion.rating_min if criterion.rating_min is not None else 1
        high = criterion.rating_max if criterion.rating_max is not None else 5
        answer.rating_value = rng.randint(low, high)
    elif criterion.answer_type == AnswerType.NUMBER:
        answer.number_value = Decimal(rng.randint(0, 100_000))
    elif criterion.answer_type == AnswerType.YES_NO:
        answer.boolean_value = rng.random() < 0.7
    else:
        answer.text_value = f"Synthetic answer to {criterion.code}: " + " ".join(
            rng.choice(("learning", "city", "lifelong", "community", "library", "skills"))
            for _ in range(rng.randint(20, 60))
        )
    return answer


def _person(email: str, *, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = create_user(email, password=password, name=name)
    return user


def _framework_and_cities(submissions: int) -> tuple[Framework, list[City]]:
    """Return the shipped framework and the synthetic member cities free to apply."""
    if submissions < 1:
        raise SubmissionError("The number of submissions must be 1 or more.")
    framework = Framework.objects.filter(code=FRAMEWORK[0], version=FRAMEWORK[1]).first()
    if framework is None:
        raise SubmissionError("The shipped key-features framework is not loaded; run migrate.")
    candidates = list(
        City.objects.filter(
            is_synthetic=True,
            memberships__status=MembershipStatus.ACTIVE,
            organisation__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    if len(candidates) < submissions:
        raise SubmissionError(
            f"{submissions} submissions need as many synthetic member cities without an "
            f"organisation; there are {len(candidates)}: run generate-network with more cities."
        )
    return framework, candidates


def _state_within_quota(rng: random.Random, country_id: str, used: Counter[str]) -> str:
    """Draw a state; one holding a quota slot beyond the country's quota becomes ``submitted``."""
    state = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()))[0]
    if state not in endorsed_states:
        return state
    if used[country_id] >= QUOTA:
        return S.SUBMITTED
    used[country_id] += 1
    return state


def _submissions(
    call: Call, cities: list[City], rng: random.Random, now: dt.datetime
) -> tuple[list[Submission], Counter[str]]:
    """Create an organisation and a submission per city; return them and the slots used."""
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.CITY, name=str(city), city=city, country_id=city.country_id
            )
            for city in cities
        ]
    )
    used: Counter[str] = Counter()
    rows = []
    for city, organisation in zip(cities, organisations, strict=True):
        state = _state_within_quota(rng, city.country_id, used)
        submitted_at = None
        if state != S.DRAFT:
            submitted_at = now - dt.timedelta(days=rng.randint(1, 50), minutes=rng.randint(0, 1439))
        rows.append(
            Submission(
                call=call,
                city=city,
                organisation=organisation,
                country_id=city.country_id,
                state=state,
                data_year=2025,
                population=city.population,
                motivation="Synthetic motivation.",
                implementation="Synthetic implementation plan.",
                contact_name=f"Coordinator of {city.name}",
                contact_email=f"coordinator-{city.pk}@example.org",
                submitted_at=submitted_at,
                endorsement_due_at=(
                    submitted_at + dt.timedelta(days=call.endorsement_days)
                    if submitted_at
                    else None
                ),
            )
        )
    return Submission.objects.bulk_create(rows, batch_size=500), used


def _busiest_country(created: list[Submission]) -> str:
    """The country with the longest endorsement queue (of any submissions when none waits)."""
    counts = Counter(row.country_id for row in created if row.state == S.SUBMITTED)
    counts = counts or Counter(row.country_id for row in created)
    return min(counts, key=lambda code: (-counts[code], code))


def _endorser(country_id: str, *, seed: int, password: str) -> str:
    """Make an endorser of ``country_id``'s National Commission; return their e-mail."""
    commission = Organisation.objects.filter(
        kind=OrganisationKind.NATIONAL_COMMISSION, country_id=country_id
    ).first() or create_organisation(
        kind=OrganisationKind.NATIONAL_COMMISSION,
        name=f"National Commission of {country_id} (synthetic)",
        country=City.objects.filter(country_id=country_id).first().country,
        actor=None,
    )
    email = f"synthetic-endorser-{seed}@example.org"
    endorser = _person(email, name="Synthetic endorser", password=password)
    add_affiliation(commission, user=endorser, role=Role.ENDORSER, actor=None)
    return email


def _secretariat_member(*, seed: int, password: str) -> str:
    """Make a secretariat member with a TOTP authenticator; return their e-mail."""
    secretariat = Organisation.objects.filter(
        kind=OrganisationKind.SECRETARIAT
    ).first() or create_organisation(
        kind=OrganisationKind.SECRETARIAT, name="UIL secretariat (synthetic)", actor=None
    )
    email = f"synthetic-secretariat-{seed}@example.org"
    member = _person(email, name="Synthetic secretariat member", password=password)
    add_affiliation(secretariat, user=member, role=Role.SECRETARIAT, actor=None)
    activate_totp(member, secret=synthetic_totp_secret(seed))
    return email


@transaction.atomic
def generate_call(*, submissions: int = 1000, seed: int = 1) -> SyntheticCall:
    """Create a reproducible synthetic membership call: the same seed gives the same data.

    Needs a synthetic network with at least ``submissions`` active member
    cities that have no organisation yet. Effects, in one transaction: a call
    on the shipped key-features framework (quota 3 per country); a city
    organisation and one submission per chosen city, spread over states
    (draft, submitted, endorsed, eligible, ...; the states holding a quota
    slot, ``calls.enums.endorsed_states``, never beyond the quota), each with
    an answer to every criterion (bulk-created; the submissions' contact name
    says "(synthetic)"); the quota rows counting the endorsed submissions; an
    endorser of the National Commission of the country with most submissions
    waiting for endorsement and a secretariat member with a TOTP
    authenticator (password ``synthetic_password(seed)``, secret
    ``synthetic_totp_secret(seed)``); activity ``calls.synthetic.generate``.
    Raises SubmissionError if the framework or enough cities are missing.
    """
    framework, candidates = _framework_and_cities(submissions)
    rng = random.Random(seed)
    cities = sorted(rng.sample(candidates, submissions), key=lambda city: city.pk)
    now = timezone.now()
    call = create_call(
        actor=None,
        title=f"{SYNTHETIC_TITLE} (seed {seed})",
        kind=CallKind.MEMBERSHIP,
        framework=framework,
        opens_at=now - dt.timedelta(days=60),
        closes_at=now + dt.timedelta(days=30),
        quota_per_country=QUOTA,
    )
    created, used = _submissions(call, cities, rng, now)
    criteria = list(Criterion.objects.filter(framework=framework).order_by("order", "pk"))
    answers = Answer.objects.bulk_create(
        [_answer(criterion, submission, rng) for submission in created for criterion in criteria],
        batch_size=2000,
    )
    EndorsementQuota.objects.bulk_create(
        [
            EndorsementQuota(call=call, country_id=code, used=used[code])
            for code in sorted({row.country_id for row in created})
        ]
    )
    bump_call_revision(call.pk)  # the call's cached lists (empty until now) change

    busy_country = _busiest_country(created)
    password = synthetic_password(seed)
    endorser_email = _endorser(busy_country, seed=seed, password=password)
    secretariat_email = _secretariat_member(seed=seed, password=password)
    record_activity(
        "calls.synthetic.generate",
        actor=None,
        subject=call,
        changes={"submissions": [0, len(created)], "answers": [0, len(answers)]},
    )
    return SyntheticCall(
        call=call,
        submissions=len(created),
        answers=len(answers),
        states=dict(Counter(row.state for row in created)),
        busy_country=busy_country,
        endorser_email=endorser_email,
        secretariat_email=secretariat_email,
        password=password,
        totp_secret=synthetic_totp_secret(seed),
    )
