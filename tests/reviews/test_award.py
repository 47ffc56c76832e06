"""The award on the same engine: eligibility, nominations per Commission, one winner per country."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learningcities.calls.domain.eligibility import record_award_win
from learningcities.calls.domain.errors import SubmissionError, TransitionError
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import AwardWin, Release, Submission
from learningcities.common.models import OutboxMessage
from learningcities.network.models import Membership
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.calls.factories import Cast, submission_in
from tests.calls.releasing import release_cohort, release_winners
from tests.factories import make_member
from tests.reviews.decision_helpers import (
    membership_call,
    rename_city,
    stage,
)

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED


@pytest.fixture
def award_call():
    """The award's rules: members for more than 12 months, no win in 6 years, 2 per Commission."""
    return membership_call(
        title="Learning City Award",
        kind=CallKind.AWARD,
        member_for_months=12,
        not_winner_within_years=6,
        quota_per_country=2,
    )


def _nominee(call, country_code: str, name: str, *, member_since: str = "2019-07-17") -> Cast:
    cast = Cast(call=call, country_code=country_code)
    rename_city(cast, name)
    make_member(cast.city, joined=member_since)
    return cast


def _this_year() -> int:
    return timezone.localdate().year


def test_award_eligibility_refuses_a_member_of_twelve_months_or_less(award_call):
    recent = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    cast = _nominee(award_call, "IE", "Cork", member_since=recent)
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(TransitionError) as error:
        cast.move(submission, S.ELIGIBLE)

    assert error.value.code == "eligibility"
    assert "Member for more than 12 months" in str(error.value)


def test_award_eligibility_refuses_a_winner_within_six_years(award_call):
    cast = _nominee(award_call, "IE", "Cork")
    record_award_win(cast.city, year=_this_year() - 2, actor=None)
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(TransitionError) as error:
        cast.move(submission, S.ELIGIBLE)

    assert "Not a winner of the award in the last 6 years" in str(error.value)


def test_award_eligibility_admits_a_winner_of_six_years_ago(award_call):
    cast = _nominee(award_call, "IE", "Cork")
    record_award_win(cast.city, year=_this_year() - 6, actor=None)
    submission = submission_in(cast, S.ENDORSED)

    cast.move(submission, S.ELIGIBLE)

    assert Submission.objects.get(pk=submission.pk).state == S.ELIGIBLE


def test_award_nominations_limited_per_national_commission(award_call):
    casts = [_nominee(award_call, "IE", name) for name in ("Cork", "Limerick", "Galway")]
    submission_in(casts[0], S.ENDORSED)
    submission_in(casts[1], S.ENDORSED)
    third = submission_in(casts[2], S.SUBMITTED)

    with pytest.raises(SubmissionError) as error:
        casts[2].move(third, S.ENDORSED)

    assert error.value.code == "quota_exhausted"
    assert Submission.objects.get(pk=third.pk).state == S.SUBMITTED


def _reviewed(call, country_code, name):
    cast = _nominee(call, country_code, name)
    submission = submission_in(cast, S.IN_REVIEW)
    finish_review(submission, actor=cast.secretary, reason="Reviewed in the meeting.")
    return cast, submission


def test_award_one_winner_per_country_is_enforced(award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    _limerick_cast, limerick = _reviewed(award_call, "IE", "Limerick")
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")

    with pytest.raises(SubmissionError) as error:
        stage_decision(
            limerick, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper."
        )

    assert error.value.code == "one_per_country"
    assert str(error.value) == (
        "Ireland may have one winner only, and Cork is accepted already; "
        "reject it first to accept Limerick."
    )
    assert Submission.objects.get(pk=limerick.pk).state == S.REVIEWED


def test_award_another_country_may_have_its_winner(award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    _lyon_cast, lyon = _reviewed(award_call, "FR", "Lyon")
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")

    stage_decision(lyon, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")

    assert Submission.objects.get(pk=lyon.pk).decision == ACCEPTED


def test_award_winner_may_change_after_the_first_is_rejected(award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    _limerick_cast, limerick = _reviewed(award_call, "IE", "Limerick")
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")
    stage_decision(limerick, actor=cork_cast.secretary, decision=REJECTED)

    stage_decision(cork, actor=cork_cast.secretary, decision=REJECTED)
    stage_decision(
        limerick, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper."
    )

    assert list(
        Submission.objects.filter(call=award_call)
        .order_by("city__name")
        .values_list("city__name", "decision")
    ) == [("Cork", REJECTED), ("Limerick", ACCEPTED)]


def test_release_winners_records_wins_on_city_pages_and_no_membership(client, award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    lyon_cast, lyon = _reviewed(award_call, "FR", "Lyon")
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")
    stage_decision(lyon, actor=cork_cast.secretary, decision=REJECTED)
    city_url = reverse("network:city", kwargs={"pk": cork_cast.city.pk})
    year = _this_year()
    before = client.get(city_url).content.decode()  # cached for the register's revision
    memberships = Membership.objects.count()

    release = release_winners(award_call, actor=cork_cast.secretary, year=year)

    assert release.award_year == year
    assert list(AwardWin.objects.values_list("city__name", "year", "call")) == [
        ("Cork", year, award_call.pk)
    ]
    assert Membership.objects.count() == memberships
    assert f"Learning City Award {year}" not in before
    assert f"Learning City Award {year}" in client.get(city_url).content.decode()
    lyon_page = client.get(reverse("network:city", kwargs={"pk": lyon_cast.city.pk}))
    assert f"Learning City Award {year}" not in lyon_page.content.decode()
    mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[cork_cast.coordinator.email]
    )
    assert f"Congratulations: Cork (Ireland) is a winner of the Learning City Award ({year})." in (
        mail.body
    )
    assert set(Submission.objects.filter(call=award_call).values_list("state", flat=True)) == {
        S.RELEASED
    }


def test_release_winners_twice_changes_nothing(award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")
    first = release_winners(award_call, actor=cork_cast.secretary, year=_this_year())
    counts = (AwardWin.objects.count(), OutboxMessage.objects.count(), Release.objects.count())

    second = release_winners(award_call, actor=cork_cast.secretary, year=_this_year())

    assert second == first
    assert (AwardWin.objects.count(), OutboxMessage.objects.count(), Release.objects.count()) == (
        counts
    )


def test_release_cohort_refuses_an_award_call(award_call):
    cork_cast, cork = _reviewed(award_call, "IE", "Cork")
    stage(cork_cast, submission_in(_nominee(award_call, "FR", "Lyon"), S.IN_REVIEW), REJECTED)
    stage_decision(cork, actor=cork_cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")

    with pytest.raises(SubmissionError) as error:
        release_cohort(
            award_call, actor=cork_cast.secretary, name="Award", joined_on=timezone.localdate()
        )

    assert error.value.code == "wrong_kind"
    assert Membership.objects.filter(city=cork_cast.city).count() == 1  # the earlier one only
