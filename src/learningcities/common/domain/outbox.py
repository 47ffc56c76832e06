"""The outbox: every notification is stored, then sent, retried on failure, never lost.

Without ``LC_EMAIL_URL`` (the embedded default) a message is stored as *held*:
nothing leaves the machine and the secretariat reads it in the workspace. With
it, a message is *queued* and a task sends it once the caller's transaction
commits; a failed attempt is retried with exponential back-off by
``send_due_messages`` (``learningcities send-mail`` from cron or a timer) until
``LC_MAIL_MAX_ATTEMPTS``, after which it stays *failed* for a person to retry.
The messages held before ``LC_EMAIL_URL`` was set leave with the next
``send_due_messages`` after it is.
"""

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..enums import OutboxStatus
from ..errors import RuleError
from ..models import MessageTemplate, OutboxMessage
from ..models.outbox import ORIGINAL_LANGUAGE, text_digest
from .activity import field_changes, record_activity

logger = logging.getLogger(__name__)

# A claimed message not finished within this time was abandoned by a crashed
# worker and becomes due again.
SENDING_LEASE = dt.timedelta(minutes=10)
FIRST_RETRY_DELAY = dt.timedelta(minutes=1)
LONGEST_RETRY_DELAY = dt.timedelta(hours=12)
FALLBACK_LANGUAGE = "en"
# The MAILERS alias that really delivers (settings.py); "default" is the outbox itself.
TRANSPORT_MAILER = "transport"
TEMPLATE_FILE = re.compile(
    r"^(?P<code>[a-z0-9_.-]+)\.(?P<language>[a-z]{2}(?:-[a-z]+)?)\.(?P<ext>txt|html)$"
)
# A name in a {{ variable }} or {% tag %}, not an attribute (x.link) nor inside quotes.
TEMPLATE_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


class OutboxError(RuleError):
    """A message or template cannot be queued, sent or saved; the message says why."""


# Templates the secretariat edits must not reach the file system or load tag
# libraries: an engine with no loaders and only the built-in tags (and i18n).
def _engine(*, autoescape: bool, string_if_invalid: str = "") -> Engine:
    return Engine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        autoescape=autoescape,
        string_if_invalid=string_if_invalid,
        builtins=["django.templatetags.i18n"],
        libraries={},
    )


TEXT_ENGINE = _engine(autoescape=False)
HTML_ENGINE = _engine(autoescape=True)
PREVIEW_TEXT_ENGINE = _engine(autoescape=False, string_if_invalid="[%s]")
PREVIEW_HTML_ENGINE = _engine(autoescape=True, string_if_invalid="[%s]")


def check_template_syntax(source: str, *, html: bool = False) -> None:
    """Raise OutboxError naming the problem if ``source`` is not a valid template.

    Renders it once with no context too: ``{% include %}`` and ``{% extends %}``
    are only refused when rendered (the engine has no template files).
    """
    try:
        (HTML_ENGINE if html else TEXT_ENGINE).from_string(source).render(Context({}))
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise OutboxError(_("Template error: %(error)s") % {"error": exc}) from exc


def personal_link_variables(code: str) -> frozenset[str]:
    """Return the names of the variables of template ``code`` that hold a personal link.

    The app that sends the mail declares them, as ``personal_link_variables`` on
    its AppConfig: ``{"accounts.invitation": {"link"}}``.
    """
    for app_config in apps.get_app_configs():
        names = getattr(app_config, "personal_link_variables", {}).get(code)
        if names:
            return frozenset(names)
    return frozenset()


def _names_used(source: str) -> set[str]:
    """Return the names that the variables and tags of the template ``source`` mention."""
    names = set()
    for token in Lexer(source).tokenize():
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            names.update(TEMPLATE_NAME.findall(QUOTED.sub("", token.contents)))
    return names


