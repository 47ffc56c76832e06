"""Screening: the eligibility checklist rule by rule, manual checks, award wins, the guard."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.eligibility import (
    eligibility_checklist,
    manual_check_code,
    record_award_win,
    record_manual_check,
)
from learningcities.calls.domain.errors import (
    SubmissionError,
    TransitionError,
    TransitionNotPermitted,
)
from learningcities.calls.domain.submissions import attach_document, save_draft, start_submission
from learningcities.calls.enums import CallKind, CheckOutcome, DocumentKind, SubmissionState
from learningcities.calls.models import AwardWin, ManualCheck, Submission, Transition
from learningcities.common.models import ActivityLogEntry
from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import admit_city
from tests.calls.releasing import release_cohort
from tests.common.files import PDF
from tests.factories import make_member

from .factories import PATHS, Cast, make_call, small_framework, submission_in

pytestmark = pytest.mark.django_db

S = SubmissionState
C = CheckOutcome
LETTER = "Mayor's letter signed"
DATED = "Commitment dated within the call window"
THIS_YEAR = timezone.localdate().year


def check(submission: Submission, code: str, *, today: dt.date | None = None):
    """The one check ``code`` of the submission's checklist."""
    found = [c for c in eligibility_checklist(submission, today=today) if c.code == code]
    assert len(found) == 1, [c.code for c in eligibility_checklist(submission, today=today)]
    return found[0]


# Population minimum -------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "outcome", "detail"),
    [
        (45_000, C.FAILED, "population 45,000 is below the minimum 50,000"),
        (50_000, C.PASSED, "population 50,000 meets the minimum 50,000"),
        (50_001, C.PASSED, "population 50,001 meets the minimum 50,000"),
        (None, C.UNKNOWN, "the submission gives no population"),
    ],
)
def test_population_minimum_below_at_above_unknown(population, outcome, detail):
    cast = Cast(make_call(population_minimum=50_000))
    submission = cast.draft()
    save_draft(submission, actor=cast.coordinator, population=population)

    result = check(submission, "population_minimum")

    assert (result.outcome, result.detail) == (outcome, detail)
    assert result.label == "Population of at least 50,000"


def test_population_rule_off_gives_no_check():
    cast = Cast()

    codes = [c.code for c in eligibility_checklist(cast.draft())]

    assert "population_minimum" not in codes
    assert "not_member" not in codes
    assert "member_for_months" not in codes
    assert "not_recent_winner" not in codes


# Not already a member -----------------------------------------------------------


def test_not_member_active_member_fails():
    cast = Cast(make_call(require_not_member=True))
    make_member(cast.city, joined="2019-07-17")

    result = check(cast.draft(), "not_member")

    assert (result.outcome, result.detail) == (C.FAILED, "member since 2019-07-17")


def test_not_member_lapsed_member_passes():
    cast = Cast(make_call(require_not_member=True))
    make_member(cast.city, joined="2016", ended=dt.date(2021, 3, 1), status="lapsed")

    result = check(cast.draft(), "not_member")

    assert result.outcome == C.PASSED
    assert result.detail == (
        "not a member now; was a member from 2016 (counted from 2016-12-31) to 2021-03-01 (lapsed)"
    )


def test_not_member_city_admitted_by_this_call_passes():
    cast = Cast(make_call(require_not_member=True))
    submission = cast.draft()
    for step in PATHS[S.DECIDED]:
        cast.move(submission, step)
    release_cohort(
        cast.call, actor=cast.secretary, name="2026 cohort", joined_on=dt.date(2026, 12, 1)
    )
    submission.refresh_from_db()

    result = check(submission, "not_member")

    assert (result.outcome, result.detail) == (
        C.PASSED,
        "not a member when it applied; admitted through this call, member since 2026-12-01",
    )


