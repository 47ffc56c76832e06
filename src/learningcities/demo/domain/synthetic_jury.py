"""A synthetic jury and its scores, for tests, demos and benchmarks.

Builds on a synthetic call (``demo.domain.synthetic_call.generate_call``): a
panel of jurors from every region (demo accounts, names and e-mails saying
"synthetic"), a few residence and work ties, two phases; then, for every
assignment, a submitted review with a score per criterion. Each juror is
more or less lenient, so the per-juror normalisation has something to do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Affiliation, User
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, Submission
from learningcities.common.domain.activity import record_activity
from learningcities.frameworks.models import Criterion
from learningcities.network.enums import Region
from learningcities.network.models import Country
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.panels import create_panel
from learningcities.reviews.domain.revision import bump_scores_revision
from learningcities.reviews.enums import (
    OtherReviews,
    Recommendation,
    ReviewState,
    TieKind,
    TieSource,
)
from learningcities.reviews.models import Assignment, JurorTie, Panel, Review, ReviewPhase, Score

SYNTHETIC_MARK = "(synthetic)"
COMMENTS = (
    "A clear plan with named partners.",
    "The evidence is thin for this criterion.",
    "Strong political commitment; monitoring is still to be built.",
    "Good practices, but little on inclusion.",
)


def synthetic_juror_email(seed: int, number: int) -> str:
    return f"synthetic-juror-{seed}-{number}@example.org"


def _synthetic_ties(rng: random.Random, people: list[User], countries: list[str]) -> list[JurorTie]:
    """Return a residence or work tie, to another country, for about one juror in eight."""
    ties = []
    for person in people:
        if rng.random() < 1 / 8:
            country = rng.choice([code for code in countries if code != person.nationality_id])
            ties.append(
                JurorTie(
                    juror=person,
                    kind=rng.choice((TieKind.RESIDENCE, TieKind.WORK)),
                    country_id=country,
                    reason="Synthetic tie.",
                    source=TieSource.SECRETARIAT,
                )
            )
    return ties


def _add_phases(panel: Panel) -> None:
    """Give ``panel`` a scoring phase open now and a deliberation phase after it."""
    now = timezone.now()
    ReviewPhase.objects.bulk_create(
        [
            ReviewPhase(
                panel=panel,
                name="Scoring",
                order=0,
                starts_at=now - dt.timedelta(days=1),
                ends_at=now + dt.timedelta(days=30),
                sees_other_reviews=OtherReviews.AFTER_OWN,
            ),
            ReviewPhase(
                panel=panel,
                name="Deliberation",
                order=1,
                starts_at=now + dt.timedelta(days=30),
                ends_at=now + dt.timedelta(days=45),
                may_review=False,
                sees_other_reviews=OtherReviews.ALWAYS,
                may_change_state=True,
            ),
        ]
    )


@transaction.atomic
def generate_jury(call: Call, *, jurors: int = 60, seed: int = 1, max_load: int = 60) -> Panel:
    """Create a reproducible synthetic jury panel for ``call``.

    Effects, in one transaction: a panel (its organisation named "Jury of
    <call> (synthetic)") with ``max_load``; ``jurors`` demo accounts
    (``is_demo``, unusable passwords, names "Synthetic juror N") affiliated
    as jurors, their nationalities spread over the five regions; a
    residence or work tie for one juror in eight; a scoring phase open now
    and a deliberation phase after it; activity
    ``reviews.synthetic.generate``. Raises ReviewError for fewer than one
    juror or a call that has a panel.
    """
    if jurors < 1:
        raise ReviewError("The number of jurors must be 1 or more.", code="jurors_invalid")
    rng = random.Random(seed)
    panel = create_panel(
        call,
        organisation_name=f"Jury of {call.title} {SYNTHETIC_MARK}",
        actor=None,
        max_load=max_load,
        level_descriptors={"1": "Not addressed", "3": "Partly addressed", "5": "Fully addressed"},
    )
    by_region: dict[str, list[str]] = defaultdict(list)
    for code, region in Country.objects.exclude(region="").values_list("code", "region"):
        by_region[region].append(code)
    regions = [region for region in Region.values if by_region[region]]
    if not regions:
        raise ReviewError("No country has a region: load the countries first.", code="no_regions")
    password = make_password(None)  # unusable: synthetic jurors log in only by force_login
    people = User.objects.bulk_create(
        [
            User(
                email=synthetic_juror_email(seed, number),
                name=f"Synthetic juror {number}",
                password=password,
                is_demo=True,
                nationality_id=rng.choice(sorted(by_region[regions[number % len(regions)]])),
            )
            for number in range(1, jurors + 1)
        ]
    )
    Affiliation.objects.bulk_create(
        [
            Affiliation(user=person, organisation=panel.organisation, role=Role.JUROR)
            for person in people
        ]
    )
    all_countries = sorted(code for codes in by_region.values() for code in codes)
    ties = JurorTie.objects.bulk_create(_synthetic_ties(rng, people, all_countries))
    _add_phases(panel)
    record_activity(
        "reviews.synthetic.generate",
        actor=None,
        organisation=panel.organisation,
        subject=panel,
        changes={"jurors": [0, len(people)], "ties": [0, len(ties)]},
    )
    return panel


@transaction.atomic
def open_call_for_review(call: Call) -> int:
    """Make every submission of a synthetic call eligible, so the jury has 1,000 to review.

    Only for a call whose submissions all come from synthetic cities
    (ReviewError ``not_synthetic`` otherwise): a bulk update, without the
    transitions, notices or quota bookkeeping of real screening. Returns how
    many submissions changed.
    """
    submissions = Submission.objects.filter(call=call)
    if submissions.filter(city__is_synthetic=False).exists():
        raise ReviewError(
            "Only a synthetic call's submissions are made eligible in bulk.", code="not_synthetic"
        )
    return submissions.exclude(state=SubmissionState.ELIGIBLE).update(
        state=SubmissionState.ELIGIBLE
    )


@transaction.atomic
def generate_scores(panel: Panel, *, seed: int = 1) -> int:
    """Submit a synthetic review for every assignment of ``panel`` that has none.

    Each review scores every criterion of the call's framework on the panel's
    scale: the submission's quality plus the juror's leniency plus noise,
    rounded into the scale; a comment on one score in four; an overall
    comment and a recommendation that follows the mean. Effects: the reviews
    and scores (bulk-created); the panel's ``scores_revision`` bumped; activity
    ``reviews.synthetic.scores``. Returns the number of scores.
    """
    rng = random.Random(seed)
    criteria = list(
        Criterion.objects.filter(framework_id=panel.call.framework_id).order_by("order", "pk")
    )
    assignments = list(Assignment.objects.filter(panel=panel, review__isnull=True).order_by("pk"))
    low, high = panel.score_min, panel.score_max
    middle, width = (low + high) / 2, (high - low)
    leniency: dict[int, float] = {}
    quality: dict[int, float] = {}
    now = timezone.now()
    reviews: list[Review] = []
    values: list[list[int]] = []
    for assignment in assignments:
        lenient = leniency.setdefault(assignment.juror_id, rng.gauss(0, width / 6))
        level = quality.setdefault(assignment.submission_id, rng.gauss(middle, width / 5))
        scores = [
            max(low, min(high, round(level + lenient + rng.gauss(0, width / 8))))
            for _criterion in criteria
        ]
        mean = sum(scores) / len(scores) if scores else middle
        if abs(mean - middle) < width / 10:
            recommendation = Recommendation.ABSTAIN
        elif mean > middle:
            recommendation = Recommendation.ADMIT
        else:
            recommendation = Recommendation.DO_NOT_ADMIT
        reviews.append(
            Review(
                assignment=assignment,
                state=ReviewState.SUBMITTED,
                recommendation=recommendation,
                comment=rng.choice(COMMENTS) if rng.random() < 0.5 else "",
                submitted_at=now,
            )
        )
        values.append(scores)
    created = Review.objects.bulk_create(reviews, batch_size=1000)
    rows = [
        Score(
            review=review,
            criterion=criterion,
            value=value,
            comment=rng.choice(COMMENTS) if rng.random() < 0.25 else "",
        )
        for review, scores in zip(created, values, strict=True)
        for criterion, value in zip(criteria, scores, strict=True)
    ]
    Score.objects.bulk_create(rows, batch_size=5000)
    bump_scores_revision([panel.pk])
    panel.refresh_from_db(fields=["scores_revision"])
    record_activity(
        "reviews.synthetic.scores",
        actor=None,
        organisation=panel.organisation,
        subject=panel,
        changes={"reviews": [0, len(created)], "scores": [0, len(rows)]},
    )
    return len(rows)
