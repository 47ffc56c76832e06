"""Messages from the secretariat to the applicants, endorsers or jurors of a call."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.messages import (
    preview_call_message,
    recipients_of,
    registered_audiences,
    send_call_message,
)
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import CallMessage
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, make_call, submission_in
from tests.reviews.factories import assign, make_juror, make_panel

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


@pytest.fixture
def call():
    return make_call(title="Membership call 2027")


def _emails(people):
    return [person.email for person in people]


def _url(call):
    return reverse("calls:secretariat-call-message", kwargs={"pk": call.pk})


# Who receives it


def test_registered_audiences_include_the_jurors_of_the_reviews_app():
    assert [audience.code for audience in registered_audiences()] == [
        "applicants",
        "endorsers",
        "jurors",
    ]


def test_recipients_of_applicants_filtered_by_state_and_country(call):
    irish, french = Cast(call=call), Cast(call=call, country_code="FR")
    submission_in(irish, S.SUBMITTED)
    submission_in(french, S.ENDORSED)
    Cast().draft(complete=False)  # another call's applicant

    everyone = recipients_of(call, "applicants")
    endorsed = recipients_of(call, "applicants", {"state": S.ENDORSED})
    irish_only = recipients_of(call, "applicants", {"country": "ie"})

    assert _emails(everyone) == sorted([irish.coordinator.email, french.coordinator.email])
    assert _emails(endorsed) == [french.coordinator.email]
    assert _emails(irish_only) == [irish.coordinator.email]


def test_recipients_of_endorsers_are_those_of_the_applications_countries(call):
    irish = Cast(call=call)
    submission_in(irish, S.SUBMITTED)
    Cast(country_code="FR")  # a French endorser with no application in this call

    assert _emails(recipients_of(call, "endorsers")) == [irish.endorser.email]


def test_recipients_of_jurors_filtered_to_those_assigned(call):
    panel = make_panel(call)
    first, second = make_juror(panel), make_juror(panel)
    make_juror(make_panel(make_call(title="Other call")))
    in_review = submission_in(Cast(call=call), S.IN_REVIEW)
    assign(panel, in_review, first)

    assert _emails(recipients_of(call, "jurors")) == sorted([first.email, second.email])
    assert _emails(recipients_of(call, "jurors", {"state": S.IN_REVIEW})) == [first.email]


def test_recipients_of_an_unknown_audience_or_filter_is_refused(call):
    with pytest.raises(SubmissionError):
        recipients_of(call, "mayors")
    with pytest.raises(SubmissionError):
        recipients_of(call, "applicants", {"state": "lost"})


# Preview and sending (domain)


def test_preview_call_message_counts_and_renders_in_the_first_persons_language(call):
    cast = Cast(call=call)
    cast.coordinator.language = "fr"
    cast.coordinator.save(update_fields=["language"])
    submission_in(cast, S.SUBMITTED)

    preview = preview_call_message(
        call, audience="applicants", filters={}, subject="Rappel", body="Le délai approche."
    )

    assert (preview.count, preview.recipient, preview.language) == (1, cast.coordinator, "fr")
    assert preview.subject == "Rappel"
    assert "Le délai approche." in preview.body
    assert "Bonjour" in preview.body
    assert "Membership call 2027" in preview.body
    assert not OutboxMessage.objects.filter(template_code="calls.call.message").exists()


def test_send_call_message_queues_one_mail_per_person_in_their_language(staff, call):
    english, french = Cast(call=call), Cast(call=call, country_code="FR")
    french.coordinator.language = "fr"
    french.coordinator.save(update_fields=["language"])
    submission_in(english, S.SUBMITTED)
    submission_in(french, S.SUBMITTED)

    message, sent = send_call_message(
        call,
        actor=staff,
        audience="applicants",
        filters={},
        subject="The call closes soon",
        body="Two weeks left.",
        send_key="k1",
    )

    assert sent is True
    mails = {
        mail.recipients[0]: mail
        for mail in OutboxMessage.objects.filter(template_code="calls.call.message")
    }
    assert sorted(mails) == sorted([english.coordinator.email, french.coordinator.email])
    assert mails[french.coordinator.email].language == "fr"
    assert "Bonjour" in mails[french.coordinator.email].body
    assert mails[english.coordinator.email].language == "en"
    assert "Two weeks left." in mails[english.coordinator.email].body
    assert mails[english.coordinator.email].subject == "The call closes soon"
    assert message.recipient_count == 2
    entry = ActivityLogEntry.objects.get(action="calls.call.message")
    assert entry.object_id == str(call.pk)
    assert entry.changes["subject"] == [None, "The call closes soon"]
    assert entry.changes["recipient_count"] == [None, 2]
    assert entry.changes["audience"] == [None, "Applicants (city coordinators)"]


def test_send_call_message_twice_with_the_same_key_sends_once(staff, call):
    submission_in(Cast(call=call), S.SUBMITTED)
    arguments = {
        "actor": staff,
        "audience": "endorsers",
        "filters": {"country": "IE"},
        "subject": "Endorse soon",
        "body": "Please.",
        "send_key": "same-key",
    }

    first, first_sent = send_call_message(call, **arguments)
    again, again_sent = send_call_message(call, **arguments)

    assert (first_sent, again_sent) == (True, False)
    assert ActivityLogEntry.objects.get(action="calls.call.message").changes["filters"] == [
        None,
        "IE",
    ]
    assert again == first
    assert OutboxMessage.objects.filter(template_code="calls.call.message").count() == 1
    assert ActivityLogEntry.objects.filter(action="calls.call.message").count() == 1


def test_send_call_message_to_nobody_is_refused(staff, call):
    with pytest.raises(SubmissionError) as refused:
        send_call_message(
            call,
            actor=staff,
            audience="applicants",
            filters={},
            subject="Hello",
            body="Text.",
            send_key="k",
        )

    assert refused.value.code == "no_recipients"
    assert CallMessage.objects.count() == 0


# The page


def _post(client, call, **fields):
    data = {
        "audience": "applicants",
        "state": "",
        "region": "",
        "country": "",
        "subject": "The call closes soon",
        "body": "Two weeks left.",
        **fields,
    }
    return client.post(_url(call), data)


def test_call_message_page_shows_the_form_with_every_audience(client, staff, call):
    response = client.get(_url(call))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Applicants (city coordinators)" in page
    assert "Jurors (the call&#x27;s jury panel)" in page


def test_call_message_preview_shows_count_and_one_message_and_sends_nothing(client, staff, call):
    submission_in(Cast(call=call), S.SUBMITTED)
    submission_in(Cast(call=call, country_code="FR"), S.SUBMITTED)

    response = _post(client, call, step="preview")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["preview"].count == 2
    assert "Send to 2 people" in page
    assert "The call closes soon" in page
    assert "Two weeks left." in page
    assert OutboxMessage.objects.filter(template_code="calls.call.message").count() == 0


def test_call_message_send_from_the_preview_sends_once_even_clicked_twice(client, staff, call):
    submission_in(Cast(call=call), S.SUBMITTED)
    hidden = dict(_post(client, call, step="preview").context["hidden"])

    first = client.post(_url(call), {**hidden, "step": "send"}, follow=True)
    second = client.post(_url(call), {**hidden, "step": "send"}, follow=True)

    assert "is sent to 1 person." in first.content.decode()
    assert "was sent already; it was not sent again" in second.content.decode()
    assert OutboxMessage.objects.filter(template_code="calls.call.message").count() == 1
    assert CallMessage.objects.get().sent_by == staff


def test_call_message_send_after_the_recipients_changed_shows_the_preview_again(
    client, staff, call
):
    submission_in(Cast(call=call), S.SUBMITTED)
    hidden = dict(_post(client, call, step="preview").context["hidden"])
    submission_in(Cast(call=call, country_code="FR"), S.SUBMITTED)

    response = client.post(_url(call), {**hidden, "step": "send"})

    assert response.status_code == 200
    assert response.context["preview"].count == 2
    assert OutboxMessage.objects.filter(template_code="calls.call.message").count() == 0


def test_call_message_with_empty_or_too_long_text_gets_form_errors(client, staff, call):
    response = _post(client, call, step="preview", subject="  ", body="x" * 10_001)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "body"}
    assert "error-summary" in response.content.decode()


def test_call_message_with_a_bad_country_gets_a_form_error(client, staff, call):
    response = _post(client, call, step="preview", country="1x")

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["country"]


def test_call_message_to_nobody_says_so_and_offers_no_send_button(client, staff, call):
    response = _post(client, call, step="preview", audience="jurors")

    page = response.content.decode()
    assert response.context["preview"].count == 0
    assert "Nobody matches these filters" in page
    assert 'value="send"' not in page


@pytest.mark.parametrize("count", [1, 3])
def test_call_message_page_lists_sent_messages_in_constant_queries(
    client, staff, call, django_assert_num_queries, count
):
    submission_in(Cast(call=call), S.SUBMITTED)
    for index in range(count):
        send_call_message(
            call,
            actor=staff,
            audience="applicants",
            filters={"country": "IE"},
            subject=f"Message {index}",
            body="Text.",
            send_key=f"key-{index}",
        )
    client.get(_url(call))

    # session, user, the call, the messages with their senders
    with django_assert_num_queries(4):
        response = client.get(_url(call))

    assert [message.subject for message, _label in response.context["sent"]] == [
        f"Message {index}" for index in reversed(range(count))
    ]
    assert "Applicants (city coordinators), IE" in response.content.decode()


def test_send_call_message_records_the_filters_in_words(staff, call):
    submission_in(Cast(call=call), S.SUBMITTED)

    send_call_message(
        call,
        actor=staff,
        audience="applicants",
        filters={"state": S.SUBMITTED, "region": "europe_north_america", "country": "ie"},
        subject="Hello",
        body="Text.",
        send_key="words",
    )

    entry = ActivityLogEntry.objects.get(action="calls.call.message")
    assert entry.changes["filters"] == [None, "Submitted, Europe and North America, IE"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite cannot run two writers concurrently"
)
def test_send_call_message_clicked_twice_at_once_sends_once():
    call = make_call(title="Concurrent call")
    submission_in(Cast(call=call), S.SUBMITTED)
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def send():
        try:
            barrier.wait()
            _message, sent = send_call_message(
                call,
                actor=staff,
                audience="applicants",
                filters={},
                subject="Once",
                body="Only once.",
                send_key="double-click",
            )
            outcomes.append(sent)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [False, True]
    assert OutboxMessage.objects.filter(template_code="calls.call.message").count() == 1
