"""Juries for tests: a panel on a call, jurors, submissions in review.

Set-up only: these create rows the domain functions of ``reviews`` would
create, so that each test can start from the state it needs. Tests of the
domain functions call those functions, not these.
"""

import datetime as dt

from django.utils import timezone

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, update_profile
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import User
from learningcities.calls.models import Call
from learningcities.reviews.domain.revision import bump_scores_revision
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Assignment, Panel, Review, ReviewPhase, Score
from tests.accounts.factories import TOTP_SECRET, make_user
from tests.factories import country


def make_panel(call: Call, **fields) -> Panel:
    """A panel for ``call`` with one phase open now (jurors review; others seen after their own)."""
    organisation = create_organisation(
        kind=OrganisationKind.PANEL, name=f"Jury of {call.title}", actor=None
    )
    panel = Panel.objects.create(call=call, organisation=organisation, **fields)
    now = timezone.now()
    ReviewPhase.objects.create(
        panel=panel,
        name="Scoring",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=20),
    )
    return panel


def make_juror(panel: Panel, nationality: str = "FR", *, totp: bool = True, **fields) -> User:
    """A juror of ``panel`` of nationality ``nationality`` (with TOTP, as jurors must)."""
    user = make_user(**fields)
    update_profile(
        user,
        name=user.name or user.email,
        language="en",
        nationality=country(nationality),
        actor=user,
    )
    add_affiliation(panel.organisation, user=user, role=Role.JUROR, actor=None)
    if totp:
        activate_totp(user, secret=TOTP_SECRET)
    return user


def assign(panel: Panel, submission, juror: User) -> Assignment:
    assignment = Assignment.objects.create(
        panel=panel, submission=submission, juror=juror, method="manual"
    )
    bump_scores_revision([panel.pk])
    return assignment


def submitted_review(
    assignment: Assignment, scores: dict, *, recommendation: str = "admit", comment: str = ""
) -> Review:
    """A submitted review with ``scores`` as ``{criterion: value}``."""
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED,
        recommendation=recommendation,
        comment=comment,
        submitted_at=timezone.now(),
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=value)
        for criterion, value in scores.items()
    )
    bump_scores_revision([assignment.panel_id])
    return review