def check_subject(code: str, subject: str) -> None:
    """Raise OutboxError naming the personal-link variables the subject of ``code`` uses.

    The outbox shows subjects to the secretariat; ``render_template`` leaves
    those variables out of a subject anyway, so this only says why they would
    come out empty.
    """
    used = sorted(_names_used(subject) & personal_link_variables(code))
    if used:
        raise OutboxError(
            _(
                "The subject cannot use %(variables)s: it holds a personal link, and "
                "subjects are shown in the outbox. Keep the link in the text."
            )
            % {"variables": ", ".join(f"{{{{ {name} }}}}" for name in used)}
        )


def render_template(
    template: MessageTemplate, context: dict, *, preview: bool = False
) -> tuple[str, str, str]:
    """Return ``(subject, body, html_body)`` of ``template`` rendered with ``context``.

    Renders in the template's language (dates, ``{% translate %}``). A preview shows
    unknown variables as ``[name]`` instead of nothing. The subject is rendered
    without the variables that hold a personal link (``personal_link_variables``):
    the outbox and the activity log show subjects, only the recipient the text.
    """
    text_engine = PREVIEW_TEXT_ENGINE if preview else TEXT_ENGINE
    html_engine = PREVIEW_HTML_ENGINE if preview else HTML_ENGINE
    links = personal_link_variables(template.code)
    subject_context = {name: value for name, value in context.items() if name not in links}
    try:
        with translation.override(template.language):
            subject = text_engine.from_string(template.subject).render(Context(subject_context))
            body = text_engine.from_string(template.body).render(Context(context))
            html_body = (
                html_engine.from_string(template.html_body).render(Context(context))
                if template.html_body.strip()
                else ""
            )
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise OutboxError(_("Template error: %(error)s") % {"error": exc}) from exc
    # A subject is one line, whatever the template's line breaks.
    return " ".join(subject.split())[:300], body.strip() + "\n", html_body


def template_for(code: str, language: str | None) -> MessageTemplate:
    """Return the template ``code`` in ``language``, else in English; raise OutboxError."""
    wanted = [language or settings.LANGUAGE_CODE, FALLBACK_LANGUAGE]
    found = {t.language: t for t in MessageTemplate.objects.filter(code=code, language__in=wanted)}
    for lang in wanted:
        if lang in found:
            return found[lang]
    raise OutboxError(_("No mail template %(code)s exists.") % {"code": code})


def _clean_recipients(recipients: Iterable[str]) -> list[str]:
    cleaned = [r.strip() for r in recipients if r and r.strip()]
    if not cleaned:
        raise OutboxError(_("A message needs at least one recipient."))
    return cleaned


SCRUBBED_BODY = "[removed after delivery: the message carried a personal link]"


def queue_email(
    *,
    recipients: Iterable[str],
    subject: str,
    body: str,
    html_body: str = "",
    template_code: str = "",
    language: str = "",
    related_object: models.Model | None = None,
    sensitive: bool = False,
) -> OutboxMessage:
    """Store one message in the outbox and send it after the current transaction commits.

    The message is *held* when no mail transport is configured (nothing is sent),
    else *queued*, and the ``send_outbox_message`` task is enqueued on commit. A
    rolled-back transaction leaves neither the message nor a sending behind.
    """
    enabled = settings.LC_MAIL_ENABLED
    message = OutboxMessage(
        recipients=_clean_recipients(recipients),
        subject=" ".join(subject.split())[:300],
        body=body,
        html_body=html_body,
        template_code=template_code,
        language=language,
        is_sensitive=sensitive,
        status=OutboxStatus.QUEUED if enabled else OutboxStatus.HELD,
        next_attempt_at=timezone.now() if enabled else None,
    )
    if related_object is not None:
        message.content_type = ContentType.objects.get_for_model(
            related_object, for_concrete_model=False
        )
        message.object_id = str(related_object.pk)
        message.object_repr = str(related_object)[:300]
    with transaction.atomic():
        message.save()
        if enabled:
            transaction.on_commit(partial(_enqueue_sending, message.pk), robust=True)
    return message