def test_not_member_city_admitted_by_an_earlier_call_still_fails():
    first = Cast(make_call(require_not_member=True, title="First call"))
    submission = first.draft()
    for step in PATHS[S.DECIDED]:
        first.move(submission, step)
    release_cohort(
        first.call, actor=first.secretary, name="2025 cohort", joined_on=dt.date(2025, 12, 4)
    )
    second_call = make_call(require_not_member=True, title="Second call")
    again = start_submission(second_call, city=first.city, actor=first.coordinator)

    result = check(again, "not_member")

    assert (result.outcome, result.detail) == (C.FAILED, "member since 2025-12-04")


def test_not_member_never_member_passes():
    cast = Cast(make_call(require_not_member=True))

    result = check(cast.draft(), "not_member")

    assert (result.outcome, result.detail) == (C.PASSED, "never a member")


# Member for more than N months --------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "today", "outcome", "months"),
    [
        # Month precision counts from 2024-05-31.
        ("2024-05", dt.date(2025, 5, 1), C.FAILED, 11),
        ("2024-05", dt.date(2025, 7, 1), C.PASSED, 13),
        # Year precision counts from 2024-12-31.
        ("2024", dt.date(2025, 12, 15), C.FAILED, 11),
        ("2024", dt.date(2026, 1, 31), C.PASSED, 13),
        # Exactly 12 months is not more than 12; one day more is.
        ("2024-05-31", dt.date(2025, 5, 31), C.FAILED, 12),
        ("2024-05-31", dt.date(2025, 6, 1), C.PASSED, 12),
    ],
)
def test_member_for_months_with_partial_dates(joined, today, outcome, months):
    cast = Cast(make_call(kind=CallKind.AWARD, member_for_months=12))
    membership = make_member(cast.city, joined=joined)

    result = check(cast.draft(), "member_for_months", today=today)

    assert result.outcome == outcome
    assert f", {months} months: more than 12 required" in result.detail
    assert result.detail.startswith(f"member since {membership.joined_iso}")


def test_member_for_months_detail_for_a_long_member():
    cast = Cast(make_call(kind=CallKind.AWARD, member_for_months=12))
    make_member(cast.city, joined="2019-07-17")

    result = check(cast.draft(), "member_for_months", today=dt.date(2024, 11, 20))

    assert result.outcome == C.PASSED
    assert result.detail == "member since 2019-07-17, 64 months: more than 12 required"
    assert result.label == "Member for more than 12 months"


def test_member_for_months_lapsed_member_fails():
    cast = Cast(make_call(kind=CallKind.AWARD, member_for_months=12))
    make_member(cast.city, joined="2016-03-01", ended=dt.date(2023, 1, 1), status="withdrawn")

    result = check(cast.draft(), "member_for_months", today=dt.date(2025, 1, 1))

    assert result.outcome == C.FAILED
    assert "not a member now" in result.detail
    assert "only the current period counts" in result.detail


def test_member_for_months_readmitted_city_counts_current_period_only():
    cast = Cast(make_call(kind=CallKind.AWARD, member_for_months=12))
    make_member(cast.city, joined="2015", ended=dt.date(2020, 1, 1), status="lapsed")
    admit_city(cast.city, joined=PartialDate.parse("2025-03"))

    result = check(cast.draft(), "member_for_months", today=dt.date(2025, 12, 1))

    assert result.outcome == C.FAILED
    assert result.detail == (
        "member since 2025-03 (counted from 2025-03-31), 8 months: more than 12 required"
    )


def test_member_for_months_never_member_fails():
    cast = Cast(make_call(kind=CallKind.AWARD, member_for_months=12))

    result = check(cast.draft(), "member_for_months")

    assert (result.outcome, result.detail) == (C.FAILED, "not a member now")


# Not a winner within N years ----------------------------------------------------


