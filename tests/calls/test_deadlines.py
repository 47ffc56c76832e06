"""Scheduled work on endorsement deadlines: reminders, deadline actions, the command."""

import datetime as dt
import io
import logging
import zoneinfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.domain.deadlines import (
    apply_endorsement_deadlines,
    send_endorsement_reminders,
)
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.submissions import extend_deadline
from learningcities.calls.domain.timing import in_call_zone
from learningcities.calls.enums import DeadlineAction, SubmissionState
from learningcities.calls.models import Call, Submission, Transition
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from tests.accounts.factories import person_with_role

from .factories import Cast, endorser_of, make_call, small_framework, submission_in

pytestmark = pytest.mark.django_db

S = SubmissionState
REMINDER = "calls.submission.endorsement_reminder"


def reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template_code=REMINDER).order_by("pk"))


def fresh(submission) -> Submission:
    return Submission.objects.get(pk=submission.pk)


# Reminders


def test_reminder_sent_once_within_the_window():
    cast = Cast()
    second_endorser = endorser_of("IE")
    submission = submission_in(cast, S.SUBMITTED)
    in_window = submission.endorsement_due_at - dt.timedelta(days=3)

    first = send_endorsement_reminders(now=in_window)
    second = send_endorsement_reminders(now=in_window + dt.timedelta(hours=1))

    [message] = reminders()
    assert (first, second) == (1, 0)
    assert message.recipients == sorted([cast.endorser.email, second_endorser.email])
    assert message.subject == (
        f"Reminder: endorsement of {cast.city} due by "
        f"{in_call_zone(submission.endorsement_due_at, cast.call)}"
    )
    assert "the application will be declined" in message.body
    assert fresh(submission).endorsement_reminded_at == in_window
    entry = ActivityLogEntry.objects.get(action="calls.submission.endorsement_reminder")
    assert (entry.actor, entry.organisation) == (None, cast.organisation)


def test_reminder_names_the_deadline_in_the_call_time_zone():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    due = submission.endorsement_due_at

    send_endorsement_reminders(now=due - dt.timedelta(days=1))

    [message] = reminders()
    local = due.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    assert f"by {local:%Y-%m-%d %H:%M} Europe/Paris." in message.body


def test_reminder_not_sent_before_the_window():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    sent = send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=8))

    assert sent == 0
    assert reminders() == []
    assert fresh(submission).endorsement_reminded_at is None


def test_reminder_not_sent_after_the_deadline():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    sent = send_endorsement_reminders(now=submission.endorsement_due_at + dt.timedelta(minutes=1))

    assert sent == 0
    assert reminders() == []


def test_reminder_not_sent_for_an_endorsed_submission():
    cast = Cast()
    submission = submission_in(cast, S.ENDORSED)

    sent = send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    assert sent == 0
    assert reminders() == []


def test_reminder_not_sent_when_the_call_has_none():
    cast = Cast(call=make_call(endorsement_reminder_days=None))
    submission = submission_in(cast, S.SUBMITTED)

    sent = send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    assert sent == 0
    assert reminders() == []


def test_reminder_window_follows_the_call_setting():
    cast = Cast(call=make_call(endorsement_reminder_days=2))
    submission = submission_in(cast, S.SUBMITTED)
    due = submission.endorsement_due_at

    early = send_endorsement_reminders(now=due - dt.timedelta(days=3))
    in_time = send_endorsement_reminders(now=due - dt.timedelta(days=1))

    assert (early, in_time) == (0, 1)


def test_reminder_sent_again_after_the_city_resubmits():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(
        endorsement_due_at=submission.submitted_at + dt.timedelta(days=2)
    )
    send_endorsement_reminders()
    cast.move(submission, S.RETURNED, comment="Sign the letter.")
    cast.move(submission, S.SUBMITTED)
    submission.refresh_from_db()

    sent = send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    assert sent == 1
    assert len(reminders()) == 2


def test_reminder_in_the_call_language_says_what_happens_at_the_deadline():
    cast = Cast(call=make_call(language="fr", deadline_action=DeadlineAction.ESCALATE))
    User.objects.update(language="fr")  # mails follow their recipient's language
    submission = submission_in(cast, S.SUBMITTED)

    send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    [message] = reminders()
    assert message.language == "fr"
    assert message.subject.startswith(f"Rappel : approbation de {cast.city} attendue")
    assert "le secrétariat décidera à sa place" in message.body


def test_reminder_without_endorsers_is_recorded_without_a_message():
    cast = Cast(country_code="DE")
    submission = submission_in(cast, S.SUBMITTED)
    cast.endorser.is_active = False
    cast.endorser.save(update_fields=["is_active"])

    sent = send_endorsement_reminders(now=submission.endorsement_due_at - dt.timedelta(days=1))

    assert sent == 1
    assert reminders() == []
    assert fresh(submission).endorsement_reminded_at is not None