def queue_message(
    template_code: str,
    *,
    recipients: Iterable[str],
    context: dict,
    related_object: models.Model | None = None,
    language: str | None = None,
    sensitive: bool = False,
) -> OutboxMessage:
    """Render the template ``template_code`` and store the message (see ``queue_email``).

    Renders in ``language`` (default: the site's language), falling back to the
    English template; runs inside the caller's transaction, so the message exists
    only if the caller's change does, and is sent only after it commits. A
    template with personal-link variables always makes a sensitive message.
    """
    template = template_for(template_code, language)
    subject, body, html_body = render_template(template, context)
    return queue_email(
        recipients=recipients,
        subject=subject,
        body=body,
        html_body=html_body,
        template_code=template_code,
        language=template.language,
        related_object=related_object,
        sensitive=sensitive or bool(personal_link_variables(template_code)),
    )


def by_language(recipients: Iterable[tuple[str, str]], default: str) -> dict[str, list[str]]:
    """Group the ``(address, language)`` pairs of ``recipients`` by language.

    A recipient without a language (a blank one) counts in ``default``. Returns
    ``{language: [address, ...]}``, the languages and the addresses sorted,
    each address once per language.
    """
    groups: dict[str, set[str]] = {}
    for address, language in recipients:
        groups.setdefault(language or default, set()).add(address)
    return {language: sorted(groups[language]) for language in sorted(groups)}


def queue_message_by_language(
    template_code: str,
    *,
    recipients: Iterable[tuple[str, str]],
    context: Callable[[], dict],
    language: str,
    related_object: models.Model | None = None,
) -> list[OutboxMessage]:
    """Queue one message per language of ``recipients``, each in its recipients' language.

    ``recipients`` are ``(address, language)`` pairs (``language`` for those
    with none, see ``by_language``); ``context()`` is called once per language,
    with that language active, so the labels and dates it makes are in it.
    Returns the messages (see ``queue_message``), none without recipients.
    """
    messages = []
    for group_language, addresses in by_language(recipients, language).items():
        with translation.override(group_language):
            variables = context()
        messages.append(
            queue_message(
                template_code,
                recipients=addresses,
                context=variables,
                related_object=related_object,
                language=group_language,
            )
        )
    return messages


def _enqueue_sending(message_id: int) -> None:
    from ..tasks import send_outbox_message

    send_outbox_message.enqueue(message_id)


def retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait after the ``attempts``-th failed attempt (doubling, capped)."""
    return min(FIRST_RETRY_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY_DELAY)


def _due(now: dt.datetime) -> Q:
    return Q(
        status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.SENDING],
        next_attempt_at__lte=now,
    )


def _email_of(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.recipients,
        headers={"X-LC-Outbox-Id": str(message.pk)},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def _mark_failed(message: OutboxMessage, exc: Exception) -> None:
    """Record a failed attempt (unsaved): retried later, unless it was the last attempt."""
    message.status = OutboxStatus.FAILED
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.next_attempt_at = (
        timezone.now() + retry_delay(message.attempts)
        if message.attempts < settings.LC_MAIL_MAX_ATTEMPTS
        else None
    )
    logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc)


def _mark_sent(message: OutboxMessage) -> None:
    """Record the delivery (unsaved); a sensitive message's text is wiped."""
    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    if message.is_sensitive:
        # Delivered: the link inside is the recipient's alone now.
        message.body = SCRUBBED_BODY
        message.html_body = ""


