"""A call for presentations: proposals go from the city straight to the secretariat's screening.

No National Commission endorses them: no endorsement deadline, no reminder,
no quota, no notice to the endorsers, nothing in their lists; the secretariat
screens a submitted proposal. A membership call keeps its endorsement first.
"""

import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learningcities.accounts.enums import Role
from learningcities.calls.domain.calls import ENDORSEMENT_FIELDS, update_call
from learningcities.calls.domain.completeness import completeness
from learningcities.calls.domain.deadlines import reminders_due
from learningcities.calls.domain.eligibility import eligibility_checklist, record_manual_check
from learningcities.calls.domain.errors import SubmissionError, TransitionError
from learningcities.calls.domain.queries.dashboard import (
    endorsement_queue_rows_for_user,
    endorsement_quotas_for_user,
)
from learningcities.calls.domain.queries.submissions import submissions_for_user
from learningcities.calls.domain.queries.work import endorser_work, secretariat_calls_work
from learningcities.calls.domain.submissions import save_answer, save_draft, start_submission
from learningcities.calls.domain.transitions import apply_endorsement_deadline, transition
from learningcities.calls.dossier import dossier_context
from learningcities.calls.enums import (
    ALLOWED_TRANSITIONS,
    ENDORSER_STATES,
    CallKind,
    Challenge,
    SubmissionState,
)
from learningcities.calls.interfaces.workbook import (
    WorkbookInvalid,
    export_workbook,
    import_workbook,
)
from learningcities.calls.models import EndorsementQuota
from learningcities.calls.rules import may_screen, may_transition
from learningcities.common.models import OutboxMessage
from learningcities.frameworks.enums import AnswerType
from tests.accounts.factories import person_with_role
from tests.reviews.factories import assign, make_juror, make_panel

from .factories import (
    ANSWERS,
    PATHS_BY_KIND,
    Cast,
    make_call,
    submission_in,
    transitions_for_kind,
)

pytestmark = pytest.mark.django_db
S = SubmissionState


def presentations_call(**fields):
    """An open call for presentations (as ``make_call``, which asks for a quota of 3)."""
    return make_call(title="Presentations at the conference", kind=CallKind.PRESENTATIONS, **fields)


@pytest.fixture
def cast():
    return Cast(call=presentations_call())


def _notices(code: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template_code=code).order_by("pk"))


def _addressed(code: str) -> set[str]:
    return {address for message in _notices(code) for address in message.recipients}


# The table, by kind of call


def test_a_call_for_presentations_is_screened_from_submitted_and_never_endorsed():
    table = transitions_for_kind(CallKind.PRESENTATIONS)

    assert table[S.SUBMITTED] == {S.ELIGIBLE, S.INELIGIBLE, S.NEEDS_CHANGES, S.WITHDRAWN}
    assert not any(targets & ENDORSER_STATES for targets in table.values())
    assert {state: table[state] for state in table if state != S.SUBMITTED} == {
        state: targets for state, targets in ALLOWED_TRANSITIONS.items() if state != S.SUBMITTED
    }


def test_a_membership_call_is_endorsed_before_it_is_screened():
    table = transitions_for_kind(CallKind.MEMBERSHIP)

    assert table[S.SUBMITTED] == {S.ENDORSED, S.RETURNED, S.DECLINED, S.WITHDRAWN}
    assert table == transitions_for_kind(CallKind.AWARD)


# The city submits


def test_a_presentations_call_has_no_quota_no_reminder_and_requires_no_document():
    call = presentations_call(endorsement_reminder_days=5)

    assert (call.quota_per_country, call.endorsement_reminder_days) == (None, None)
    assert call.required_documents == []
    assert call.needs_endorsement is False
    assert make_call().needs_endorsement is True


def test_submitting_a_proposal_sets_no_endorsement_deadline_and_tells_no_endorser(cast):
    submission = submission_in(cast, S.SUBMITTED)

    assert submission.endorsement_due_at is None
    assert _addressed("calls.submission.submitted") == {cast.coordinator.email}
    [notice] = _notices("calls.submission.submitted")
    assert "The secretariat will now check it." in notice.body
    assert "National Commission" not in notice.body


