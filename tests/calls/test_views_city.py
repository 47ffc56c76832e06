"""The city coordinator's application pages: list, overview, profile, sections, preview."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.enums import CallKind, DocumentKind, SubmissionState
from learningcities.calls.models import Submission
from learningcities.calls.views.city import deadline_info
from learningcities.frameworks.enums import AnswerType
from learningcities.network.models import Cohort
from tests.calls.factories import (
    PATHS,
    Cast,
    city_with_coordinator,
    fill_in,
    make_call,
    small_framework,
)
from tests.calls.releasing import release_cohort, release_winners
from tests.common.files import PDF
from tests.factories import make_member

pytestmark = pytest.mark.django_db

S = SubmissionState
AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, submission: Submission, **kwargs) -> str:
    return reverse(f"calls:{name}", kwargs={"pk": submission.pk, **kwargs})


def criterion_of(submission: Submission, answer_type: str):
    return submission.call.framework.criteria.get(answer_type=answer_type)


# Applications list


def test_applications_list_shows_own_applications_and_open_calls():
    cast = Cast()
    submission = cast.draft(complete=False)
    make_call(title="Award call", framework=cast.call.framework)
    client = logged_in(cast.coordinator)

    response = client.get(reverse("calls:city-applications"))

    content = response.content.decode()
    assert response.status_code == 200
    assert url("city-application", submission) in content
    assert "Award call" in content
    assert f"Start application for {cast.city.name}" in content


def test_applications_list_tells_a_member_city_which_calls_are_for_non_members():
    organisation, coordinator = city_with_coordinator()
    make_member(organisation.city, joined="2020-09-22")
    framework = small_framework()
    make_call(title="Membership call", framework=framework, require_not_member=True)
    make_call(title="Award call", framework=framework, require_not_member=False)

    content = logged_in(coordinator).get(reverse("calls:city-applications")).content.decode()

    city = organisation.city.name
    note = f"{city} is a member of the network already: this call is for cities that are not"
    assert content.count(note) == 1
    assert content.index("Membership call") < content.index(note) < content.index("Award call")


def test_applications_list_hides_other_cities_applications():
    cast = Cast()
    other = Cast(call=cast.call)
    hidden = other.draft(complete=False)

    response = logged_in(cast.coordinator).get(reverse("calls:city-applications"))

    assert response.status_code == 200
    assert url("city-application", hidden) not in response.content.decode()


def test_start_application_creates_draft():
    cast = Cast()

    response = logged_in(cast.coordinator).post(
        reverse("calls:city-applications"),
        {"call": cast.call.pk, "organisation": cast.organisation.pk},
    )

    submission = Submission.objects.get(city=cast.city)
    assert submission.state == S.DRAFT
    assert response.status_code == 302
    assert response["Location"] == url("city-application", submission)


def test_start_application_twice_shows_domain_error():
    cast = Cast()
    cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        reverse("calls:city-applications"),
        {"call": cast.call.pk, "organisation": cast.organisation.pk},
        follow=True,
    )

    assert Submission.objects.filter(city=cast.city).count() == 1
    assert "has a submission to this call already" in response.content.decode()


def test_start_application_for_another_city_is_refused():
    cast = Cast()
    other_org, _other = city_with_coordinator()

    response = logged_in(cast.coordinator).post(
        reverse("calls:city-applications"),
        {"call": cast.call.pk, "organisation": other_org.pk},
        follow=True,
    )

    assert not Submission.objects.exists()
    assert "Choose an open call and one of your cities." in response.content.decode()


@pytest.mark.parametrize("role_maker", ["endorser"])
def test_applications_list_refuses_other_roles(role_maker):
    cast = Cast()

    response = logged_in(getattr(cast, role_maker)).get(reverse("calls:city-applications"))

    assert response.status_code == 403
    assert b"Start application" not in response.content


@pytest.mark.parametrize("count", [1, 3])
def test_applications_list_query_count_does_not_grow(django_assert_num_queries, count):
    framework = small_framework()
    organisation, coordinator = city_with_coordinator()
    for number in range(count):
        call = make_call(title=f"Call {number}", framework=framework)
        start_submission(call, city=organisation.city, actor=coordinator)
    client = logged_in(coordinator)

    with django_assert_num_queries(5):
        response = client.get(reverse("calls:city-applications"))

    assert response.content.decode().count("/applications/") >= count


# Overview


def test_overview_shows_state_deadline_progress_and_missing_items():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).get(url("city-application", submission))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Draft" in content
    assert "closes in 9 days" in content
    assert "Europe/Paris" in content
    assert "0 of 3 required answers" in content
    assert "Population is missing." in content
    assert url("city-profile", submission) + "#profile-population" in content
    assert url("city-section", submission, code="1") + "#criterion-1.1.1" in content
    assert 'name="action" value="submit"' in content
    assert 'name="action" value="withdraw"' in content


def test_deadline_text_names_call_zone_and_countdown():
    cast = Cast()
    submission = cast.draft(complete=False)
    now = submission.call.closes_at - dt.timedelta(days=3, hours=4, minutes=10)

    info = deadline_info(submission, now=now)

    assert info["text"].startswith("closes in 3 days 4 hours (")
    assert info["text"].endswith(" Europe/Paris)")


@pytest.mark.parametrize("name", ["city-application", "city-profile", "city-preview"])
def test_other_city_coordinator_gets_404(name):
    cast = Cast()
    submission = cast.draft(complete=False)
    _org, stranger = city_with_coordinator()

    response = logged_in(stranger).get(url(name, submission))

    assert response.status_code == 404
    assert cast.city.name.encode() not in response.content


def test_other_city_coordinator_gets_404_on_section_and_post():
    cast = Cast()
    submission = cast.draft(complete=False)
    _org, stranger = city_with_coordinator()
    client = logged_in(stranger)

    section = client.get(url("city-section", submission, code="1"))
    posted = client.post(url("city-profile", submission), {"population": "5"}, **AUTOSAVE)

    assert section.status_code == 404
    assert posted.status_code == 404
    submission.refresh_from_db()
    assert submission.population is None


def test_unknown_section_is_404():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).get(url("city-section", submission, code="9"))

    assert response.status_code == 404


def test_submit_incomplete_is_refused_listing_missing_items():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-application", submission), {"action": "submit"}
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "The submission is not complete" in content
    assert "Population is missing." in content
    submission.refresh_from_db()
    assert submission.state == S.DRAFT


def test_submit_complete_moves_to_submitted():
    cast = Cast()
    submission = cast.draft()

    response = logged_in(cast.coordinator).post(
        url("city-application", submission), {"action": "submit"}, follow=True
    )

    submission.refresh_from_db()
    assert submission.state == S.SUBMITTED
    assert "Your application has been submitted." in response.content.decode()


def test_submit_after_deadline_is_refused_naming_deadline():
    now = timezone.now()
    cast = Cast()
    submission = cast.draft()
    Submission.objects.filter(pk=submission.pk).update(deadline_extension=None)
    type(cast.call).objects.filter(pk=cast.call.pk).update(
        opens_at=now - dt.timedelta(days=20), closes_at=now - dt.timedelta(days=1)
    )

    response = logged_in(cast.coordinator).post(
        url("city-application", submission), {"action": "submit"}
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "The deadline for submissions was" in content
    assert "Europe/Paris; it has passed." in content
    submission.refresh_from_db()
    assert submission.state == S.DRAFT


def test_withdraw_moves_to_withdrawn():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-application", submission), {"action": "withdraw", "confirm": "yes"}, follow=True
    )

    submission.refresh_from_db()
    assert submission.state == S.WITHDRAWN
    assert "Your application has been withdrawn." in response.content.decode()


def test_unknown_action_is_a_clear_error():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-application", submission), {"action": "approve"}
    )

    assert response.status_code == 400
    assert "Choose submit or withdraw." in response.content.decode()


# Profile


def test_profile_saves_partial_draft():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-profile", submission),
        {"population": "210000", "motivation": "We learn together.", "challenges-funding": "4"},
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.population == 210_000
    assert submission.motivation == "We learn together."
    assert submission.challenges == {"funding": 4}
    assert submission.area_km2 is None


def test_profile_wrong_type_gives_field_error_and_keeps_the_rest():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-profile", submission),
        {"population": "many", "area_km2": "12,5", "challenges-data": "9"},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Population: expected a whole number." in content
    assert 'aria-describedby="profile-population_error"' in content
    assert "Select a valid choice" in content
    submission.refresh_from_db()
    assert submission.population is None
    assert str(submission.area_km2) == "12.50"


def test_profile_shows_saved_values():
    cast = Cast()
    submission = fill_in(cast.draft(complete=False), cast.coordinator)

    response = logged_in(cast.coordinator).get(url("city-profile", submission))

    content = response.content.decode()
    assert 'value="210000"' in content
    assert "letter.pdf" in content
    assert "data-autosave" in content
    assert 'data-word-limit="200"' in content


def test_profile_attaches_commitment_letter():
    cast = Cast()
    submission = cast.draft(complete=False)
    upload = io.BytesIO(PDF)
    upload.name = "mayor.pdf"

    logged_in(cast.coordinator).post(url("city-profile", submission), {"commitment_letter": upload})

    link = submission.documents.get()
    assert link.kind == DocumentKind.COMMITMENT_LETTER
    assert link.document.original_name == "mayor.pdf"


def test_profile_refuses_a_non_pdf_letter_with_field_error():
    cast = Cast()
    submission = cast.draft(complete=False)
    upload = io.BytesIO(b"MZ not a letter")
    upload.name = "letter.exe"

    response = logged_in(cast.coordinator).post(
        url("city-profile", submission), {"commitment_letter": upload}
    )

    assert response.status_code == 400
    assert 'id="profile-commitment_letter_error"' in response.content.decode()
    assert not submission.documents.exists()


def test_autosave_answers_204_and_stores_value():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-profile", submission), {"contact_name": "Aoife Byrne"}, **AUTOSAVE
    )

    assert response.status_code == 204
    submission.refresh_from_db()
    assert submission.contact_name == "Aoife Byrne"


def test_autosave_of_one_field_leaves_the_others():
    cast = Cast()
    submission = fill_in(cast.draft(complete=False), cast.coordinator)

    logged_in(cast.coordinator).post(
        url("city-profile", submission), {"population": "1000"}, **AUTOSAVE
    )

    submission.refresh_from_db()
    assert submission.population == 1000
    assert submission.contact_name == "Aoife Byrne"
    assert len(submission.challenges) == 6


def test_autosave_wrong_type_answers_json_errors():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-profile", submission), {"data_year": "last year"}, **AUTOSAVE
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"data_year": ["Year of the data: expected a whole number."]}
    }


def test_autosave_requires_csrf_token():
    cast = Cast()
    submission = cast.draft(complete=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)

    response = client.post(url("city-profile", submission), {"population": "5"}, **AUTOSAVE)

    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.population is None


def test_autosave_with_csrf_token_from_form_is_accepted():
    cast = Cast()
    submission = cast.draft(complete=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    client.get(url("city-profile", submission))
    token = client.cookies["csrftoken"].value

    response = client.post(
        url("city-profile", submission),
        {"population": "5", "csrfmiddlewaretoken": token},
        HTTP_X_CSRFTOKEN=token,
        **AUTOSAVE,
    )

    assert response.status_code == 204
    submission.refresh_from_db()
    assert submission.population == 5


def test_submitted_application_is_read_only():
    cast = Cast()
    submission = cast.draft()
    cast.move(submission, S.SUBMITTED)
    client = logged_in(cast.coordinator)

    page = client.get(url("city-profile", submission))
    plain = client.post(url("city-profile", submission), {"population": "5"})
    autosave = client.post(url("city-profile", submission), {"population": "5"}, **AUTOSAVE)

    assert "<fieldset disabled>" in page.content.decode()
    assert "data-autosave" not in page.content.decode()
    assert plain.status_code == 409
    assert "cannot be changed" in plain.content.decode()
    assert autosave.status_code == 409
    assert "cannot be changed" in autosave.json()["errors"]["__all__"][0]
    submission.refresh_from_db()
    assert submission.population == 210_000


# Sections


def test_section_shows_answer_fields_by_type():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).get(url("city-section", submission, code="1"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="criterion-1.1.1"' in content
    assert 'data-word-limit="200"' in content
    assert "1: Low" in content
    assert 'type="radio"' in content
    assert "Unit: km2" in content


def test_section_saves_answers_partially():
    cast = Cast()
    submission = cast.draft(complete=False)
    text = criterion_of(submission, AnswerType.TEXT)
    rating = criterion_of(submission, AnswerType.RATING)

    response = logged_in(cast.coordinator).post(
        url("city-section", submission, code="1"),
        {"answer-1.1.1": "Libraries open late.", "answer-1.2.1": ""},
    )

    assert response.status_code == 302
    assert submission.answers.get(criterion=text).text_value == "Libraries open late."
    assert not submission.answers.filter(criterion=rating).exists()
    assert submission.answers.count() == 1


def test_section_wrong_types_give_field_errors():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = logged_in(cast.coordinator).post(
        url("city-section", submission, code="1"),
        {"answer-1.1.1": "Fine.", "answer-1.1.2": "7", "answer-1.2.1": "lots"},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "1.2.1 A number: expected a number." in content
    assert "Select a valid choice" in content
    assert submission.answers.count() == 1


def test_section_autosave_stores_rating():
    cast = Cast()
    submission = cast.draft(complete=False)
    rating = criterion_of(submission, AnswerType.RATING)

    response = logged_in(cast.coordinator).post(
        url("city-section", submission, code="1"), {"answer-1.1.2": "3"}, **AUTOSAVE
    )

    assert response.status_code == 204
    assert submission.answers.get(criterion=rating).rating_value == 3


def test_section_attaches_evidence():
    cast = Cast()
    submission = cast.draft(complete=False)
    criterion = criterion_of(submission, AnswerType.FILE)
    section_code = criterion.area.section.code
    upload = io.BytesIO(PDF)
    upload.name = "report.pdf"

    response = logged_in(cast.coordinator).post(
        url("city-section", submission, code=section_code),
        {f"evidence-{criterion.code}": upload},
    )

    assert response.status_code == 302
    assert submission.documents.get().criterion == criterion


# Preview


def test_preview_shows_the_whole_application():
    cast = Cast()
    submission = fill_in(cast.draft(complete=False), cast.coordinator)

    response = logged_in(cast.coordinator).get(url("city-preview", submission))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Aoife Byrne" in content
    assert "Libraries, schools and employers run a shared programme." in content
    assert "42 km2" in content
    assert "2: Mid" in content
    assert "letter.pdf" in content
    assert "evidence.pdf" in content


# After the decision


def _released(cast: Cast, *, decision: str = "accepted", comments=None) -> Submission:
    """A submission of ``cast`` decided and released (cohort or award, by the call's kind)."""
    submission = submission_in_state(cast, S.DECIDED, decision=decision)
    jury_comments = {submission.pk: comments} if comments else None
    if cast.call.kind == CallKind.AWARD:
        release_winners(
            cast.call,
            actor=cast.secretary,
            year=timezone.localdate().year,
            jury_comments=jury_comments,
        )
    else:
        release_cohort(
            cast.call,
            actor=cast.secretary,
            name="2026 cohort",
            joined_on=timezone.localdate(),
            jury_comments=jury_comments,
        )
    submission.refresh_from_db()
    return submission


def submission_in_state(cast: Cast, state: str, **kwargs) -> Submission:
    submission = cast.draft()
    for step in PATHS[state]:
        cast.move(submission, step, **(kwargs if step == S.DECIDED else {}))
    return submission


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_released_admission_shows_result_next_steps_and_no_countdown():
    cast = Cast()
    submission = _released(cast)

    response = logged_in(cast.coordinator).get(url("city-application", submission))

    html = text_of(response)
    assert response.status_code == 200
    assert '<dd class="application-decision">Admitted</dd>' in html
    assert (
        f"Congratulations: {cast.city.name} is admitted to the network, in the 2026 cohort." in html
    )
    cohort = Cohort.objects.get(name="2026 cohort")
    assert f'<a href="{cohort.get_absolute_url()}">2026 cohort</a>' in html
    assert "Download the membership certificate (PDF)." in html
    assert "report on their progress every two years" in html
    assert "closes in" not in html
    assert "Deadline" not in html


def test_released_rejection_says_not_admitted_and_how_to_apply_again():
    cast = Cast()
    submission = _released(cast, decision="rejected")

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    assert '<dd class="application-decision">Not admitted</dd>' in html
    assert f"{cast.city.name} is not admitted to the network this time." in html
    assert f'href="{reverse("calls:join")}"' in html
    assert "certificate" not in html


def test_released_application_shows_the_jury_feedback_the_call_shares():
    cast = Cast()
    submission = _released(cast, comments=["A convincing plan; measure participation by group."])

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    assert "<h3>The jury's feedback</h3>" in html
    assert "<blockquote>A convincing plan; measure participation by group.</blockquote>" in html


def test_released_application_without_shared_feedback_shows_none():
    cast = Cast()
    submission = _released(cast)

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    assert "feedback" not in html


def test_released_award_nomination_says_winner_with_award_certificate():
    cast = Cast(call=make_call(kind=CallKind.AWARD, title="Award call"))
    submission = _released(cast)

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    year = timezone.localdate().year
    assert '<dd class="application-decision">Winner</dd>' in html
    assert f"{cast.city.name} is a winner of the Learning City Award {year}." in html
    assert "Download the award certificate (PDF)." in html
    assert "admitted" not in html.lower()


def test_released_award_nomination_not_selected():
    cast = Cast(call=make_call(kind=CallKind.AWARD, title="Award call"))
    submission = _released(cast, decision="rejected")

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    assert '<dd class="application-decision">Not selected</dd>' in html
    assert "is not among the winners of this edition of the award." in html
    assert "admitted" not in html.lower()


def test_decided_application_keeps_the_decision_hidden():
    cast = Cast()
    submission = submission_in_state(cast, S.DECIDED, decision="accepted")

    html = text_of(logged_in(cast.coordinator).get(url("city-application", submission)))

    assert "application-decision" not in html
    assert "Congratulations" not in html
    assert '<dd class="application-state">In review</dd>' in html


def test_applications_list_shows_the_released_decision_and_links_the_public_call():
    cast = Cast()
    _released(cast, decision="rejected")
    open_call = make_call(title="A later call")

    html = text_of(logged_in(cast.coordinator).get(reverse("calls:city-applications")))

    assert "<td>Released: Not admitted</td>" in html
    assert f'href="{reverse("calls:join-call", kwargs={"pk": open_call.pk})}"' in html
