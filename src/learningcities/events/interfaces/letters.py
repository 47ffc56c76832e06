"""Letters for a participant: the invitation and the visa-support letter (PDF).

Each is written in the participant's language (``Registration.language``):
its sentences, its dates in words as that language writes them, and its
direction (right to left in Arabic). Only a confirmed registration gets a
letter; the visa-support letter only when the participant asked for one, and
it names their nationality and passport number for the consulate. WeasyPrint
with the Noto fonts, as the calls' certificates.
"""

import datetime as dt

from babel.dates import format_date
from django.db.models import TextChoices
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, to_locale

from learningcities.common.translated import shown

from ..domain.errors import EventError
from ..enums import RegistrationStatus
from ..models import Registration


class LetterKind(TextChoices):
    INVITATION = "invitation", gettext_lazy("Letter of invitation")
    VISA = "visa", gettext_lazy("Visa-support letter")


def check_letter(registration: Registration, kind: str) -> None:
    """Raise ``EventError`` when ``registration`` may not have a letter of ``kind``."""
    if kind not in LetterKind.values:
        raise EventError(_("There is no such letter."), code="invalid")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventError(
            _("Letters are issued once the registration is confirmed."), code="not_confirmed"
        )
    if kind == LetterKind.VISA and not registration.needs_visa_letter:
        raise EventError(
            _("This participant did not ask for a visa-support letter."), code="no_visa_letter"
        )


def date_in_words(day: dt.date, language: str) -> str:
    """Return ``day`` with its month in words, as ``language`` writes a date (CLDR's long form)."""
    return format_date(day, format="long", locale=to_locale(language))


def _place(event) -> str:
    parts = [event.host_city.name if event.host_city else ""]
    if event.host_country:
        parts.append(event.host_country.display_name)
    elif event.host_city:
        parts.append(event.host_city.country.display_name)
    return ", ".join(part for part in parts if part)


def letter_context(
    registration: Registration, kind: str, *, issued_on: dt.date | None = None
) -> dict:
    """Return what the letter shows, in the participant's language (call it inside its override)."""
    event = registration.event
    language = registration.language or "en"
    city = registration.city.name if registration.city else registration.city_name
    return {
        "kind": kind,
        "title": LetterKind(kind).label,
        "network_name": _("Global network of learning cities"),
        "registration": registration,
        "reference": f"{event.slug}-{registration.pk}",
        "event_title": shown(event, "title"),
        "category": shown(registration.category, "name"),
        "place": _place(event),
        "starts_on": date_in_words(event.starts_on, language),
        "ends_on": date_in_words(event.ends_on, language),
        "issued_on": date_in_words(issued_on or timezone.localdate(), language),
        "city": city or "",
        "country": registration.country.display_name,
        "nationality": registration.nationality.display_name if registration.nationality else "",
    }


def letter_filename(registration: Registration, kind: str) -> str:
    return f"{kind}-{registration.event.slug}-{registration.pk}.pdf"


def render_letter(
    registration: Registration, kind: str, *, issued_on: dt.date | None = None
) -> bytes:
    """Return the letter ``kind`` of ``registration`` as PDF bytes, in the person's language.

    Raises ``EventError`` when the registration may not have it
    (``check_letter``). No side effects.
    """
    from weasyprint import HTML  # heavy import, only when a letter is asked for

    check_letter(registration, kind)
    return HTML(string=letter_html(registration, kind, issued_on=issued_on)).write_pdf()


def letter_html(registration: Registration, kind: str, *, issued_on: dt.date | None = None) -> str:
    """Return the HTML of the letter ``kind`` of ``registration``, in the person's language."""
    with translation.override(registration.language or "en"):
        return render_to_string(
            "events/pdf/letter.html", letter_context(registration, kind, issued_on=issued_on)
        )