def test_endorsement_deadline_tasks_leave_a_proposal_alone(cast):
    submission = submission_in(cast, S.SUBMITTED)
    later = timezone.now() + dt.timedelta(days=400)

    assert reminders_due(later) == []
    assert apply_endorsement_deadline(submission, now=later) is False
    submission.refresh_from_db()
    assert (submission.state, submission.escalated_at) == (S.SUBMITTED, None)


# The National Commission has no part in it


@pytest.mark.parametrize("to_state", sorted(ENDORSER_STATES))
def test_the_endorser_cannot_endorse_return_or_decline_a_proposal(cast, to_state):
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(TransitionError) as refused:
        transition(submission, to_state, actor=cast.endorser, comment="A reason.")

    assert refused.value.code == "no_endorsement"
    assert "proposals to this call are not endorsed by a National Commission" in str(refused.value)
    submission.refresh_from_db()
    assert submission.state == S.SUBMITTED
    assert not may_transition(cast.endorser, submission, to_state)
    assert not may_transition(cast.secretary, submission, to_state)


def test_the_endorser_lists_leave_out_proposals_and_keep_applications(cast):
    proposal = submission_in(cast, S.SUBMITTED)
    application = submission_in(Cast(call=make_call(), country_code="IE"), S.SUBMITTED)
    endorser = cast.endorser

    assert list(submissions_for_user(endorser)) == [application]
    assert list(endorsement_queue_rows_for_user(endorser)) == [application]
    assert [line.waiting for line in endorsement_quotas_for_user(endorser)] == [1]
    assert endorser_work(endorser)["waiting"] == 1
    assert proposal.pk not in {s.pk for s in submissions_for_user(endorser)}


def test_the_endorser_page_of_a_proposal_is_not_found(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.get(reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}))

    assert response.status_code == 404


# The secretariat screens it


def test_the_secretariat_marks_a_submitted_proposal_eligible_and_no_quota_is_taken(cast):
    submission = submission_in(cast, S.SUBMITTED)

    transition(submission, S.ELIGIBLE, actor=cast.secretary)

    submission.refresh_from_db()
    assert submission.state == S.ELIGIBLE
    assert EndorsementQuota.objects.filter(call=cast.call).count() == 0
    assert _addressed("calls.submission.eligible") == {cast.coordinator.email}


@pytest.mark.parametrize("to_state", [S.INELIGIBLE, S.NEEDS_CHANGES])
def test_the_secretariat_sends_back_or_refuses_a_submitted_proposal(cast, to_state):
    submission = submission_in(cast, S.SUBMITTED)

    transition(submission, to_state, actor=cast.secretary, comment="Name the speaker.")

    submission.refresh_from_db()
    assert submission.state == to_state
    assert _addressed(f"calls.submission.{to_state}") == {cast.coordinator.email}


def test_a_proposal_sent_back_for_changes_goes_back_to_the_secretariat(cast):
    submission = submission_in(cast, S.NEEDS_CHANGES)
    [notice] = _notices("calls.submission.needs_changes")

    cast.move(submission, S.SUBMITTED)

    assert "goes back to the secretariat" in notice.body
    assert "National Commission" not in notice.body
    assert submission.endorsement_due_at is None
    assert may_screen(cast.secretary, submission)


def test_a_membership_call_still_refuses_screening_from_submitted():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(TransitionError) as refused:
        transition(submission, S.ELIGIBLE, actor=cast.secretary)

    assert refused.value.code == "endorsement_first"
    assert str(refused.value) == (
        "A submission cannot go from “Submitted” to “Eligible”: its National Commission "
        "endorses it before the secretariat screens it."
    )
    submission.refresh_from_db()
    assert submission.state == S.SUBMITTED
    assert not may_screen(cast.secretary, submission)


