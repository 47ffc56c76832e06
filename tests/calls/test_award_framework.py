"""The award as an award: accounts and evidence per criterion, its year, pre-filled nominations."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.calls.domain.completeness import completeness
from learningcities.calls.domain.eligibility import award_years, record_award_win
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.submissions import save_answer, start_submission
from learningcities.calls.enums import CallKind, DocumentKind
from learningcities.calls.models import Answer, AwardWin, SubmissionDocument
from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.domain.queries.frameworks import framework_tree_by_version
from learningcities.network.domain.cities import save_city
from learningcities.network.models import City
from tests.calls.factories import PATHS, PROFILE, Cast, fill_in, make_call
from tests.calls.releasing import release_winners
from tests.common.files import PDF
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review
from tests.reviews.scoring_helpers import client_for, secretary_with_totp

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def award_framework():
    return framework_tree_by_version("learning-city-award", "2024.2")


def award_call(**fields):
    fields.setdefault("title", "Learning City Award")
    return make_call(kind=CallKind.AWARD, framework=award_framework(), **fields)


def set_population(city, population: int, year: int) -> None:
    save_city(
        country=city.country,
        name=city.name,
        city=city,
        population=population,
        population_year=year,
    )
    city.refresh_from_db()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A written account and evidence per criterion


def test_award_section_asks_an_account_and_evidence_per_criterion():
    cast = Cast(call=award_call())
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).get(
        reverse("calls:city-section", kwargs={"pk": submission.pk, "code": "A"})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<textarea") == 8
    assert html.count('type="file"') == 8
    assert '<label for="evidence-1">Evidence for 1:</label>' in html
    assert "At most 300 words." in html


def test_award_section_saves_the_account_and_attaches_evidence_at_once():
    cast = Cast(call=award_call())
    submission = cast.draft(complete=False)
    url = reverse("calls:city-section", kwargs={"pk": submission.pk, "code": "A"})

    response = logged_in(cast.coordinator).post(
        url,
        {
            "answer-1": "The council adopted a learning city plan in 2019.",
            "evidence-1": SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    criterion = submission.call.framework.criteria.get(code="1")
    assert Answer.objects.get(submission=submission, criterion=criterion).text_value == (
        "The council adopted a learning city plan in 2019."
    )
    link = SubmissionDocument.objects.get(submission=submission, criterion=criterion)
    assert (link.kind, link.document.original_name) == (DocumentKind.EVIDENCE, "plan.pdf")


def test_award_section_refuses_evidence_of_a_wrong_type_with_a_field_error():
    cast = Cast(call=award_call())
    submission = cast.draft(complete=False)
    url = reverse("calls:city-section", kwargs={"pk": submission.pk, "code": "A"})

    response = logged_in(cast.coordinator).post(
        url,
        {
            "answer-2": "A learning board meets monthly.",
            "evidence-2": SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="text/plain"),
        },
    )

    assert response.status_code == 400
    assert "evidence-2" in response.context["form"].errors
    assert not SubmissionDocument.objects.filter(submission=submission).exists()
    # The account typed beside it is kept.
    assert Answer.objects.get(submission=submission, criterion__code="2").text_value == (
        "A learning board meets monthly."
    )


def test_award_nomination_complete_with_every_account():
    cast = Cast(call=award_call())
    submission = fill_in(cast.draft(complete=False), cast.coordinator)

    assert completeness(submission) == []


def test_award_nomination_incomplete_names_the_missing_account():
    cast = Cast(call=award_call())
    submission = fill_in(cast.draft(complete=False), cast.coordinator)
    save_answer(
        submission,
        submission.call.framework.criteria.get(code="8"),
        actor=cast.coordinator,
        value=None,
    )

    assert [item.anchor for item in completeness(submission)] == ["criterion-8"]


def test_award_framework_page_says_text_with_evidence():
    framework = award_framework()

    html = Client().get(framework.get_absolute_url()).content.decode()

    assert "text, up to 300 words, with documents as evidence (pdf, image, office)" in html


# Jurors say winner / not selected


def test_jury_review_of_a_nomination_offers_winner_and_not_selected():
    cast = Cast(call=award_call())
    submission = cast.draft()
    for step in PATHS["in_review"]:
        cast.move(submission, step)
    panel = make_panel(cast.call)
    juror = make_juror(panel, "FR")
    assign(panel, submission, juror)

    html = client_for(juror).get(reverse("reviews:jury-review", kwargs={"pk": submission.pk}))
    html = html.content.decode()

    assert '<label for="recommendation-admit">Winner</label>' in html
    assert '<label for="recommendation-do_not_admit">Not selected</label>' in html
    assert ">Admit<" not in html


def test_jury_review_of_an_application_still_offers_admit():
    cast = Cast()
    submission = cast.draft()
    for step in PATHS["in_review"]:
        cast.move(submission, step)
    panel = make_panel(cast.call)
    juror = make_juror(panel, "FR")
    assign(panel, submission, juror)

    html = client_for(juror).get(reverse("reviews:jury-review", kwargs={"pk": submission.pk}))

    assert '<label for="recommendation-admit">Admit</label>' in html.content.decode()


# The award year


def test_award_years_run_from_the_call_year_to_three_after_it_closes():
    call = award_call(
        opens_at=dt.datetime(THIS_YEAR, 1, 10, tzinfo=dt.UTC),
        closes_at=dt.datetime(THIS_YEAR + 1, 2, 1, tzinfo=dt.UTC),
    )

    assert award_years(call) == range(THIS_YEAR, THIS_YEAR + 5)


def test_award_years_in_the_call_time_zone():
    # 31 December 20:00 UTC is already 1 January in Seoul.
    call = award_call(
        opens_at=dt.datetime(THIS_YEAR - 1, 12, 31, 20, tzinfo=dt.UTC),
        closes_at=dt.datetime(THIS_YEAR, 3, 1, tzinfo=dt.UTC),
        time_zone="Asia/Seoul",
    )

    assert award_years(call).start == THIS_YEAR


def test_record_award_win_of_a_call_may_be_in_a_later_year():
    cast = Cast(call=award_call())

    win = record_award_win(cast.city, year=THIS_YEAR + 1, actor=cast.secretary, call=cast.call)

    assert (win.year, win.call) == (THIS_YEAR + 1, cast.call)


@pytest.mark.parametrize("offset", [-1, 5])
def test_record_award_win_of_a_call_outside_its_years_refused(offset):
    cast = Cast(call=award_call())
    last = cast.call.closes_at.year + 3

    with pytest.raises(SubmissionError) as excinfo:
        record_award_win(cast.city, year=THIS_YEAR + offset, actor=cast.secretary, call=cast.call)

    assert excinfo.value.code == "year"
    assert str(excinfo.value) == (
        f"The award of this call may be given in a year from {THIS_YEAR} to {last}, "
        f"not {THIS_YEAR + offset}."
    )
    assert not AwardWin.objects.exists()


def test_record_award_win_without_a_call_still_refuses_a_future_year():
    cast = Cast()

    with pytest.raises(SubmissionError, match="must be a year from 2015 to"):
        record_award_win(cast.city, year=THIS_YEAR + 1, actor=cast.secretary)


def test_release_winners_in_the_year_after_the_call():
    cast = Cast(call=award_call())
    submission = cast.draft()
    for step in PATHS["decided"]:
        cast.move(submission, step)

    release = release_winners(cast.call, actor=cast.secretary, year=THIS_YEAR + 1)

    assert release.award_year == THIS_YEAR + 1
    assert list(AwardWin.objects.values_list("city", "year")) == [(cast.city.pk, THIS_YEAR + 1)]


# A nomination starts pre-filled


def _earlier_application(cast: Cast, call) -> None:
    """The city's membership application to ``call``, complete and submitted."""
    earlier = start_submission(call, city=cast.city, actor=cast.coordinator)
    fill_in(earlier, cast.coordinator)
    cast.move(earlier, "submitted")


