"""Starting a release: the refusals before anything is written, and what the release keeps."""

import datetime as dt

import pytest

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.release import release_problems, start_release
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import Release
from learningcities.network.domain.cohorts import create_cohort
from learningcities.network.models import Cohort
from tests.calls.factories import Cast
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city, stage

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED
JOINED = dt.date(2026, 12, 4)


@pytest.fixture
def staged():
    """A membership call with Bremen accepted and Cork rejected, both staged."""
    call = membership_call(title="Membership call 2026")
    pairs = casts_in_review(call, ["DE", "IE"])
    for (cast, submission), name, decision in zip(
        pairs, ("Bremen", "Cork"), (ACCEPTED, REJECTED), strict=True
    ):
        rename_city(cast, name)
        stage(cast, submission, decision)
    return call, pairs[0][0].secretary, [submission for _cast, submission in pairs]


@pytest.mark.parametrize(
    ("name", "joined_on", "code"),
    [("", JOINED, "cohort_name"), ("  ", JOINED, "cohort_name"), ("2026", None, "joined_on")],
)
def test_start_release_of_a_membership_call_needs_a_name_and_a_date(staged, name, joined_on, code):
    call, secretary, _submissions = staged

    with pytest.raises(SubmissionError) as error:
        start_release(call, actor=secretary, name=name, joined_on=joined_on)

    assert error.value.code == code
    assert not Release.objects.exists()


def test_start_release_with_nothing_staged_is_refused():
    cast = Cast(call=membership_call())

    with pytest.raises(SubmissionError) as error:
        start_release(cast.call, actor=cast.secretary, name="2026", joined_on=JOINED)

    assert error.value.code == "problems"
    assert str(error.value) == "No decision is staged: there is nothing to release."


def test_start_release_twice_returns_the_first_release(staged):
    call, secretary, _submissions = staged
    first = start_release(call, actor=secretary, name="2026", joined_on=JOINED)

    second = start_release(call, actor=secretary, name="Another", joined_on=dt.date(2027, 1, 1))

    assert second == first
    assert not Cohort.objects.filter(name="Another").exists()


def test_start_release_uses_an_existing_cohort_of_that_name(staged):
    call, secretary, _submissions = staged
    cohort = create_cohort(name="2026", announced_on=dt.date(2026, 1, 1), description="Kept.")

    release = start_release(call, actor=secretary, name=" 2026 ", joined_on=JOINED)

    assert release.cohort == cohort
    cohort.refresh_from_db()
    assert (cohort.announced_on, cohort.description) == (dt.date(2026, 1, 1), "Kept.")
    assert (release.joined_on, release.award_year) == (JOINED, None)


def test_start_release_names_a_new_cohort_after_the_call(staged):
    call, secretary, _submissions = staged

    release = start_release(call, actor=secretary, name="2026", joined_on=JOINED)

    assert release.cohort.description == (
        "The cities admitted through the call “Membership call 2026”."
    )
    assert release.cohort.announced_on == JOINED


def test_start_release_keeps_the_non_blank_jury_comments_and_the_site(staged):
    call, secretary, (bremen, cork) = staged

    release = start_release(
        call,
        actor=secretary,
        name="2026",
        joined_on=JOINED,
        jury_comments={bremen.pk: [" Strong plan. ", "", "  "], cork.pk: ["", None]},
        site_url="https://cities.example.org",
    )

    release.refresh_from_db()
    assert release.jury_comments == {str(bremen.pk): ["Strong plan."]}
    assert release.site_url == "https://cities.example.org"
    assert (release.total, release.processed) == (2, 0)


def test_release_problems_lists_every_problem_of_an_award_call():
    call = membership_call(kind=CallKind.AWARD, quota_per_country=3)

    problems = release_problems(call, [])

    assert problems == ["No decision is staged: there is nothing to release."]