def test_a_manual_check_is_recorded_while_the_proposal_waits_for_screening():
    cast = Cast(call=presentations_call(manual_checks=["Speaker named"]))
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(TransitionError) as refused:
        transition(submission, S.ELIGIBLE, actor=cast.secretary)
    assert refused.value.code == "eligibility"

    record_manual_check(submission, "manual.speaker-named", passed=True, actor=cast.secretary)
    transition(submission, S.ELIGIBLE, actor=cast.secretary)

    assert [check.code for check in eligibility_checklist(submission)] == [
        "word_limit.motivation",
        "word_limit.criteria",
        "manual.speaker-named",
    ]
    with pytest.raises(SubmissionError) as late:
        record_manual_check(submission, "manual.speaker-named", passed=False, actor=cast.secretary)
    assert str(late.value) == (
        "Eligibility is checked while a submission waits for its screening; this one is eligible."
    )


def test_secretariat_work_counts_proposals_to_screen_and_not_applications_waiting(cast):
    submission_in(cast, S.SUBMITTED)
    submission_in(Cast(call=make_call(title="Membership call")), S.SUBMITTED)

    work = secretariat_calls_work(cast.secretary)

    url = reverse("calls:secretariat-call", kwargs={"pk": cast.call.pk})
    assert [(row["title"], row["count"], row["url"]) for row in work["to_screen"]] == [
        ("Presentations at the conference", 1, f"{url}?state=submitted")
    ]
    assert work["overdue"] == []


def test_the_secretariat_page_offers_the_screening_of_a_submitted_proposal(client, cast):
    proposal = submission_in(cast, S.SUBMITTED)
    application = submission_in(Cast(), S.SUBMITTED)
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    offered = {}
    for submission in (proposal, application):
        url = reverse("calls:secretariat-submission", kwargs={"pk": submission.pk})
        response = client.get(url)
        assert response.status_code == 200
        offered[submission.pk] = [
            form.action
            for section in response.context["move_sections"]
            for form in section["forms"]
        ]

    assert offered == {proposal.pk: ["eligible", "ineligible", "needs_changes"], application.pk: []}


def test_the_secretariat_screens_a_proposal_from_its_page(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))
    url = reverse("calls:secretariat-submission", kwargs={"pk": submission.pk})

    response = client.post(url, {"action": "eligible", "eligible-comment": ""})

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == S.ELIGIBLE


# What the pages say