@pytest.mark.parametrize(
    ("years_ago", "outcome"),
    [(5, C.FAILED), (6, C.PASSED), (7, C.PASSED)],
)
def test_not_recent_winner_by_years_ago(years_ago, outcome):
    cast = Cast(make_call(kind=CallKind.AWARD, not_winner_within_years=6))
    record_award_win(cast.city, year=THIS_YEAR - years_ago, actor=cast.secretary)

    result = check(cast.draft(), "not_recent_winner", today=dt.date(THIS_YEAR, 6, 1))

    assert result.outcome == outcome
    if outcome == C.FAILED:
        assert result.detail == (
            f"won the award in {THIS_YEAR - years_ago}: winners are excluded for 6 years"
        )
    else:
        assert str(THIS_YEAR - years_ago) in result.detail


def test_not_recent_winner_never_won_passes():
    cast = Cast(make_call(kind=CallKind.AWARD, not_winner_within_years=6))

    result = check(cast.draft(), "not_recent_winner")

    assert (result.outcome, result.detail) == (C.PASSED, "never won the award")


def test_not_recent_winner_reads_latest_win():
    cast = Cast(make_call(kind=CallKind.AWARD, not_winner_within_years=6))
    record_award_win(cast.city, year=THIS_YEAR - 9, actor=None, source="ICLC")
    record_award_win(cast.city, year=THIS_YEAR - 2, actor=None, source="ICLC")

    result = check(cast.draft(), "not_recent_winner")

    assert result.outcome == C.FAILED
    assert str(THIS_YEAR - 2) in result.detail


# Required documents and word limits ----------------------------------------------


def test_required_document_missing_then_attached():
    cast = Cast()
    submission = cast.draft(complete=False)

    missing = check(submission, "document.commitment_letter")
    attach_document(
        submission,
        io.BytesIO(PDF),
        actor=cast.coordinator,
        kind=DocumentKind.COMMITMENT_LETTER,
        name="letter.pdf",
    )
    attached = check(submission, "document.commitment_letter")

    assert (missing.outcome, missing.detail) == (C.FAILED, "missing")
    assert missing.label == "Document attached: Mayor's commitment letter"
    assert attached.outcome == C.PASSED


def test_required_document_kind_not_attached_fails():
    cast = Cast(make_call(required_documents=["commitment_letter", "evidence"]))
    submission = cast.draft(complete=False)
    attach_document(
        submission,
        io.BytesIO(PDF),
        actor=cast.coordinator,
        kind=DocumentKind.COMMITMENT_LETTER,
        name="letter.pdf",
    )

    checklist = {c.code: c.outcome for c in eligibility_checklist(submission)}

    assert checklist["document.commitment_letter"] == C.PASSED
    assert checklist["document.evidence"] == C.FAILED


def test_word_limit_over_fails_within_passes():
    cast = Cast(make_call(motivation_word_limit=5))
    submission = cast.draft()

    motivation = check(submission, "word_limit.motivation")
    implementation = check(submission, "word_limit.implementation")

    assert motivation.outcome == C.FAILED
    assert motivation.detail == "12 words; the limit is 5"
    assert implementation.outcome == C.PASSED


# Manual checks ------------------------------------------------------------------


def manual_cast() -> Cast:
    return Cast(make_call(manual_checks=[LETTER, DATED]))


def test_manual_check_pending_failed_passed():
    cast = manual_cast()
    submission = submission_in(cast, S.ENDORSED)
    code = manual_check_code(LETTER)

    pending = check(submission, code)
    record_manual_check(
        submission, code, passed=False, note="Signed by a deputy.", actor=cast.secretary
    )
    failed = check(submission, code)
    record_manual_check(submission, code, passed=True, actor=cast.secretary)
    passed = check(submission, code)

    assert code == "manual.mayors-letter-signed"
    assert (pending.outcome, pending.label) == (C.MANUAL_PENDING, LETTER)
    assert (failed.outcome, failed.detail) == (C.FAILED, "Signed by a deputy.")
    assert passed.outcome == C.PASSED
    assert ManualCheck.objects.filter(submission=submission).count() == 1


