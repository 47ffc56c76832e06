"""The outbox against a real SMTP server on loopback: stored, sent, retried, never lost."""

import datetime as dt
import io

import pytest
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from learningcities.common.domain.outbox import (
    SCRUBBED_BODY,
    OutboxError,
    queue_message,
    retry_delay,
    retry_message,
    send_due_messages,
    send_message,
)
from learningcities.common.enums import OutboxStatus
from learningcities.common.mailconfig import EmailURLError, parse_email_url
from learningcities.common.models import ActivityLogEntry, OutboxMessage

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "Call open", "name": "Ana", "text": "The call opens today."}


def queue(recipients=("ana@example.org",), **kwargs) -> OutboxMessage:
    with transaction.atomic():
        return queue_message(
            "common.notification", recipients=list(recipients), context=CONTEXT, **kwargs
        )


def test_queue_message_held_without_mail_configuration(settings):
    settings.LC_MAIL_ENABLED = False

    message = queue()

    assert message.status == OutboxStatus.HELD
    assert message.subject == "Call open"
    assert "Dear Ana," in message.body
    assert message.next_attempt_at is None
    assert send_due_messages() == {}
    message.refresh_from_db()
    assert message.status == OutboxStatus.HELD


def test_queue_message_sent_after_commit(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(recipients=["ana@example.org", "ben@example.org"])
        assert smtp_server.received == []  # nothing leaves before the commit

    message.refresh_from_db()
    assert len(callbacks) == 1
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert [env.rcpt_tos for env in smtp_server.received] == [
        ["ana@example.org", "ben@example.org"]
    ]
    received = smtp_server.received[0].content.decode()
    assert "Subject: Call open" in received
    assert f"X-LC-Outbox-Id: {message.pk}" in received


def test_queue_message_rolled_back_is_neither_stored_nor_sent(
    smtp_server, django_capture_on_commit_callbacks
):
    def change_that_fails():
        with transaction.atomic():
            queue_message("common.notification", recipients=["ana@example.org"], context=CONTEXT)
            raise RuntimeError("the change that caused the message failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    assert smtp_server.received == []


def test_send_message_refused_stays_failed_and_is_retried_later(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error
    assert "refused" in message.last_error
    retry_at = message.next_attempt_at
    assert retry_at > timezone.now()

    # Not due yet: nothing happens.
    assert send_due_messages(now=retry_at - dt.timedelta(seconds=1)) == {}
    # Due, but the server still refuses: a second failure, a longer wait.
    assert send_due_messages(now=retry_at) == {OutboxStatus.FAILED: 1}
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - timezone.now() > dt.timedelta(seconds=90)

    smtp_server.refuse = False
    counts = send_due_messages(now=message.next_attempt_at)

    message.refresh_from_db()
    assert counts == {OutboxStatus.SENT: 1}
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 3
    assert len(smtp_server.received) == 1
    assert OutboxMessage.objects.count() == 1


def test_send_message_gives_up_after_max_attempts_and_stays_visible(settings, smtp_server):
    settings.LC_MAIL_MAX_ATTEMPTS = 2
    smtp_server.refuse = True
    message = queue()
    later = timezone.now() + dt.timedelta(days=1)

    send_message(message)
    send_due_messages(now=later)
    send_due_messages(now=later + dt.timedelta(days=1))

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 2
    assert message.next_attempt_at is None
    assert "refused" in message.last_error


def test_retry_message_sends_a_given_up_message(
    settings, smtp_server, secretary, django_capture_on_commit_callbacks
):
    settings.LC_MAIL_MAX_ATTEMPTS = 1
    smtp_server.refuse = True
    message = send_message(queue())
    assert (message.status, message.next_attempt_at) == (OutboxStatus.FAILED, None)
    smtp_server.refuse = False

    with django_capture_on_commit_callbacks(execute=True):
        retry_message(message, actor=secretary)

    message.refresh_from_db()
    entry = ActivityLogEntry.objects.get(action="common.outbox.retry")
    assert message.status == OutboxStatus.SENT
    assert len(smtp_server.received) == 1
    assert entry.actor == secretary
    assert entry.object_id == str(message.pk)
    assert entry.changes["status"] == ["failed", "queued"]


def test_retry_message_refused_for_a_sent_message(smtp_server, secretary):
    message = send_message(queue())

    with pytest.raises(OutboxError, match="sent already"):
        retry_message(message, actor=secretary)

    assert ActivityLogEntry.objects.filter(action="common.outbox.retry").count() == 0


def test_retry_message_refused_without_mail_configuration(settings, secretary):
    settings.LC_MAIL_ENABLED = False
    message = queue()

    with pytest.raises(OutboxError, match="LC_EMAIL_URL"):
        retry_message(message, actor=secretary)

    message.refresh_from_db()
    assert message.status == OutboxStatus.HELD


def test_send_message_twice_sends_once(smtp_server):
    message = queue()

    first = send_message(message)
    second = send_message(message)

    assert first.status == second.status == OutboxStatus.SENT
    assert len(smtp_server.received) == 1


def test_send_due_messages_takes_over_an_abandoned_sending(smtp_server):
    message = queue()
    # A worker claimed it and died.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, next_attempt_at=timezone.now() + dt.timedelta(minutes=10)
    )
    assert send_due_messages() == {}

    counts = send_due_messages(now=timezone.now() + dt.timedelta(minutes=11))

    assert counts == {OutboxStatus.SENT: 1}
    assert len(smtp_server.received) == 1


def test_send_mail_sends_what_was_held_before_sending_was_configured(settings, smtp_server):
    settings.LC_MAIL_ENABLED = False
    held = queue(recipients=["ana@example.org"])
    # LC_EMAIL_URL is set and the processes restarted.
    settings.LC_MAIL_ENABLED = True
    out = io.StringIO()

    call_command("send-mail", stdout=out)
    again = send_due_messages()

    held.refresh_from_db()
    assert out.getvalue() == "Outbox: sent: 1.\n"
    assert again == {}
    assert (held.status, held.attempts) == (OutboxStatus.SENT, 1)
    assert [env.rcpt_tos for env in smtp_server.received] == [["ana@example.org"]]


def test_send_due_messages_releases_held_mail_only_once_sending_is_configured(settings):
    settings.LC_MAIL_ENABLED = False
    held = queue()

    counts = send_due_messages()

    held.refresh_from_db()
    assert counts == {}
    assert (held.status, held.next_attempt_at) == (OutboxStatus.HELD, None)


def test_send_due_messages_leaves_a_given_up_message_failed(settings, smtp_server):
    settings.LC_MAIL_MAX_ATTEMPTS = 1
    smtp_server.refuse = True
    given_up = send_message(queue())
    smtp_server.refuse = False

    counts = send_due_messages(now=timezone.now() + dt.timedelta(days=1))

    given_up.refresh_from_db()
    assert counts == {}
    assert (given_up.status, given_up.next_attempt_at) == (OutboxStatus.FAILED, None)
    assert smtp_server.received == []


def test_retry_delay_doubles_up_to_a_cap():
    delays = [retry_delay(n) for n in (1, 2, 3, 20)]

    assert delays == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(hours=12),
    ]


def test_django_mail_api_goes_into_the_outbox(settings):
    settings.LC_MAIL_ENABLED = False
    email = EmailMultiAlternatives(
        "Confirm your address", "Click the link.", to=["ana@example.org"], cc=["ben@example.org"]
    )
    email.attach_alternative("<p>Click the link.</p>", "text/html")

    settings.MAILERS = {
        **settings.MAILERS,
        "default": {"BACKEND": "learningcities.common.mail.OutboxEmailBackend"},
    }

    sent = mailers.default.send_messages([email])

    message = OutboxMessage.objects.get()
    assert sent == 1
    assert message.recipients == ["ana@example.org", "ben@example.org"]
    assert message.html_body == "<p>Click the link.</p>"
    assert message.status == OutboxStatus.HELD


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user%40example.org:p%3Ass@mail.example.org:2525?tls=1",
            {
                "host": "mail.example.org",
                "port": 2525,
                "username": "user@example.org",
                "password": "p:ss",
                "use_tls": True,
                "use_ssl": False,
            },
        ),
        ("smtps://mail.example.org", {"port": 465, "use_ssl": True, "use_tls": False}),
        ("smtp://localhost", {"port": 25, "use_tls": False, "username": ""}),
    ],
)
def test_parse_email_url_reads_smtp_settings(url, expected):
    parsed = parse_email_url(url)

    assert {key: parsed["OPTIONS"][key] for key in expected} == expected
    assert parsed["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_parse_email_url_empty_sends_nothing():
    assert parse_email_url("") is None


@pytest.mark.parametrize(("url", "error"), [("ftp://x", "unknown scheme"), ("smtp://", "host")])
def test_parse_email_url_refuses_bad_urls(url, error):
    with pytest.raises(EmailURLError, match=error):
        parse_email_url(url)


def test_sensitive_message_is_delivered_whole_then_wiped(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(sensitive=True)

    message.refresh_from_db()
    delivered = smtp_server.received[0].content.decode()
    assert message.status == OutboxStatus.SENT
    assert "Dear Ana," in delivered
    assert message.body == SCRUBBED_BODY
    assert message.html_body == ""


def test_sensitive_message_that_fails_keeps_its_text_for_the_retry(settings, smtp_server):
    smtp_server.refuse = True
    message = queue(sensitive=True)

    send_message(message)

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "Dear Ana," in message.body


def test_mail_sent_by_libraries_is_sensitive(settings):
    settings.LC_MAIL_ENABLED = False
    settings.MAILERS = {
        **settings.MAILERS,
        "default": {"BACKEND": "learningcities.common.mail.OutboxEmailBackend"},
    }
    email = EmailMultiAlternatives(
        "Reset your password", "https://example.org/reset/abc", to=["ana@example.org"]
    )

    mailers.default.send_messages([email])

    message = OutboxMessage.objects.get()
    assert message.is_sensitive is True
