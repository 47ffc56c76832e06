"""Conflicts of interest: every reason, ties and recusals, and a tie recorded after assignment."""

from types import SimpleNamespace

import pytest
import rules

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation
from learningcities.calls.enums import SubmissionState
from learningcities.common.models import ActivityLogEntry
from learningcities.reviews.domain.conflicts import record_tie, recuse, remove_tie
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.queries.conflicts import (
    conflict_map,
    conflict_reasons,
    forget_juror_ties,
    prefetch_juror_ties,
)
from learningcities.reviews.domain.queries.reviews import submissions_for_juror
from learningcities.reviews.enums import ConflictReason, ReviewState, TieKind, TieSource
from learningcities.reviews.models import Assignment, Recusal, Review
from learningcities.reviews.rules import is_unconflicted_assigned_juror
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, make_call, submission_in
from tests.factories import CityFactory, country
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

S = SubmissionState
R = ConflictReason
pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A panel, an Irish submission in review and a French juror assigned to it."""
    call = make_call()
    panel = make_panel(call)
    cast = Cast(call, "IE")
    submission = submission_in(cast, S.IN_REVIEW)
    juror = make_juror(panel, "FR")
    assign(panel, submission, juror)
    return panel, submission, juror, cast


def _tie_country(juror, kind):
    record_tie(juror, kind=kind, country=country("IE"), reason="Family there.", actor=juror)


def _tie_city(juror, submission):
    record_tie(
        juror, kind=TieKind.DECLARED, city=submission.city, reason="Former adviser.", actor=juror
    )


def _national_commission(juror, submission):
    commission = Organisation.objects.get(
        kind=OrganisationKind.NATIONAL_COMMISSION, country_id="IE"
    )  # the Cast's endorser made it
    add_affiliation(commission, user=juror, role=Role.ENDORSER, actor=None)


def _city_member(juror, submission):
    add_affiliation(submission.organisation, user=juror, role=Role.COORDINATOR, actor=None)


def _recusal(juror, submission):
    Recusal.objects.create(submission=submission, juror=juror, reason="Friend of the mayor.")


CASES = {
    "nationality": (lambda juror, submission: None, "IE", {R.NATIONALITY}),
    "residence": (
        lambda juror, submission: _tie_country(juror, TieKind.RESIDENCE),
        "FR",
        {R.RESIDENCE},
    ),
    "work": (lambda juror, submission: _tie_country(juror, TieKind.WORK), "FR", {R.WORK}),
    "declared_country": (
        lambda juror, submission: _tie_country(juror, TieKind.DECLARED),
        "FR",
        {R.DECLARED},
    ),
    "declared_city": (_tie_city, "FR", {R.DECLARED}),
    "national_commission": (_national_commission, "FR", {R.ORGANISATION}),
    "city_organisation": (_city_member, "FR", {R.ORGANISATION}),
    "recusal": (_recusal, "FR", {R.RECUSAL}),
    "none": (lambda juror, submission: None, "FR", set()),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_conflict_reasons_truth_table(case):
    make_tie, nationality, expected = CASES[case]
    call = make_call()
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.IN_REVIEW)
    juror = make_juror(panel, nationality)
    assign(panel, submission, juror)
    make_tie(juror, submission)
    forget_juror_ties(juror)
    if hasattr(juror, "_lc_affiliation_pairs"):
        del juror._lc_affiliation_pairs

    reasons = conflict_reasons(juror, submission)
    recused = set(Recusal.objects.values_list("submission_id", "juror_id"))
    in_bulk = conflict_map([juror], [submission], recused)

    assert reasons == frozenset(expected)
    assert in_bulk == ({(submission.pk, juror.pk): reasons} if expected else {})
    assert is_unconflicted_assigned_juror(juror, submission) == (not expected)
    assert list(submissions_for_juror(juror)) == ([] if expected else [submission])


def test_prefetch_juror_ties_matches_juror_ties(setting):
    _panel, submission, juror, _cast = setting
    _tie_city(juror, submission)
    record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=juror)
    expected = conflict_reasons(juror, submission, recused=False)
    forget_juror_ties(juror)

    prefetch_juror_ties([juror])

    assert conflict_reasons(juror, submission, recused=False) == expected == {R.DECLARED}


def test_tie_recorded_after_assignment_hides_submission_at_once(setting):
    _panel, submission, juror, cast = setting
    assert list(submissions_for_juror(juror)) == [submission]

    record_tie(juror, kind=TieKind.RESIDENCE, country=country("IE"), actor=cast.secretary)

    assert list(submissions_for_juror(juror)) == []
    assert is_unconflicted_assigned_juror(juror, submission) is False
    assert Assignment.objects.filter(juror=juror).count() == 1  # listed for reassignment


def test_record_tie_by_juror_and_by_secretariat_sets_source(setting):
    _panel, _submission, juror, cast = setting

    own = record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=juror)
    added = record_tie(juror, kind=TieKind.RESIDENCE, country=country("BR"), actor=cast.secretary)

    assert (own.source, added.source) == (TieSource.JUROR, TieSource.SECRETARIAT)
    assert ActivityLogEntry.objects.filter(action="reviews.tie.add").count() == 2


def test_record_tie_refuses_another_juror(setting):
    panel, _submission, juror, _cast = setting
    other = make_juror(panel, "DE")

    with pytest.raises(ReviewError) as refused:
        record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=other)

    assert refused.value.code == "not_permitted"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": TieKind.DECLARED, "reason": ""}, "reason_missing"),
        ({"kind": "friendship", "reason": "x"}, "kind_invalid"),
        ({"kind": TieKind.WORK, "country": None}, "place_missing"),
        ({"kind": TieKind.RESIDENCE, "city": "city", "country": None}, "city_not_declared"),
    ],
)
def test_record_tie_refuses_bad_input(setting, fields, code):
    _panel, submission, juror, _cast = setting
    fields = {"country": country("KE"), **fields}
    if fields.get("city") == "city":
        fields["city"] = submission.city

    with pytest.raises(ReviewError) as refused:
        record_tie(juror, actor=juror, **fields)

    assert refused.value.code == code


def test_record_tie_twice_is_refused(setting):
    _panel, _submission, juror, _cast = setting
    record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=juror)

    with pytest.raises(ReviewError) as refused:
        record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=juror)

    assert refused.value.code == "tie_exists"


def test_remove_tie_by_juror_only_their_own(setting):
    _panel, submission, juror, cast = setting
    added = record_tie(juror, kind=TieKind.WORK, country=country("IE"), actor=cast.secretary)
    own = record_tie(juror, kind=TieKind.RESIDENCE, country=country("KE"), actor=juror)

    with pytest.raises(ReviewError):
        remove_tie(added, actor=juror)
    remove_tie(own, actor=juror)
    remove_tie(added, actor=cast.secretary)

    assert list(submissions_for_juror(juror)) == [submission]


def test_recuse_removes_assignment_and_draft(setting):
    panel, submission, juror, _cast = setting
    assignment = Assignment.objects.get(juror=juror)
    Review.objects.create(assignment=assignment, state=ReviewState.DRAFT)
    panel.refresh_from_db()
    revision = panel.scores_revision

    recuse(submission, juror, reason="I advised this city.", actor=juror)

    panel.refresh_from_db()
    assert (Assignment.objects.count(), Review.objects.count()) == (0, 0)
    # One reviewer fewer: the submission's figures (reviews n of k) change.
    assert panel.scores_revision == revision + 1
    assert conflict_reasons(juror, submission) == {R.RECUSAL}


def test_recuse_after_submitting_bumps_scores_revision(setting):
    panel, submission, juror, cast = setting
    submitted_review(Assignment.objects.get(juror=juror), {})
    panel.refresh_from_db()
    revision = panel.scores_revision

    recuse(submission, juror, reason="Conflict found late.", actor=cast.secretary)

    panel.refresh_from_db()
    assert panel.scores_revision == revision + 1
    assert Review.objects.count() == 0
    assert Recusal.objects.get().recorded_by == cast.secretary


def test_recuse_needs_reason_and_happens_once(setting):
    _panel, submission, juror, _cast = setting
    with pytest.raises(ReviewError) as missing:
        recuse(submission, juror, reason=" ", actor=juror)
    recuse(submission, juror, reason="Friend.", actor=juror)

    with pytest.raises(ReviewError) as twice:
        recuse(submission, juror, reason="Again.", actor=juror)

    assert (missing.value.code, twice.value.code) == ("reason_missing", "recused_already")


def test_declared_city_tie_leaves_other_cities_of_country_visible(setting):
    _panel, submission, juror, _cast = setting
    other_city = CityFactory(country=country("IE"))
    record_tie(juror, kind=TieKind.DECLARED, city=other_city, reason="Adviser.", actor=juror)

    assert conflict_reasons(juror, submission) == frozenset()


@pytest.mark.parametrize("state", list(SubmissionState))
@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.JUROR])
def test_only_the_secretariat_assigns_and_only_in_an_assignable_state(state, role):
    person = person_with_role(role, totp=True)
    submission = SimpleNamespace(state=state)

    allowed = rules.has_perm("reviews.assign_submission", person, submission)

    expected = role == Role.SECRETARIAT and state in (
        SubmissionState.ELIGIBLE,
        SubmissionState.IN_REVIEW,
    )
    assert allowed is expected
