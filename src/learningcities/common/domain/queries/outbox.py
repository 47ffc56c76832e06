"""Reads of the outbox and the mail templates."""

from django.conf import settings
from django.db.models import QuerySet

from ...models import MessageTemplate, OutboxMessage
from ...rules import is_secretariat


def outbox_messages_for_user(
    user, *, status: str = "", template_code: str = "", recipient: str = ""
) -> QuerySet[OutboxMessage]:
    """Return the outbox messages ``user`` may see (the secretariat: all), newest first.

    Filters: ``status``, ``template_code`` and a part of a recipient's address.
    """
    if not is_secretariat(user):
        return OutboxMessage.objects.none()
    messages = OutboxMessage.objects.all()
    if status:
        messages = messages.filter(status=status)
    if template_code:
        messages = messages.filter(template_code=template_code)
    if recipient:
        # Recipients are a JSON list; its text form holds every address.
        messages = messages.filter(recipients__icontains=recipient.strip())
    return messages.order_by("-created_at", "-pk")


def outbox_message_for_user(user, message_id: int) -> OutboxMessage | None:
    """Return the message ``message_id`` if ``user`` may see it, else None (answer 404)."""
    return outbox_messages_for_user(user).filter(pk=message_id).first()


def template_codes_in_outbox() -> list[str]:
    return list(
        OutboxMessage.objects.exclude(template_code="")
        .order_by("template_code")
        .values_list("template_code", flat=True)
        .distinct()
    )


def mail_templates_for_user(user) -> list[dict]:
    """Return one entry per template code with its row per language (None when missing).

    ``[{"code", "description", "languages": [(code, name, template or None)]}]``
    """
    if not is_secretariat(user):
        return []
    by_code: dict[str, dict] = {}
    for template in MessageTemplate.objects.order_by("code", "language"):
        entry = by_code.setdefault(
            template.code, {"code": template.code, "description": "", "rows": {}}
        )
        entry["rows"][template.language] = template
        entry["description"] = entry["description"] or template.description
    return [
        {
            "code": entry["code"],
            "description": entry["description"],
            "languages": [
                (code, name, entry["rows"].get(code)) for code, name in settings.LANGUAGES
            ],
        }
        for entry in by_code.values()
    ]


def mail_template_for_user(user, code: str, language: str) -> tuple[MessageTemplate, bool] | None:
    """Return ``(template, exists)`` for editing: the row, or a new one pre-filled from English.

    None when ``user`` may not edit templates, the code is unknown or the language
    is not one of the site's.
    """
    if not is_secretariat(user) or language not in dict(settings.LANGUAGES):
        return None
    rows = {t.language: t for t in MessageTemplate.objects.filter(code=code)}
    if language in rows:
        return rows[language], True
    source = rows.get("en") or next(iter(rows.values()), None)
    if source is None:
        return None
    draft = MessageTemplate(
        code=code,
        language=language,
        subject=source.subject,
        body=source.body,
        html_body=source.html_body,
        description=source.description,
    )
    return draft, False


def outbox_for_user(user, **filters) -> QuerySet[OutboxMessage]:
    """Return the outbox messages ``user`` may see; the filters of ``outbox_messages_for_user``."""
    return outbox_messages_for_user(user, **filters)