def test_the_public_page_of_a_call_for_presentations_asks_for_no_endorsement(client, cast):
    response = client.get(reverse("calls:join-call", kwargs={"pk": cast.call.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This call is open for proposals." in page
    assert "no endorsement by a National Commission is needed" in page
    assert "Your National Commission decides" not in page
    assert "Why the city wants to join" not in page
    assert "Why the city proposes to present, in at most 200 words." in page
    assert "a contact person with an e-mail address, and the language of communication" in page
    assert "A city profile: population" not in page
    assert "How the city already puts lifelong learning into practice" not in page


def test_the_secretariat_creates_a_call_for_presentations(client, cast):
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.post(
        reverse("calls:secretariat-call-create"),
        {
            "kind": "presentations",
            "title": "Presentations 2027",
            "framework": cast.call.framework_id,
            "opens": "2027-01-10T09:00",
            "closes": "2027-03-31T23:59",
            "time_zone": "Europe/Paris",
            "language": "en",
            "endorsement_days": "30",
            "endorsement_reminder_days": "7",
            "deadline_action": "decline",
            "quota_per_country": "3",
            "manual_checks": "",
        },
    )

    assert response.status_code == 302
    call = cast.call.__class__.objects.get(title="Presentations 2027")
    assert (call.kind, call.quota_per_country, call.endorsement_reminder_days) == (
        CallKind.PRESENTATIONS,
        None,
        None,
    )
    assert call.required_documents == []


def test_the_endorsement_settings_of_a_call_for_presentations_are_locked_as_unused(client, cast):
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get(reverse("calls:secretariat-call-edit", kwargs={"pk": cast.call.pk}))

    assert response.status_code == 200
    form = response.context["form"]
    unused = "Not used: no National Commission endorses the proposals to this call."
    assert {name: form.fields[name].help_text for name in ENDORSEMENT_FIELDS} == dict.fromkeys(
        ENDORSEMENT_FIELDS, unused
    )
    assert all(form.fields[name].disabled for name in ENDORSEMENT_FIELDS)


def test_a_call_changed_to_presentations_before_it_opens_loses_its_quota_and_reminder():
    now = timezone.now()
    call = make_call(opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=30))

    call, changed = update_call(call, actor=None, kind=CallKind.PRESENTATIONS)

    assert sorted(changed) == ["endorsement_reminder_days", "kind", "quota_per_country"]
    call.refresh_from_db()
    assert (call.quota_per_country, call.endorsement_reminder_days) == (None, None)


# What the city is asked for: its contact and motivation, no city profile

PROPOSAL_PROFILE = {
    "motivation": "Our adult learning festival reached 12,000 residents.",
    "contact_name": "Aoife Byrne",
    "contact_email": "aoife@example.org",
    "communication_language": "en",
}


def _proposal_draft(cast, **profile):
    """A draft proposal with every criterion answered and only ``profile`` of its profile."""
    submission = start_submission(cast.call, city=cast.city, actor=cast.coordinator)
    for criterion in cast.call.framework.criteria.all():
        if criterion.answer_type != AnswerType.FILE:
            save_answer(
                submission, criterion, actor=cast.coordinator, value=ANSWERS[criterion.answer_type]
            )
    if profile:
        save_draft(submission, actor=cast.coordinator, **profile)
    return submission


def test_a_proposal_with_its_contact_and_motivation_is_complete_and_is_submitted(cast):
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)

    assert completeness(submission) == []
    transition(submission, S.SUBMITTED, actor=cast.coordinator)
    submission.refresh_from_db()
    assert (submission.state, submission.population, submission.challenges) == (
        S.SUBMITTED,
        None,
        {},
    )


def test_an_empty_proposal_lacks_only_its_contact_language_and_motivation(cast):
    submission = _proposal_draft(cast)

    assert [(item.code, item.anchor) for item in completeness(submission)] == [
        ("missing_field", "profile-motivation"),
        ("missing_field", "profile-contact_name"),
        ("missing_field", "profile-contact_email"),
        ("missing_field", "profile-communication_language"),
    ]


def test_a_membership_application_still_asks_for_the_city_in_figures_and_its_challenges():
    cast = Cast()
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)

    missing = {item.anchor for item in completeness(submission)}

    assert {"profile-population", "profile-implementation", "profile-challenges-funding"} <= (
        missing
    )


def test_the_contact_page_of_a_proposal_shows_no_figures_ratings_or_letter(client, cast):
    submission = _proposal_draft(cast)
    client.force_login(cast.coordinator)

    response = client.get(reverse("calls:city-profile", kwargs={"pk": submission.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
        "motivation",
        "contact_name",
        "contact_email",
        "contact_phone",
        "communication_language",
    ]
    assert "<h1>Contact and motivation: " in page
    assert 'id="profile-population"' not in page
    assert "Challenges, rated from 1 (minor) to 5 (major)" not in page
    assert "commitment letter" not in page
    assert "Why the city proposes to present, in at most 200 words." in page


def test_the_contact_page_of_a_proposal_saves_its_fields_and_ignores_a_posted_figure(client, cast):
    submission = _proposal_draft(cast)
    client.force_login(cast.coordinator)
    url = reverse("calls:city-profile", kwargs={"pk": submission.pk})

    response = client.post(
        url, {**PROPOSAL_PROFILE, "population": "210000", "challenges-funding": "4"}
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.contact_name, submission.motivation, submission.population) == (
        "Aoife Byrne",
        PROPOSAL_PROFILE["motivation"],
        None,
    )
    assert submission.challenges == {}


def test_the_overview_of_a_proposal_links_to_its_contact_and_motivation(client, cast):
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)
    client.force_login(cast.coordinator)

    response = client.get(reverse("calls:city-application", kwargs={"pk": submission.pk}))

    page = response.content.decode()
    profile_url = reverse("calls:city-profile", kwargs={"pk": submission.pk})
    assert f'<a href="{profile_url}">Contact and motivation</a>' in page
    assert "City profile and commitment letter" not in page
    assert response.context["missing"] == []


def test_the_overview_of_a_membership_application_keeps_its_city_profile_link(client):
    cast = Cast()
    submission = cast.draft()
    client.force_login(cast.coordinator)

    response = client.get(reverse("calls:city-application", kwargs={"pk": submission.pk}))

    assert "City profile and commitment letter" in response.content.decode()


def test_the_preview_of_a_proposal_shows_its_contact_and_motivation_only(client, cast):
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)
    client.force_login(cast.coordinator)

    response = client.get(reverse("calls:city-preview", kwargs={"pk": submission.pk}))

    page = response.content.decode()
    assert [label for label, _value in response.context["profile_rows"]] == [
        "Motivation",
        "Contact person",
        "Contact e-mail",
        "Contact telephone",
        "Language of communication",
    ]
    assert "<h2>Contact and motivation</h2>" in page
    assert "Population" not in page
    assert "Challenges" not in page
    assert "commitment letter" not in page