def test_nomination_prefilled_from_latest_application_and_register():
    cast = Cast()
    _earlier_application(cast, cast.call)
    set_population(cast.city, 231_000, 2025)
    award = award_call()

    nomination = start_submission(award, city=cast.city, actor=cast.coordinator)

    nomination.refresh_from_db()
    assert (nomination.population, nomination.data_year) == (231_000, 2025)
    assert nomination.motivation == PROFILE["motivation"]
    assert nomination.contact_email == PROFILE["contact_email"]
    assert nomination.challenges == PROFILE["challenges"]


def test_nomination_copies_answers_of_criteria_with_the_same_code_and_type():
    first_award = award_call()
    cast = Cast(call=first_award)
    previous = cast.draft()
    cast.move(previous, "submitted")
    cast.move(previous, "withdrawn")
    second_award = award_call(title="Learning City Award, next edition")

    nomination = start_submission(second_award, city=cast.city, actor=cast.coordinator)

    copied = dict(
        Answer.objects.filter(submission=nomination).values_list("criterion__code", "text_value")
    )
    assert sorted(copied) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert set(copied.values()) == {"Libraries, schools and employers run a shared programme."}
    assert {a.criterion.framework_id for a in nomination.answers.all()} == {
        second_award.framework_id
    }
    # Evidence is attached again, not copied.
    assert not SubmissionDocument.objects.filter(submission=nomination).exists()