def send_message(message: OutboxMessage, *, now: dt.datetime | None = None) -> OutboxMessage:
    """Make one attempt to send ``message`` through the configured transport.

    Claims the message first (status *sending*, so two workers never send it
    twice); on success it becomes *sent* with ``sent_at``; on failure it becomes
    *failed* with ``last_error``, ``attempts`` + 1 and a later ``next_attempt_at``,
    or none once ``LC_MAIL_MAX_ATTEMPTS`` is reached. A message that is not due
    (held, sent, claimed by another worker, waiting for its next attempt) is
    returned unchanged. Messages are never deleted.
    """
    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(_due(now), pk=message.pk).update(
        status=OutboxStatus.SENDING, next_attempt_at=now + SENDING_LEASE
    )
    message.refresh_from_db()
    if not claimed:
        return message
    email = _email_of(message)
    message.attempts += 1
    try:
        email.send(using=TRANSPORT_MAILER)
    except Exception as exc:  # any failure of the transport: keep the message, retry later
        _mark_failed(message, exc)
    else:
        _mark_sent(message)
    message.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "body",
            "html_body",
        ]
    )
    return message


def release_held_messages(now: dt.datetime | None = None) -> int:
    """Queue the messages held while no mail transport was configured; return how many.

    Effects, once ``LC_EMAIL_URL`` is set (nothing before): every *held* message
    becomes *queued*, due at ``now``, with its attempts unchanged (none). A
    message is held for no other reason, so none stays held.
    """
    if not settings.LC_MAIL_ENABLED:
        return 0
    return OutboxMessage.objects.filter(status=OutboxStatus.HELD).update(
        status=OutboxStatus.QUEUED, next_attempt_at=now or timezone.now()
    )


