"""Reads of the outbox and the mail templates."""

from django.conf import settings
from django.db.models import QuerySet

from ...enums import TranslationState
from ...models import MessageTemplate, OutboxMessage
from ...models.outbox import ORIGINAL_LANGUAGE
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


def mail_template_state(
    language: str, row: MessageTemplate | None, original: MessageTemplate | None
) -> str:
    """Return the ``TranslationState`` of a template in ``language``.

    ``row`` is the template in that language (None: there is none), ``original``
    the English one. English is the original; a translation is *outdated* when
    the English text changed since it was made (its ``source_digest`` differs).
    """
    if language == ORIGINAL_LANGUAGE or original is None:
        return TranslationState.ORIGINAL if row is not None else TranslationState.MISSING
    if row is None:
        return TranslationState.MISSING
    if row.source_digest != original.text_digest():
        return TranslationState.OUTDATED
    return TranslationState.TRANSLATED


def _templates_by_code(code: str = "") -> dict[str, dict[str, MessageTemplate]]:
    """Return ``{code: {language: template}}``, codes in order (one query)."""
    templates = MessageTemplate.objects.order_by("code", "language")
    if code:
        templates = templates.filter(code=code)
    by_code: dict[str, dict[str, MessageTemplate]] = {}
    for template in templates:
        by_code.setdefault(template.code, {})[template.language] = template
    return by_code


def _description(rows: dict[str, MessageTemplate]) -> str:
    original = rows.get(ORIGINAL_LANGUAGE)
    if original is not None and original.description:
        return original.description
    return next((row.description for row in rows.values() if row.description), "")


def _states(rows: dict[str, MessageTemplate]) -> list[tuple[str, str]]:
    original = rows.get(ORIGINAL_LANGUAGE)
    return [
        (language, mail_template_state(language, rows.get(language), original))
        for language, _name in settings.LANGUAGES
    ]


def mail_template_coverage() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Return the translation state of every mail template in every language.

    One entry per template code, in code order: ``(code, description,
    [(language, state), ...])``, the languages in ``settings.LANGUAGES`` order,
    each state a ``TranslationState`` value (English: *original*). One query,
    whatever the number of templates.
    """
    return [
        (code, _description(rows), _states(rows)) for code, rows in _templates_by_code().items()
    ]


def mail_template_states(code: str) -> list[tuple[str, str, str]]:
    """Return ``(language, name, state)`` of template ``code`` in every language."""
    names = dict(settings.LANGUAGES)
    rows = _templates_by_code(code).get(code, {})
    return [(language, names[language], state) for language, state in _states(rows)]


def mail_templates_for_user(user) -> list[dict]:
    """Return one entry per template code with its row and state per language.

    ``[{"code", "description", "languages": [(code, name, template or None, state)]}]``,
    the state a ``TranslationState`` (see ``mail_template_state``).
    """
    if not is_secretariat(user):
        return []
    names = dict(settings.LANGUAGES)
    return [
        {
            "code": code,
            "description": _description(rows),
            "languages": [
                (language, names[language], rows.get(language), state)
                for language, state in _states(rows)
            ],
        }
        for code, rows in _templates_by_code().items()
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