def test_record_manual_check_unknown_code_refused():
    cast = manual_cast()
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(SubmissionError, match=r"no manual check “manual\.budget-approved”"):
        record_manual_check(submission, "manual.budget-approved", passed=True, actor=cast.secretary)

    assert not ManualCheck.objects.exists()


def test_record_manual_check_outside_screening_refused():
    cast = manual_cast()
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(SubmissionError, match="this one is submitted") as excinfo:
        record_manual_check(
            submission, manual_check_code(LETTER), passed=True, actor=cast.secretary
        )

    assert excinfo.value.code == "not_screening"
    assert not ManualCheck.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "endorser"])
def test_record_manual_check_by_city_or_commission_refused(who):
    cast = manual_cast()
    submission = submission_in(cast, S.ENDORSED)
    entries = ActivityLogEntry.objects.count()

    with pytest.raises(TransitionNotPermitted, match="Only the secretariat"):
        record_manual_check(
            submission, manual_check_code(LETTER), passed=True, actor=getattr(cast, who)
        )

    assert not ManualCheck.objects.exists()
    assert ActivityLogEntry.objects.count() == entries


def test_record_manual_check_records_activity():
    cast = manual_cast()
    submission = submission_in(cast, S.ENDORSED)
    code = manual_check_code(DATED)

    record_manual_check(submission, code, passed=False, note="Dated 2019.", actor=cast.secretary)
    record_manual_check(submission, code, passed=True, note="New letter.", actor=cast.secretary)

    entries = list(
        ActivityLogEntry.objects.filter(
            action="calls.submission.manual_check", object_id=str(submission.pk)
        ).order_by("pk")
    )
    assert [entry.actor for entry in entries] == [cast.secretary, cast.secretary]
    assert entries[0].changes == {
        "check": [None, code],
        "passed": [None, False],
        "note": [None, "Dated 2019."],
    }
    assert entries[1].changes["passed"] == [False, True]
    assert entries[1].changes["note"] == ["Dated 2019.", "New letter."]


def test_call_manual_checks_duplicate_labels_refused():
    now = timezone.now()

    with pytest.raises(SubmissionError, match="are the same check"):
        create_call(
            actor=None,
            title="Call",
            kind=CallKind.MEMBERSHIP,
            framework=small_framework(),
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            manual_checks=["Letter signed", "letter signed!"],
        )


def test_call_manual_checks_not_a_list_of_labels_refused():
    now = timezone.now()

    with pytest.raises(SubmissionError, match="list of labels"):
        create_call(
            actor=None,
            title="Call",
            kind=CallKind.MEMBERSHIP,
            framework=small_framework(),
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            manual_checks=["Letter signed", ""],
        )


# The eligible guard -------------------------------------------------------------


def test_eligible_refused_naming_failing_checks_then_allowed_once_they_pass():
    cast = Cast(make_call(population_minimum=250_000, manual_checks=[LETTER, DATED]))
    submission = submission_in(cast, S.ENDORSED)
    record_manual_check(
        submission, manual_check_code(DATED), passed=False, note="Undated.", actor=cast.secretary
    )
    transitions = Transition.objects.count()

    with pytest.raises(TransitionError) as excinfo:
        cast.move(submission, S.ELIGIBLE)

    message = str(excinfo.value)
    assert excinfo.value.code == "eligibility"
    assert "Population of at least 250,000 (Failed)" in message
    assert f"{LETTER} (To be checked)" in message
    assert f"{DATED} (Failed)" in message
    assert "Document attached" not in message
    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED
    assert Transition.objects.count() == transitions

    # Back to the city, which corrects its population and resubmits.
    cast.move(submission, S.NEEDS_CHANGES, comment="The population is that of the metro area.")
    save_draft(submission, actor=cast.coordinator, population=260_000)
    cast.move(submission, S.SUBMITTED)
    cast.move(submission, S.ENDORSED)
    for label in (LETTER, DATED):
        record_manual_check(submission, manual_check_code(label), passed=True, actor=cast.secretary)
    cast.move(submission, S.ELIGIBLE)

    assert Submission.objects.get(pk=submission.pk).state == S.ELIGIBLE
    assert all(c.outcome == C.PASSED for c in eligibility_checklist(submission))


