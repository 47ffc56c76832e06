"""The outbox pages and the document view: who may see what."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learningcities.common.domain.documents import store_document
from learningcities.common.domain.outbox import queue_message
from learningcities.common.enums import OutboxStatus
from learningcities.common.models import ActivityLogEntry

from . import files

pytestmark = pytest.mark.django_db


def queue(recipient="ana@example.org", code="common.notification", sensitive=False):
    with transaction.atomic():
        return queue_message(
            code,
            recipients=[recipient],
            context={"subject": f"Note for {recipient}", "name": "Ana", "text": "Hello."},
            sensitive=sensitive,
        )


# Outbox ----------------------------------------------------------------------


def test_outbox_lists_held_messages_for_the_secretariat(client, secretary):
    queue("ana@example.org")
    queue("ben@example.org")
    client.force_login(secretary)

    response = client.get(reverse("common:outbox"), {"recipient": "ben@"})

    subjects = [m.subject for m in response.context["page"].object_list]
    assert response.status_code == 200
    assert subjects == ["Note for ben@example.org"]
    assert "Held (sending not configured)" in response.content.decode()


def test_outbox_filters_by_status(client, secretary, settings):
    queue("ana@example.org")
    client.force_login(secretary)

    held = client.get(reverse("common:outbox"), {"status": "held"})
    sent = client.get(reverse("common:outbox"), {"status": "sent"})

    assert len(held.context["page"].object_list) == 1
    assert len(sent.context["page"].object_list) == 0


def _outbox_queries(client, count: int) -> int:
    for n in range(count):
        queue(f"person{n}@example.org")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("common:outbox"))
    assert len(response.context["page"].object_list) == count
    return len(queries)


def test_outbox_list_query_count_does_not_grow(client, secretary, django_assert_num_queries):
    client.force_login(secretary)
    with_one = _outbox_queries(client, 1)

    with django_assert_num_queries(with_one):
        response = client.get(reverse("common:outbox"))
    queue("x@example.org")
    queue("y@example.org")
    with django_assert_num_queries(with_one):
        response = client.get(reverse("common:outbox"))

    assert len(response.context["page"].object_list) == 3


def test_outbox_message_detail_shows_the_error(client, secretary):
    message = queue()
    message.last_error = "SMTPDataError: (550, b'refused')"
    message.status = OutboxStatus.FAILED
    message.save()
    client.force_login(secretary)

    response = client.get(reverse("common:outbox-message", args=[message.pk]))

    assert response.status_code == 200
    assert "550" in response.content.decode()


def test_outbox_retry_button_sends_the_message(
    client, secretary, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    smtp_server.refuse = False
    client.force_login(secretary)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("common:outbox-retry", args=[message.pk]))

    message.refresh_from_db()
    assert response.status_code == 302
    assert message.status == OutboxStatus.SENT
    assert len(smtp_server.received) == 1
    assert ActivityLogEntry.objects.filter(action="common.outbox.retry").count() == 1


def test_outbox_retry_needs_csrf(secretary):
    from django.test import Client

    message = queue()
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)

    response = client.post(reverse("common:outbox-retry", args=[message.pk]))

    assert response.status_code == 403
    assert ActivityLogEntry.objects.filter(action="common.outbox.retry").count() == 0


@pytest.mark.parametrize("name", ["outbox", "outbox-message", "outbox-retry"])
def test_outbox_refused_to_a_coordinator(client, coordinator, name):
    message = queue()
    client.force_login(coordinator)
    args = [] if name == "outbox" else [message.pk]

    response = (
        client.post(reverse(f"common:{name}", args=args))
        if name.endswith("retry")
        else client.get(reverse(f"common:{name}", args=args))
    )

    assert response.status_code == 403
    assert b"ana@example.org" not in response.content
    message.refresh_from_db()
    assert message.status == OutboxStatus.HELD


def test_outbox_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("common:outbox"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_outbox_open_to_an_operator(client, operator):
    queue()
    client.force_login(operator)

    response = client.get(reverse("common:outbox"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


# Documents ----------------------------------------------------------------------


@pytest.fixture
def letter(private_root, coordinator, city_org):
    return store_document(
        SimpleUploadedFile("Lettre d\u2019engagement.pdf", files.PDF),
        owner=city_org,
        uploaded_by=coordinator,
        kind="commitment_letter",
    )


def fetch(client, document, **params):
    return client.get(reverse("common:document", args=[document.pk]), params)


@pytest.mark.parametrize("who", ["coordinator", "colleague", "secretary", "operator"])
def test_document_served_to_those_allowed(client, letter, request, who):
    client.force_login(request.getfixturevalue(who))

    response = fetch(client, letter)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''Lettre%20d%E2%80%99engagement.pdf" in response["Content-Disposition"]


def test_document_download_asks_to_save(client, letter, coordinator):
    client.force_login(coordinator)

    response = fetch(client, letter, download="1")

    assert response["Content-Disposition"].startswith("attachment")


def test_document_hidden_from_another_city(client, letter, stranger):
    client.force_login(stranger)

    response = fetch(client, letter)
    missing = client.get(reverse("common:document", args=[uuid.uuid4()]))

    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert missing.status_code == 404


def test_document_hidden_from_anonymous_visitors(client, letter):
    response = fetch(client, letter)

    assert response.status_code == 404
    assert "Location" not in response


def test_document_viewers_can_be_extended(client, letter, stranger):
    import rules

    from learningcities.common.rules import document_viewers, register_document_viewer

    @rules.predicate
    def is_stranger(user, document):
        return user.email == "stranger@example.org"

    register_document_viewer(is_stranger)
    try:
        client.force_login(stranger)
        response = fetch(client, letter)
    finally:
        document_viewers.remove(is_stranger)

    assert response.status_code == 200


def test_outbox_detail_hides_the_text_of_a_sensitive_message(client, secretary):
    message = queue(sensitive=True)
    client.force_login(secretary)

    response = client.get(reverse("common:outbox-message", args=[message.pk]))

    html = response.content.decode()
    assert "carries a personal link" in html
    assert "Dear Ana," not in html
    assert f"learningcities show-mail {message.pk}" in html


def test_outbox_counts_held_messages_when_sending_is_not_configured(client, secretary, settings):
    settings.LC_MAIL_ENABLED = False
    queue("ana@example.org")
    queue("ben@example.org")
    client.force_login(secretary)

    response = client.get(reverse("common:outbox"))

    assert response.context["held_count"] == 2
    assert "2 held (sending not configured)" in response.content.decode()


def test_outbox_says_nothing_of_held_messages_when_sending_is_configured(
    client, secretary, settings
):
    settings.LC_MAIL_ENABLED = True
    client.force_login(secretary)

    response = client.get(reverse("common:outbox"))

    assert response.context["held_count"] is None
    assert "held (sending not configured)" not in response.content.decode()