def send_due_messages(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every message whose (next) attempt is due; return counts by resulting status.

    The messages held before sending was configured are released first
    (``release_held_messages``), so they go out with the rest.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    if not settings.LC_MAIL_ENABLED:
        return counts
    release_held_messages(now)
    due = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    for message in due.iterator():
        sent = send_message(message, now=now)
        counts[sent.status] = counts.get(sent.status, 0) + 1
    return counts


def retry_message(message: OutboxMessage, *, actor) -> OutboxMessage:
    """Queue a held or failed message again, with a fresh attempt budget, and send it.

    Records ``common.outbox.retry``; the sending happens after commit. Raises
    OutboxError when the message was sent already, is being sent, or when no
    mail transport is configured.
    """
    if not settings.LC_MAIL_ENABLED:
        raise OutboxError(
            _("Sending mail is not configured (LC_EMAIL_URL); the message stays held.")
        )
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status == OutboxStatus.SENT:
            raise OutboxError(_("This message was sent already."))
        if message.status == OutboxStatus.SENDING and message.next_attempt_at > timezone.now():
            raise OutboxError(_("This message is being sent right now."))
        before = {"status": message.status, "attempts": message.attempts}
        message.status = OutboxStatus.QUEUED
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        record_activity(
            "common.outbox.retry",
            actor=actor,
            subject=message,
            changes=field_changes(message, ["status", "attempts"], before),
        )
        transaction.on_commit(partial(_enqueue_sending, message.pk), robust=True)
    return message


# Mail templates ---------------------------------------------------------------


def template_files() -> dict[tuple[str, str], dict[str, str]]:
    """Return the shipped templates: ``{(code, language): {"subject", "body", "html_body"...}}``.

    Each installed app may ship ``mail_templates/<code>.<language>.txt`` (first
    line the subject, an optional ``# description`` line before it, then the
    body) and optionally ``<code>.<language>.html`` (the HTML body).
    """
    found: dict[tuple[str, str], dict[str, str]] = {}
    for app_config in apps.get_app_configs():
        folder = Path(app_config.path) / "mail_templates"
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if match := TEMPLATE_FILE.match(path.name):
                entry = found.setdefault((match["code"], match["language"]), {})
                _read_template_file(path, entry, html=match["ext"] == "html")
    return {key: value for key, value in found.items() if "subject" in value}


def _read_template_file(path: Path, entry: dict[str, str], *, html: bool) -> None:
    """Put the HTML body, or the description, subject and body, of a template file in ``entry``."""
    text = path.read_text(encoding="utf-8")
    if html:
        entry["html_body"] = text
        return
    lines = text.splitlines()
    if lines and lines[0].startswith("#"):
        entry["description"] = lines.pop(0).lstrip("# ").strip()
    entry["subject"] = lines[0].strip() if lines else ""
    entry["body"] = "\n".join(lines[1:]).strip("\n") + "\n"


def sample_context(code: str) -> dict:
    """Return the example context shipped as ``mail_templates/<code>.sample.json`` (or {})."""
    for app_config in apps.get_app_configs():
        path = Path(app_config.path) / "mail_templates" / f"{code}.sample.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return {}


def sync_mail_templates() -> int:
    """Create or update the shipped templates; return how many rows changed.

    A template the secretariat edited (``is_customised``) is never overwritten.
    A shipped translation records the digest of the shipped English file
    (``source_digest``): it is current until the English template changes.
    """
    changed = 0
    existing = {(t.code, t.language): t for t in MessageTemplate.objects.all()}
    shipped_files = template_files()
    with transaction.atomic():
        for (code, language), shipped in shipped_files.items():
            values = _shipped_values(shipped)
            english = shipped_files.get((code, ORIGINAL_LANGUAGE))
            if language != ORIGINAL_LANGUAGE and english is not None:
                values["source_digest"] = text_digest(**_text_of(english))
            changed += _sync_template(existing.get((code, language)), code, language, values)
    return changed


def _text_of(shipped: dict[str, str]) -> dict[str, str]:
    return {
        "subject": shipped["subject"],
        "body": shipped["body"],
        "html_body": shipped.get("html_body", ""),
    }


def _shipped_values(shipped: dict[str, str]) -> dict[str, str]:
    return {**_text_of(shipped), "description": shipped.get("description", ""), "source_digest": ""}


def _sync_template(template: MessageTemplate | None, code: str, language: str, values) -> bool:
    """Create the shipped template, or update one not customised; return whether it changed."""
    if template is None:
        MessageTemplate.objects.create(code=code, language=language, **values)
        return True
    if template.is_customised or all(
        getattr(template, field) == value for field, value in values.items()
    ):
        return False
    for field, value in values.items():
        setattr(template, field, value)
    template.save(update_fields=[*values, "updated_at"])
    return True


def save_mail_template(
    code: str, language: str, *, actor, subject: str, body: str, html_body: str = ""
) -> MessageTemplate:
    """Create or change the template ``code`` in ``language``, as edited by ``actor``.

    Checks the syntax of each part and that the subject holds no personal link
    first (OutboxError naming the error), marks the template as customised (a
    re-sync keeps it) and records ``common.mail_template.update`` (or ``.create``
    for a new translation). A translation records the digest of the English
    template as it is now (``source_digest``): saving it makes it current.
    """
    if language not in dict(settings.LANGUAGES):
        raise OutboxError(_("Unknown language: %(language)s") % {"language": language})
    check_template_syntax(subject)
    check_subject(code, subject)
    check_template_syntax(body)
    check_template_syntax(html_body, html=True)
    fields = ["subject", "body", "html_body", "is_customised"]
    with transaction.atomic():
        locked = MessageTemplate.objects.select_for_update().filter(code=code)
        rows = {template.language: template for template in locked}
        original = rows.get(ORIGINAL_LANGUAGE) or next(iter(rows.values()), None)
        if original is None:
            raise OutboxError(_("No mail template %(code)s exists.") % {"code": code})
        template = rows.get(language)
        created = template is None
        if created:
            template = MessageTemplate(
                code=code, language=language, description=original.description
            )
        before = {field: getattr(template, field) for field in fields} if not created else {}
        template.subject = " ".join(subject.split())
        template.body = body.replace("\r\n", "\n")
        template.html_body = html_body.replace("\r\n", "\n")
        template.is_customised = True
        template.source_digest = "" if language == ORIGINAL_LANGUAGE else original.text_digest()
        template.save()
        record_activity(
            "common.mail_template.create" if created else "common.mail_template.update",
            actor=actor,
            subject=template,
            changes=field_changes(template, fields, before),
        )
    return template
