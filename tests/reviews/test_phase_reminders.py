"""Reminders to jurors before a review phase ends (``run-scheduled``)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from learningcities.accounts.domain.users import update_profile
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.reviews.domain.reminders import reminders_due, send_phase_reminders
from learningcities.reviews.models import Panel, PhaseReminder, ReviewPhase
from tests.calls.factories import Cast, submission_in
from tests.reviews.factories import assign, make_juror, submitted_review
from tests.reviews.scoring_helpers import Jury

pytestmark = pytest.mark.django_db

TEMPLATE = "reviews.phase.reminder"


def _ending_in(jury: Jury, days: float) -> None:
    ReviewPhase.objects.filter(pk=jury.phase.pk).update(
        ends_at=timezone.now() + dt.timedelta(days=days)
    )


def _mails():
    return OutboxMessage.objects.filter(template_code=TEMPLATE)


def test_reminder_goes_to_a_juror_with_an_unfinished_review_once_per_phase():
    jury = Jury()
    _ending_in(jury, 2)  # within the default 3 days

    first = send_phase_reminders()
    second = send_phase_reminders()

    assert (first, second) == (1, 0)
    [mail] = _mails()
    assert mail.recipients == [jury.juror.email]
    assert f"Application {jury.submission.pk}" in mail.body
    assert "Scoring" in mail.subject or "Scoring" in mail.body
    assert PhaseReminder.objects.get().juror == jury.juror
    assert ActivityLogEntry.objects.filter(action="reviews.phase.reminder").count() == 1


def test_reminder_is_not_sent_before_the_window():
    jury = Jury()
    _ending_in(jury, 5)

    assert send_phase_reminders() == 0
    assert not _mails().exists()


def test_reminder_is_not_sent_when_the_panel_turned_reminders_off():
    jury = Jury()
    _ending_in(jury, 1)
    Panel.objects.filter(pk=jury.panel.pk).update(reminder_days=0)

    assert send_phase_reminders() == 0
    assert not _mails().exists()


def test_reminder_skips_a_juror_whose_reviews_are_submitted():
    jury = Jury()
    _ending_in(jury, 1)
    submitted_review(jury.assignment, jury.scores())
    other, _assignment = jury.another_juror("DE")

    assert send_phase_reminders() == 1
    assert [mail.recipients for mail in _mails()] == [[other.email]]


def test_reminder_counts_every_unfinished_review_of_the_juror():
    jury = Jury()
    _ending_in(jury, 1)
    second = Jury(city_name="Second city", country_code="KE")
    # The same juror assigned a second submission of the first jury's call.
    extra = submission_in(Cast(call=jury.cast.call, country_code="CL"), "in_review")
    assign(jury.panel, extra, jury.juror)

    send_phase_reminders()

    mail = _mails().get(recipients=[jury.juror.email])
    assert f"Application {jury.submission.pk}, Application {extra.pk}" in mail.body
    assert second.juror.email not in {r for m in _mails() for r in m.recipients}


def test_reminder_is_written_in_the_jurors_language():
    jury = Jury()
    _ending_in(jury, 1)
    update_profile(
        jury.juror,
        name="Juré",
        language="fr",
        nationality=jury.juror.nationality,
        actor=jury.juror,
    )

    send_phase_reminders()

    mail = _mails().get()
    assert mail.language == "fr"
    assert "Bonjour" in mail.body


def test_a_later_phase_earns_its_own_reminder():
    jury = Jury()
    _ending_in(jury, 1)
    send_phase_reminders()
    now = timezone.now()
    ReviewPhase.objects.filter(pk=jury.phase.pk).update(
        starts_at=now - dt.timedelta(days=5), ends_at=now - dt.timedelta(minutes=1)
    )
    ReviewPhase.objects.create(
        panel=jury.panel,
        name="Second round",
        order=1,
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(days=2),
    )

    assert reminders_due(timezone.now()) != []
    assert send_phase_reminders() == 1
    assert _mails().count() == 2


def test_run_scheduled_sends_the_reminders_and_a_second_run_nothing_more():
    jury = Jury()
    _ending_in(jury, 1)
    make_juror(jury.panel, "DE")  # a juror with nothing assigned: no reminder

    call_command("run-scheduled", stdout=StringIO())
    call_command("run-scheduled", stdout=StringIO())

    assert [mail.recipients for mail in _mails()] == [[jury.juror.email]]