def test_the_dossier_and_jury_page_of_a_proposal_leave_out_figures_ratings_and_plan(cast):
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)

    named = dossier_context(submission)
    anonymous = dossier_context(submission, anonymous=True)
    html = render_to_string("calls/dossier/dossier.html", named)

    assert [label for label, _value in named["profile"]] == [
        "Contact person",
        "Contact e-mail",
        "Contact telephone",
        "Language of communication",
    ]
    assert anonymous["profile"] == [("Language of communication", "English")]
    assert (named["challenges"], named["asks_implementation"]) == ([], False)
    assert PROPOSAL_PROFILE["motivation"] in html
    assert "Implementation" not in html
    assert "Challenges" not in html
    assert "Population" not in html


def test_the_dossier_of_a_membership_application_keeps_its_whole_profile():
    cast = Cast()
    submission = cast.draft()

    context = dossier_context(submission)

    assert "Population" in [label for label, _value in context["profile"]]
    assert len(context["challenges"]) == len(Challenge)
    assert context["asks_implementation"] is True


def test_the_workbook_of_a_proposal_asks_for_its_contact_and_motivation_only(cast):
    submission = _proposal_draft(cast)

    book = load_workbook(io.BytesIO(export_workbook(submission)))

    sheet = book["Profile"]
    assert [sheet[f"A{row}"].value for row in range(2, sheet.max_row + 1)] == [
        "motivation",
        "contact_name",
        "contact_email",
        "contact_phone",
        "communication_language",
    ]


def test_a_workbook_giving_a_proposal_a_figure_is_refused_and_saves_nothing(cast):
    submission = _proposal_draft(cast)
    book = load_workbook(io.BytesIO(export_workbook(submission)))
    book["Profile"].append(["population", "population", 210000, ""])
    book["Profile"]["C3"] = "Aoife Byrne"
    data = io.BytesIO()
    book.save(data)

    with pytest.raises(WorkbookInvalid) as refused:
        import_workbook(submission, data.getvalue(), actor=cast.coordinator)

    assert refused.value.errors == ["sheet 'Profile', cell A7: unknown field population"]
    submission.refresh_from_db()
    assert (submission.population, submission.contact_name) == (None, "")


def test_the_jury_page_of_a_proposal_shows_its_motivation_and_no_empty_city_profile(client, cast):
    submission = _proposal_draft(cast, **PROPOSAL_PROFILE)
    for step in PATHS_BY_KIND[CallKind.PRESENTATIONS][S.IN_REVIEW]:
        cast.move(submission, step)
    panel = make_panel(cast.call)
    juror = make_juror(panel, "BR")
    assign(panel, submission, juror)
    client.force_login(juror)

    response = client.get(reverse("reviews:jury-review", kwargs={"pk": submission.pk}))

    page = _main(response)
    assert response.status_code == 200
    assert [label for label, _value in response.context["profile"]] == [
        "Contact person",
        "Contact e-mail",
        "Contact telephone",
        "Language of communication",
    ]
    assert PROPOSAL_PROFILE["motivation"] in page
    assert "Implementation" not in page
    assert "Challenges (1 minor to 5 major)" not in page
    assert "Population" not in page


def _main(response) -> str:
    """The page's main content (the site's frame has its own words)."""
    page = response.content.decode()
    return page[page.index("<main") :]
