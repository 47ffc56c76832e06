"""Mail templates: per language with an English fallback, edited by the secretariat."""

import pytest
from django.db import transaction
from django.urls import reverse

from learningcities.common.domain.outbox import queue_message, sync_mail_templates
from learningcities.common.models import ActivityLogEntry, MessageTemplate

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "Call open", "name": "Ana", "text": "The call opens today."}


def queue_in(language):
    with transaction.atomic():
        return queue_message(
            "common.notification",
            recipients=["ana@example.org"],
            context=CONTEXT,
            language=language,
        )


def test_sync_mail_templates_loads_shipped_files_on_migrate():
    template = MessageTemplate.objects.get(code="common.notification", language="fr")

    assert template.subject == "{{ subject }}"
    assert "Bonjour {{ name }}" in template.body
    assert template.description.startswith("Un avis simple")
    assert sync_mail_templates() == 0  # already in step


def test_queue_message_uses_the_template_of_its_language():
    message = queue_in("fr")

    assert message.language == "fr"
    assert message.body.startswith("Bonjour Ana,")


def test_queue_message_falls_back_to_english():
    MessageTemplate.objects.filter(code="common.notification", language="es").delete()

    message = queue_in("es")

    assert message.language == "en"
    assert message.body.startswith("Dear Ana,")


def test_sync_mail_templates_keeps_a_customised_template(client, secretary):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["common.notification", "en"])

    response = client.post(url, {"subject": "[GNLC] {{ subject }}", "body": "Hello {{ name }}."})

    template = MessageTemplate.objects.get(code="common.notification", language="en")
    assert response.status_code == 302
    assert template.is_customised
    assert template.body == "Hello {{ name }}."
    entry = ActivityLogEntry.objects.get(action="common.mail_template.update")
    assert entry.actor == secretary
    assert entry.changes["subject"] == ["{{ subject }}", "[GNLC] {{ subject }}"]
    assert sync_mail_templates() == 0
    template.refresh_from_db()
    assert template.body == "Hello {{ name }}."
    assert queue_in("en").subject == "[GNLC] Call open"


def test_mail_template_edit_shows_a_syntax_error_as_a_form_error(client, secretary):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["common.notification", "en"])

    response = client.post(url, {"subject": "Hi", "body": "{% if name %}Dear {{ name }}"})

    assert response.status_code == 200
    assert "Template error" in response.context["form"].errors["body"][0]
    assert "Unclosed tag" in response.content.decode()
    assert not MessageTemplate.objects.get(code="common.notification", language="en").is_customised


def test_mail_template_edit_refuses_file_system_tags(client, secretary):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["common.notification", "en"])

    response = client.post(url, {"subject": "Hi", "body": '{% include "base.html" %}'})

    assert response.status_code == 200
    assert response.context["form"].errors["body"]


def test_mail_template_preview_renders_the_sample_without_saving(client, secretary):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["common.notification", "en"])

    response = client.post(
        url, {"subject": "{{ subject }}", "body": "Dear {{ name }}, {{ unknown }}", "preview": "1"}
    )

    assert response.status_code == 200
    assert response.context["preview"]["body"] == "Dear Ana Pereira, [unknown]\n"
    assert not MessageTemplate.objects.get(code="common.notification", language="en").is_customised


def test_mail_template_edit_creates_a_missing_translation(client, secretary):
    MessageTemplate.objects.filter(code="common.notification", language="fr").delete()
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["common.notification", "fr"])
    page = client.get(url)

    response = client.post(url, {"subject": "Avis : {{ subject }}", "body": "Bonjour."})

    assert page.context["form"].initial["body"].startswith("{% if name %}Dear")
    assert response.status_code == 302
    assert queue_in("fr").subject == "Avis : Call open"
    assert ActivityLogEntry.objects.filter(action="common.mail_template.create").count() == 1


def test_mail_templates_list_for_secretariat(client, secretary):
    client.force_login(secretary)

    response = client.get(reverse("common:mail-templates"))

    codes = [entry["code"] for entry in response.context["templates"]]
    assert response.status_code == 200
    assert "common.notification" in codes
    assert codes == sorted(codes)


def test_mail_templates_refused_to_a_coordinator(client, coordinator):
    client.force_login(coordinator)
    url = reverse("common:mail-template", args=["common.notification", "en"])

    listing = client.get(reverse("common:mail-templates"))
    edit = client.post(url, {"subject": "x", "body": "y"})

    assert (listing.status_code, edit.status_code) == (403, 403)
    assert not MessageTemplate.objects.get(code="common.notification", language="en").is_customised


@pytest.mark.parametrize("button", ["save", "preview"])
def test_mail_template_edit_refuses_a_personal_link_in_the_subject(client, secretary, button):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["accounts.invitation", "en"])
    before = MessageTemplate.objects.get(code="accounts.invitation", language="en").subject

    response = client.post(
        url,
        {"subject": "Join {{ organisation }}: {{ link|upper }}", "body": "{{ link }}", button: "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [
        "The subject cannot use {{ link }}: it holds a personal link, and subjects are "
        "shown in the outbox. Keep the link in the text."
    ]
    assert response.context["preview"] is None
    template = MessageTemplate.objects.get(code="accounts.invitation", language="en")
    assert (template.subject, template.is_customised) == (before, False)


def test_mail_template_edit_keeps_a_personal_link_in_the_text(client, secretary):
    client.force_login(secretary)
    url = reverse("common:mail-template", args=["accounts.invitation", "en"])

    response = client.post(
        url, {"subject": "Join {{ organisation }}", "body": "Open {{ link }} to accept."}
    )

    assert response.status_code == 302
    template = MessageTemplate.objects.get(code="accounts.invitation", language="en")
    assert template.body == "Open {{ link }} to accept."