def test_ineligible_allowed_whatever_the_checks():
    cast = Cast(make_call(population_minimum=250_000, manual_checks=[LETTER]))
    submission = submission_in(cast, S.ENDORSED)

    cast.move(submission, S.INELIGIBLE, comment="Below the population minimum.")

    assert Submission.objects.get(pk=submission.pk).state == S.INELIGIBLE


def test_ineligible_without_reason_refused():
    cast = Cast(make_call(population_minimum=250_000))
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(SubmissionError, match="needs a reason"):
        cast.move(submission, S.INELIGIBLE, comment="")

    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED


def test_eligible_refused_for_recent_winner_of_award_call():
    call = make_call(kind=CallKind.AWARD, member_for_months=12, not_winner_within_years=6)
    cast = Cast(call)
    make_member(cast.city, joined="2016-05")
    record_award_win(cast.city, year=THIS_YEAR - 1, actor=cast.secretary)
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(TransitionError, match="Not a winner of the award in the last 6 years"):
        cast.move(submission, S.ELIGIBLE)

    assert "Member for more than" not in str(
        [c for c in eligibility_checklist(submission) if not c.passed]
    )


def test_checklist_query_count_bounded(django_assert_max_num_queries):
    call = make_call(
        kind=CallKind.AWARD,
        population_minimum=1000,
        require_not_member=True,
        member_for_months=12,
        not_winner_within_years=6,
        manual_checks=[LETTER],
    )
    cast = Cast(call)
    submission = cast.draft()
    fresh = Submission.objects.select_related("call").get(pk=submission.pk)

    with django_assert_max_num_queries(5):
        checklist = eligibility_checklist(fresh)

    assert len(checklist) >= 8


# Award wins ---------------------------------------------------------------------


def test_record_award_win_records_activity():
    cast = Cast()

    win = record_award_win(cast.city, year=2021, actor=cast.secretary, source="ICLC 5")

    assert (win.city, win.year, win.source, win.call) == (cast.city, 2021, "ICLC 5", None)
    entry = ActivityLogEntry.objects.get(action="calls.award_win.create")
    assert entry.actor == cast.secretary
    assert entry.changes["year"] == [None, 2021]
    assert entry.object_id == str(win.pk)


def test_record_award_win_by_coordinator_refused():
    cast = Cast()

    with pytest.raises(TransitionNotPermitted, match="Only the secretariat"):
        record_award_win(cast.city, year=2021, actor=cast.coordinator)

    assert not AwardWin.objects.exists()


@pytest.mark.parametrize("year", [2014, THIS_YEAR + 1, "2021", 2021.0])
def test_record_award_win_bad_year_refused(year):
    cast = Cast()

    with pytest.raises(SubmissionError, match="must be a year from 2015") as excinfo:
        record_award_win(cast.city, year=year, actor=cast.secretary)

    assert excinfo.value.code == "year"
    assert not AwardWin.objects.exists()


def test_record_award_win_twice_in_a_year_refused():
    cast = Cast()
    record_award_win(cast.city, year=2021, actor=cast.secretary)

    with pytest.raises(SubmissionError, match="already recorded"):
        record_award_win(cast.city, year=2021, actor=cast.secretary)

    assert AwardWin.objects.count() == 1


def test_record_award_win_for_membership_call_refused():
    cast = Cast()

    with pytest.raises(SubmissionError, match="not an award call"):
        record_award_win(cast.city, year=2021, actor=cast.secretary, call=cast.call)

    assert not AwardWin.objects.exists()