def test_nomination_from_another_framework_copies_the_profile_only():
    cast = Cast(call=make_call(kind=CallKind.AWARD, title="Old award"))
    previous = cast.draft()
    cast.move(previous, "submitted")
    # The small framework's codes differ from the award's: nothing to copy.
    nomination = start_submission(award_call(), city=cast.city, actor=cast.coordinator)

    assert not Answer.objects.filter(submission=nomination).exists()
    assert nomination.motivation == PROFILE["motivation"]


def test_nomination_of_a_city_that_never_applied_starts_from_the_register():
    cast = Cast(call=award_call())
    set_population(cast.city, 98_000, 2024)

    nomination = cast.draft(complete=False)

    assert (nomination.population, nomination.data_year, nomination.motivation) == (
        98_000,
        2024,
        "",
    )


def test_nomination_takes_the_register_contact_when_none_was_given():
    cast = Cast(call=award_call())
    City.objects.filter(pk=cast.city.pk).update(
        contact_name="Learning City Office", contact_email="learning@example.org"
    )
    cast.city.refresh_from_db()

    nomination = cast.draft(complete=False)

    assert (nomination.contact_name, nomination.contact_email) == (
        "Learning City Office",
        "learning@example.org",
    )


def test_membership_application_starts_empty():
    cast = Cast()
    _earlier_application(cast, cast.call)
    second = make_call(title="A later membership call")

    application = start_submission(second, city=cast.city, actor=cast.coordinator)

    assert (application.population, application.motivation) == (None, "")
    assert not application.answers.exists()


def test_nomination_prefill_recorded_in_the_activity_log():
    cast = Cast()
    _earlier_application(cast, cast.call)

    nomination = start_submission(award_call(), city=cast.city, actor=cast.coordinator)

    entry = nomination_entry(nomination)
    assert entry.changes["prefilled_from"][1] != ""
    assert entry.changes["answers_copied"] == [None, 0]


def nomination_entry(nomination):
    return ActivityLogEntry.objects.get(
        action="calls.submission.create", object_id=str(nomination.pk)
    )


def test_ranking_of_an_award_call_counts_winner_and_not_selected():
    cast = Cast(call=award_call())
    submission = cast.draft()
    for step in PATHS["in_review"]:
        cast.move(submission, step)
    panel = make_panel(cast.call)
    assignment = assign(panel, submission, make_juror(panel, "FR"))
    criteria = list(cast.call.framework.criteria.all())
    submitted_review(assignment, dict.fromkeys(criteria, 4), recommendation="admit")

    response = client_for(secretary_with_totp()).get(
        reverse("reviews:ranking", kwargs={"call_pk": cast.call.pk})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "winner 1, not selected 0, abstain 0" in html
    assert "admit 1" not in html
