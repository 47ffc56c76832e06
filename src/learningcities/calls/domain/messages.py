"""Messages from the secretariat to the people of a call: applicants, endorsers, jurors.

Who an audience is comes from a registry: ``applicants`` (the coordinators of
the cities that answered the call) and ``endorsers`` (the people of the
National Commissions of their countries) are the call's own; a higher app adds
its people with ``register_audience`` from its ``AppConfig.ready()`` (the
reviews app adds the ``jurors`` of the call's panel), so calls never imports it.

Every audience is narrowed by the same filters of the call's submissions:
their state, region and country.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message, render_template, template_for
from learningcities.network.enums import Region

from ..enums import SubmissionState
from ..models import Call, CallMessage, Submission
from .errors import SubmissionError

MESSAGE_TEMPLATE = "calls.call.message"
SUBJECT_MAX = 200
BODY_MAX = 10_000
FILTER_NAMES = ("state", "region", "country")

# people(call, submissions, filtered) -> the active users of the audience;
# ``submissions`` are the call's submissions the filters leave, ``filtered``
# whether any filter was given (an audience tied to the call itself, such as
# its jurors, is then narrowed to the people of those submissions).
PeopleQuery = Callable[[Call, QuerySet, bool], QuerySet]


@dataclass(frozen=True)
class Audience:
    """A group of people of a call the secretariat may write to."""

    code: str
    label: str
    people: PeopleQuery


_AUDIENCES: dict[str, Audience] = {}


def register_audience(code: str, label, people: PeopleQuery) -> Audience:
    """Add (or replace) the audience ``code``; return it. Call from ``AppConfig.ready()``."""
    audience = Audience(code=code, label=label, people=people)
    _AUDIENCES[code] = audience
    return audience


def registered_audiences() -> list[Audience]:
    """Return the audiences in the order they were registered."""
    return list(_AUDIENCES.values())


def _active_people() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def applicants(call: Call, submissions: QuerySet, filtered: bool) -> QuerySet:
    """The coordinators of the cities of ``submissions``."""
    return _active_people().filter(
        affiliations__role=Role.COORDINATOR,
        affiliations__organisation__in=submissions.values("organisation_id"),
    )


def endorsers(call: Call, submissions: QuerySet, filtered: bool) -> QuerySet:
    """The endorsers of the National Commissions of the countries of ``submissions``."""
    return _active_people().filter(
        affiliations__role=Role.ENDORSER,
        affiliations__organisation__kind=OrganisationKind.NATIONAL_COMMISSION,
        affiliations__organisation__is_active=True,
        affiliations__organisation__country__in=submissions.values("country_id"),
    )


register_audience("applicants", gettext_lazy("Applicants (city coordinators)"), applicants)
register_audience("endorsers", gettext_lazy("Endorsers (National Commissions)"), endorsers)


def _known_state(value: str) -> bool:
    return value in SubmissionState.values


def _known_region(value: str) -> bool:
    return value in Region.values


def _country_code(value: str) -> bool:
    return len(value) == 2 and value.isalpha()


# Each filter's test of a given value and the refusal naming it, checked in this order.
_FILTER_CHECKS = (
    ("state", _known_state, gettext_lazy("Unknown state: %(state)s.")),
    ("region", _known_region, gettext_lazy("Unknown region: %(region)s.")),
    ("country", _country_code, gettext_lazy("A country is given by its two letters, such as IE.")),
)


def clean_filters(filters: dict | None) -> dict[str, str]:
    """Return the filters as ``{state, region, country}`` strings; raise SubmissionError if bad."""
    filters = filters or {}
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise SubmissionError(
            _("Unknown filters: %(names)s.") % {"names": ", ".join(unknown)}, code="filters"
        )
    clean = {name: str(filters.get(name) or "").strip() for name in FILTER_NAMES}
    clean["country"] = clean["country"].upper()
    _check_filter_values(clean)
    return clean


def _check_filter_values(clean: dict[str, str]) -> None:
    """Refuse the first filter given with a value it does not know (an empty one is no filter)."""
    for name, valid, refusal in _FILTER_CHECKS:
        if clean[name] and not valid(clean[name]):
            raise SubmissionError(str(refusal) % clean, code="filters")


def recipients_of(call: Call, audience_code: str, filters: dict | None = None) -> QuerySet:
    """Return the active people of ``audience_code`` for ``call`` and the filters, by address.

    Each person once, whatever the number of their submissions or roles.
    Raises SubmissionError for an unknown audience or filter.
    """
    audience = _AUDIENCES.get(audience_code)
    if audience is None:
        raise SubmissionError(
            _("Unknown audience: %(audience)s.") % {"audience": audience_code}, code="audience"
        )
    chosen = clean_filters(filters)
    submissions = Submission.objects.filter(call=call)
    if chosen["state"]:
        submissions = submissions.filter(state=chosen["state"])
    if chosen["region"]:
        submissions = submissions.filter(country__region=chosen["region"])
    if chosen["country"]:
        submissions = submissions.filter(country_id=chosen["country"])
    people = audience.people(call, submissions, any(chosen.values()))
    ids = people.values("pk")
    return get_user_model().objects.filter(pk__in=ids).order_by("email", "pk")


def _check_text(subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not subject or not body:
        raise SubmissionError(_("A message needs a subject and a text."), code="empty")
    if len(subject) > SUBJECT_MAX or len(body) > BODY_MAX:
        raise SubmissionError(
            _("A subject holds at most %(subject)s characters and a text %(body)s.")
            % {"subject": SUBJECT_MAX, "body": BODY_MAX},
            code="too_long",
        )
    return subject, body


def _filters_in_words(chosen: dict[str, str]) -> str:
    """Return the filters as the log shows them: "Submitted, Africa, KE" (empty: none)."""
    words = []
    if chosen["state"]:
        words.append(str(SubmissionState(chosen["state"]).label))
    if chosen["region"]:
        words.append(str(Region(chosen["region"]).label))
    if chosen["country"]:
        words.append(chosen["country"])
    return ", ".join(words)


def _language_of(person, call: Call) -> str:
    return person.language or call.language


def _context(call: Call, person, *, subject: str, body: str, language: str) -> dict:
    with translation.override(language):
        return {"call": call.title, "name": person.name, "subject": subject, "body": body}


@dataclass(frozen=True)
class MessagePreview:
    """What sending would do: how many people, and the message one of them would read."""

    count: int
    recipient: object | None
    language: str
    subject: str
    body: str


def preview_call_message(
    call: Call, *, audience: str, filters: dict | None, subject: str, body: str
) -> MessagePreview:
    """Return the number of recipients and the message the first of them would receive.

    Rendered in that person's language, as ``send_call_message`` would. Raises
    SubmissionError for an unknown audience or filter, or an empty or too long
    subject or text. Writes nothing.
    """
    subject, body = _check_text(subject, body)
    people = recipients_of(call, audience, filters)
    count = people.count()
    first = people.first()
    if first is None:
        return MessagePreview(0, None, call.language, subject, body)
    language = _language_of(first, call)
    template = template_for(MESSAGE_TEMPLATE, language)
    rendered_subject, rendered_body, _html = render_template(
        template, _context(call, first, subject=subject, body=body, language=language)
    )
    return MessagePreview(count, first, template.language, rendered_subject, rendered_body)


def send_call_message(
    call: Call,
    *,
    actor,
    audience: str,
    filters: dict | None,
    subject: str,
    body: str,
    send_key: str,
) -> tuple[CallMessage, bool]:
    """Send one message to every person of ``audience`` (filtered); return it and whether it left.

    ``send_key`` names this sending (the form's token): a second call with
    the same key (a double click, a resubmitted form) sends nothing and
    returns the first message with False. Nobody to write to is an error
    (SubmissionError, code ``no_recipients``), as are an unknown audience or
    filter and an empty or too long subject or text. Effects, in one
    transaction: one outbox message per person (template
    ``calls.call.message`` in their language, else the call's; each sees only
    their own address); the ``CallMessage``; activity ``calls.call.message``
    on the call with the subject, audience, filters and count.
    """
    subject, body = _check_text(subject, body)
    chosen = clean_filters(filters)
    send_key = _check_send_key(send_key)
    try:
        with transaction.atomic():
            Call.objects.select_for_update().filter(pk=call.pk).first()
            sent = CallMessage.objects.filter(send_key=send_key).first()
            if sent is not None:
                return sent, False
            message = _send(
                call,
                actor=actor,
                audience=audience,
                chosen=chosen,
                subject=subject,
                body=body,
                send_key=send_key,
            )
            return message, True
    except IntegrityError:
        # The same key committed by a concurrent request between our check and insert.
        sent = CallMessage.objects.filter(send_key=send_key).first()
        if sent is None:
            raise
        return sent, False


def _check_send_key(send_key: str) -> str:
    """Return the form's key stripped; refused (``key``) when missing or too long."""
    send_key = (send_key or "").strip()
    if not send_key or len(send_key) > 64:
        raise SubmissionError(_("This form has expired: preview the message again."), code="key")
    return send_key


def _send(
    call: Call,
    *,
    actor,
    audience: str,
    chosen: dict[str, str],
    subject: str,
    body: str,
    send_key: str,
) -> CallMessage:
    """Write the message to its recipients (refused if none); return the ``CallMessage``.

    Effects: the ``CallMessage``, one outbox message per person, activity
    ``calls.call.message`` (see ``send_call_message``).
    """
    people = list(recipients_of(call, audience, chosen))
    if not people:
        raise SubmissionError(_("Nobody matches: the message was not sent."), code="no_recipients")
    message = CallMessage.objects.create(
        call=call,
        send_key=send_key,
        audience=audience,
        filters={name: value for name, value in chosen.items() if value},
        subject=subject,
        body=body,
        recipient_count=len(people),
        sent_by=actor if getattr(actor, "pk", None) else None,
    )
    for person in people:
        _queue_to(person, call, subject=subject, body=body)
    record_activity(
        "calls.call.message",
        actor=actor,
        subject=call,
        changes={
            "subject": [None, subject],
            "audience": [None, str(_AUDIENCES[audience].label)],
            "filters": [None, _filters_in_words(chosen)],
            "recipient_count": [None, len(people)],
        },
    )
    return message


def _queue_to(person, call: Call, *, subject: str, body: str) -> None:
    """Queue the message to ``person`` alone, in their language (else the call's)."""
    language = _language_of(person, call)
    queue_message(
        MESSAGE_TEMPLATE,
        recipients=[person.email],
        context=_context(call, person, subject=subject, body=body, language=language),
        related_object=call,
        language=language,
    )