def test_one_bad_submission_does_not_stop_the_other_reminders(caplog):
    good = Cast()
    bad = Cast(
        call=make_call(framework=good.call.framework, title="Broken call"), country_code="DE"
    )
    good_submission = submission_in(good, S.SUBMITTED)
    bad_submission = submission_in(bad, S.SUBMITTED)
    # A time zone the system no longer knows (the data outlived a tzdata update).
    Call.objects.filter(pk=bad.call.pk).update(time_zone="Mars/Olympus_Mons")
    now = max(good_submission.endorsement_due_at, bad_submission.endorsement_due_at)
    now -= dt.timedelta(days=1)

    with caplog.at_level(logging.ERROR, logger="learningcities.calls.domain.deadlines"):
        sent = send_endorsement_reminders(now=now)

    assert sent == 1
    assert [m.recipients for m in reminders()] == [[good.endorser.email]]
    assert fresh(bad_submission).endorsement_reminded_at is None
    assert fresh(good_submission).endorsement_reminded_at == now
    assert f"endorsement reminder failed for submission {bad_submission.pk}" in caplog.text


# Deadline actions


def test_deadline_action_declines_when_the_call_says_so():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    late = submission.endorsement_due_at + dt.timedelta(hours=1)

    done = apply_endorsement_deadlines(now=late)

    assert done == 1
    assert fresh(submission).state == S.DECLINED
    row = Transition.objects.latest("pk")
    assert (row.from_state, row.to_state, row.actor) == (S.SUBMITTED, S.DECLINED, None)


def test_deadline_action_escalates_when_the_call_says_so():
    cast = Cast(call=make_call(deadline_action=DeadlineAction.ESCALATE))
    submission = submission_in(cast, S.SUBMITTED)
    late = submission.endorsement_due_at + dt.timedelta(hours=1)

    done = apply_endorsement_deadlines(now=late)

    stored = fresh(submission)
    assert done == 1
    assert (stored.state, stored.escalated_at) == (S.SUBMITTED, late)
    escalated = OutboxMessage.objects.filter(template_code="calls.submission.escalated")
    assert sorted(m.recipients[0] for m in escalated) == sorted(
        [cast.secretary.email, cast.endorser.email]
    )


@pytest.mark.parametrize("action", [DeadlineAction.DECLINE, DeadlineAction.ESCALATE])
def test_deadline_actions_are_idempotent(action):
    cast = Cast(call=make_call(deadline_action=action))
    submission = submission_in(cast, S.SUBMITTED)
    late = submission.endorsement_due_at + dt.timedelta(hours=1)
    apply_endorsement_deadlines(now=late)
    counts = (Transition.objects.count(), OutboxMessage.objects.count())

    again = apply_endorsement_deadlines(now=late + dt.timedelta(hours=1))

    assert again == 0
    assert (Transition.objects.count(), OutboxMessage.objects.count()) == counts


def test_deadline_action_not_applied_before_the_deadline_nor_to_others():
    cast = Cast()
    waiting = submission_in(cast, S.SUBMITTED)
    endorsed = submission_in(Cast(call=cast.call), S.ENDORSED)

    done = apply_endorsement_deadlines(now=waiting.endorsement_due_at - dt.timedelta(minutes=1))
    later = apply_endorsement_deadlines(now=endorsed.endorsement_due_at + dt.timedelta(days=1))

    assert (done, later) == (0, 1)
    assert fresh(endorsed).state == S.ENDORSED
    assert fresh(waiting).state == S.DECLINED


def test_one_bad_submission_does_not_stop_the_other_deadline_actions(caplog):
    good = Cast()
    bad = Cast(
        call=make_call(framework=good.call.framework, title="Broken call"), country_code="DE"
    )
    good_submission = submission_in(good, S.SUBMITTED)
    bad_submission = submission_in(bad, S.SUBMITTED)
    Call.objects.filter(pk=bad.call.pk).update(time_zone="Mars/Olympus_Mons")
    late = max(good_submission.endorsement_due_at, bad_submission.endorsement_due_at)
    late += dt.timedelta(hours=1)

    with caplog.at_level(logging.ERROR, logger="learningcities.calls.domain.deadlines"):
        done = apply_endorsement_deadlines(now=late)

    assert done == 1
    assert (fresh(good_submission).state, fresh(bad_submission).state) == (S.DECLINED, S.SUBMITTED)
    assert Transition.objects.filter(submission=bad_submission, to_state=S.DECLINED).count() == 0
    assert f"endorsement deadline action failed for submission {bad_submission.pk}" in caplog.text


# The command


