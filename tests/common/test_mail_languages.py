"""Mails go out in their recipient's language: one message per language of its recipients."""

import datetime as dt

import pytest
from django.utils import translation

from learningcities.accounts.domain.invitations import invite_person
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.calls.domain.deadlines import (
    apply_endorsement_deadlines,
    send_endorsement_reminders,
)
from learningcities.calls.domain.submissions import extend_deadline
from learningcities.calls.domain.timing import in_call_zone
from learningcities.calls.enums import DeadlineAction, SubmissionState
from learningcities.common.domain.outbox import by_language
from learningcities.common.models import OutboxMessage
from tests.accounts.factories import make_user, organisation
from tests.calls.factories import Cast, endorser_of, make_call, submission_in

pytestmark = pytest.mark.django_db

S = SubmissionState


def speaks(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def sent(code: str) -> dict[str, OutboxMessage]:
    """Return the messages of template ``code`` by their language (one each)."""
    messages = OutboxMessage.objects.filter(template_code=code)
    by_lang = {message.language: message for message in messages}
    assert len(by_lang) == messages.count()
    return by_lang


def test_by_language_groups_addresses_and_gives_the_blank_ones_the_default():
    groups = by_language(
        [("b@example.org", "fr"), ("a@example.org", ""), ("c@example.org", "fr")], "ar"
    )

    assert groups == {"ar": ["a@example.org"], "fr": ["b@example.org", "c@example.org"]}


def test_submission_notice_goes_to_each_endorser_in_their_language():
    cast = Cast()
    speaks(cast.endorser, "fr")
    arabic_endorser = speaks(endorser_of("IE"), "ar")
    speaks(cast.coordinator, "ar")

    submission_in(cast, S.SUBMITTED)

    messages = OutboxMessage.objects.filter(template_code="calls.submission.submitted")
    by_recipients = {tuple(m.recipients): m for m in messages}
    assert sorted((m.language, m.recipients) for m in messages) == sorted(
        [
            ("ar", [cast.coordinator.email]),
            ("ar", [arabic_endorser.email]),
            ("fr", [cast.endorser.email]),
        ]
    )
    french = by_recipients[(cast.endorser.email,)]
    assert french.subject == f"Candidature de {cast.city} soumise"
    assert "En tant que Commission nationale" in french.body
    arabic = by_recipients[(arabic_endorser.email,)]
    assert arabic.subject == f"تقديم طلب ترشح {cast.city}"
    assert "بصفتكم اللجنة الوطنية" in arabic.body
    assert "بصفتكم اللجنة الوطنية" not in by_recipients[(cast.coordinator.email,)].body


def test_submission_notice_to_one_audience_in_two_languages_is_two_messages():
    cast = Cast(call=make_call(language="fr"))
    speaks(cast.endorser, "zh-hans")

    submission_in(cast, S.SUBMITTED)

    messages = sent("calls.submission.submitted")
    assert sorted(messages) == ["en", "zh-hans"]
    assert messages["en"].recipients == [cast.coordinator.email]
    assert messages["zh-hans"].recipients == [cast.endorser.email]
    assert messages["zh-hans"].body.startswith("您好")


def test_notice_dates_are_written_in_the_recipient_language():
    cast = Cast()
    speaks(cast.endorser, "fr")
    submission = submission_in(cast, S.SUBMITTED)

    message = sent("calls.submission.submitted")["fr"]

    with translation.override("fr"):
        due = in_call_zone(submission.endorsement_due_at, cast.call)
    assert f"d'ici le {due}." in message.body


def test_endorsement_reminder_in_the_endorser_language():
    cast = Cast()
    speaks(cast.endorser, "ru")
    submission = submission_in(cast, S.SUBMITTED)

    send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    [message] = OutboxMessage.objects.filter(template_code="calls.submission.endorsement_reminder")
    assert (message.language, message.recipients) == ("ru", [cast.endorser.email])
    assert message.subject.startswith(f"Напоминание: одобрение заявки города {cast.city}")


def test_escalation_tells_the_secretariat_and_the_endorser_each_in_their_language():
    cast = Cast(call=make_call(deadline_action=DeadlineAction.ESCALATE))
    speaks(cast.endorser, "ar")
    speaks(cast.secretary, "fr")
    submission = submission_in(cast, S.SUBMITTED)

    apply_endorsement_deadlines(now=submission.endorsement_due_at + dt.timedelta(hours=1))

    messages = sent("calls.submission.escalated")
    assert sorted(messages) == ["ar", "fr"]
    assert messages["ar"].recipients == [cast.endorser.email]
    assert messages["ar"].subject == f"تأخر المصادقة على {cast.city}"
    assert messages["fr"].recipients == [cast.secretary.email]
    assert messages["fr"].subject == f"Approbation de {cast.city} en retard"


def test_deadline_extension_in_the_coordinator_language():
    call = make_call()
    cast = Cast(call=call)
    speaks(cast.coordinator, "ar")
    submission = cast.draft(complete=False)

    extend_deadline(submission, actor=cast.secretary, until=call.closes_at + dt.timedelta(days=7))

    [message] = OutboxMessage.objects.filter(template_code="calls.submission.deadline_extended")
    assert (message.language, message.recipients) == ("ar", [cast.coordinator.email])
    assert message.subject.startswith(f"تمديد الموعد النهائي لـ{cast.city}")


def test_invitation_to_a_person_with_an_account_is_in_their_language():
    panel = organisation(OrganisationKind.PANEL, "Membership jury")
    secretary = make_user(language="en")
    make_user("juror@example.org", language="fr")

    invite_person(panel, email="Juror@example.org", role=Role.JUROR, actor=secretary)

    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    assert message.language == "fr"
    assert message.subject == "Invitation à agir pour Membership jury"


def test_invitation_to_a_newcomer_is_in_the_language_of_the_page():
    panel = organisation(OrganisationKind.PANEL, "Membership jury")
    secretary = make_user(language="en")

    with translation.override("vi"):
        invite_person(panel, email="new@example.org", role=Role.JUROR, actor=secretary)

    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    assert message.language == "vi"
    assert message.subject == "Lời mời làm việc thay mặt Membership jury"