def test_run_scheduled_runs_reminders_and_deadline_actions():
    cast = Cast()
    overdue = submission_in(cast, S.SUBMITTED)
    near = submission_in(Cast(call=cast.call), S.SUBMITTED)
    Submission.objects.filter(pk=overdue.pk).update(
        endorsement_due_at=overdue.submitted_at - dt.timedelta(hours=1)
    )
    Submission.objects.filter(pk=near.pk).update(
        endorsement_due_at=near.submitted_at + dt.timedelta(days=2)
    )
    out = io.StringIO()

    call_command("run-scheduled", stdout=out)
    call_command("run-scheduled", stdout=io.StringIO())

    assert out.getvalue().splitlines() == [
        "Endorsement reminders: 1 submissions reminded.",
        "Endorsement deadlines: 1 submissions declined or escalated.",
        "Phase-end reminders to jurors: 0 jurors reminded.",
        "Progress report reminders: 0 reports reminded.",
        "Memberships put on hold for overdue reports: 0 memberships held.",
        "Expired offers of event places: 0 offers expired.",
        "Expired offers of session places: 0 offers expired.",
        "Erase event participants' personal data: 0 events erased.",
        "Reminders of coming events: 0 participants reminded.",
        "Open data snapshots: 0 snapshots taken.",
        "Webhook deliveries: 0 deliveries attempted.",
        "Integration logs: 0 old entries deleted.",
        "Outbox: 0 messages sent or tried.",
        "Finished jobs: 0 old job records deleted.",
        "Orphan files: 0 orphan files removed.",
    ]
    assert fresh(overdue).state == S.DECLINED
    assert fresh(near).endorsement_reminded_at is not None
    assert len(reminders()) == 1


# The call setting


def test_call_reminder_must_fall_within_the_endorsement_window():
    with pytest.raises(SubmissionError) as excinfo:
        make_call(endorsement_days=7, endorsement_reminder_days=7)

    assert excinfo.value.code == "reminder_days"
    assert "1 to 6 days before the endorsement deadline" in str(excinfo.value)
    assert Call.objects.count() == 0


# The notice of a city's extended deadline


def test_extend_deadline_tells_the_city_coordinators_in_the_call_language():
    call = make_call(language="fr")
    cast = Cast(call=call)
    bystander = Cast(call=call)
    User.objects.update(language="fr")  # mails follow their recipient's language
    submission = cast.draft(complete=False)
    bystander.draft(complete=False)
    until = call.closes_at + dt.timedelta(days=7)

    extend_deadline(submission, actor=cast.secretary, until=until)

    [message] = OutboxMessage.objects.filter(template_code="calls.submission.deadline_extended")
    assert message.recipients == [cast.coordinator.email]
    assert message.language == "fr"
    assert message.subject == f"Délai de {cast.city} prolongé jusqu'au {in_call_zone(until, call)}"
    assert f"au lieu du {in_call_zone(call.closes_at, call)}" in message.body
    assert message.object_id == str(submission.pk)


def test_extend_deadline_refused_sends_no_notice():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(SubmissionError):
        extend_deadline(
            submission, actor=cast.secretary, until=cast.call.closes_at + dt.timedelta(days=3)
        )

    assert (
        OutboxMessage.objects.filter(template_code="calls.submission.deadline_extended").count()
        == 0
    )


def _new_call_form(**overrides) -> dict:
    return {
        "kind": "membership",
        "title": "Membership 2027",
        "framework": small_framework().pk,
        "opens": "2027-01-10T09:00",
        "closes": "2027-03-31T23:59",
        "time_zone": "Europe/Paris",
        "language": "en",
        "endorsement_days": "21",
        "endorsement_reminder_days": "5",
        "deadline_action": "decline",
        "quota_per_country": "3",
        **overrides,
    }


def test_call_form_sets_the_reminder_days(client):
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))
    shown = client.get(reverse("calls:secretariat-call-create")).content.decode()

    response = client.post(reverse("calls:secretariat-call-create"), _new_call_form())

    assert '<label for="id_endorsement_reminder_days"' in shown
    assert response.status_code == 302
    assert Call.objects.get().endorsement_reminder_days == 5


def test_call_form_refuses_a_reminder_outside_the_endorsement_window(client):
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.post(
        reverse("calls:secretariat-call-create"), _new_call_form(endorsement_reminder_days="21")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["endorsement_reminder_days"] == [
        "The reminder must come before the endorsement window of 21 days ends."
    ]
    assert Call.objects.count() == 0


def test_reminder_shown_to_the_commission_and_the_secretariat(client):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    reminded_at = submission.endorsement_due_at - dt.timedelta(days=2)
    send_endorsement_reminders(now=reminded_at)
    shown = date_format(timezone.localtime(reminded_at), "DATETIME_FORMAT")

    client.force_login(cast.endorser)
    endorser_page = client.get(reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}))
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))
    staff_page = client.get(reverse("calls:secretariat-submission", kwargs={"pk": submission.pk}))

    assert f"<dt>Reminder sent</dt><dd>{shown}</dd>" in endorser_page.content.decode()
    assert (
        f"<dt>Reminder sent to the National Commission</dt><dd>{shown}</dd>"
        in staff_page.content.decode()
    )
