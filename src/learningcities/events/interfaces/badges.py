"""Badges of an event's participants: A4 sheets of eight, cut along the dashed lines.

Each badge carries the person's name, city or organisation, country and
category, the event's title, and a QR code of the badge code with the code
printed beneath it (a desk types it when no scanner is at hand). Only
confirmed registrations get a badge. The labels are in the language of whoever
prints (the active one); names are written in their own direction. WeasyPrint
with the Noto fonts, as the calls' dossier and certificates.
"""

from collections.abc import Iterable, Sequence

from django import forms
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import shown

from ..enums import RegistrationStatus
from ..models import Delegation, Event, ParticipantCategory, Registration

BADGES_PER_SHEET = 8  # 2 columns of 4 rows, 105 x 74 mm each


class BadgeFilterForm(forms.Form):
    """Which badges to print: all, one category's or one delegation's (GET, all optional)."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ParticipantCategory.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    delegation = forms.ModelChoiceField(
        label=_("Delegation"),
        queryset=Delegation.objects.none(),
        required=False,
        empty_label=_("All delegations"),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ParticipantCategory.objects.filter(event=event)
        self.fields["delegation"].queryset = Delegation.objects.filter(event=event).select_related(
            "city", "country"
        )


def badge_qr_svg(code: str) -> str:
    """Return an inline SVG QR code of the badge ``code`` (sized by the badge's CSS)."""
    import segno  # only when badges are printed

    return mark_safe(segno.make(code, error="m").svg_inline(scale=1, border=2))  # noqa: S308 (segno's own SVG, no user markup: the code is from BADGE_ALPHABET)


def badge_registrations(
    event: Event, *, category_id: int | None = None, delegation_id: int | None = None
) -> QuerySet[Registration]:
    """Return the confirmed registrations of ``event`` to print, by category then name."""
    queryset = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).select_related("category", "city", "country")
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    if delegation_id is not None:
        queryset = queryset.filter(delegation_id=delegation_id)
    return queryset.order_by("category__order", "category_id", "name", "pk")


def _badge(registration: Registration) -> dict:
    city = registration.city.name if registration.city else registration.city_name
    return {
        "name": registration.name,
        "place": city or "",
        "organisation": registration.organisation_name,
        "country": registration.country.display_name,
        "category": shown(registration.category, "name"),
        "code": registration.badge_code,
        "qr": badge_qr_svg(registration.badge_code),
    }


def _sheets(badges: Sequence[dict]) -> list[list[list[dict]]]:
    """Cut ``badges`` into sheets of rows of two."""
    rows = [list(badges[i : i + 2]) for i in range(0, len(badges), 2)]
    per_sheet = BADGES_PER_SHEET // 2
    return [rows[i : i + per_sheet] for i in range(0, len(rows), per_sheet)]


def badges_html(event: Event, registrations: Iterable[Registration]) -> str:
    """Return the HTML of the badge sheets of ``registrations`` (in the active language)."""
    badges = [_badge(registration) for registration in registrations]
    return render_to_string(
        "events/pdf/badges.html",
        {"event": event, "event_title": shown(event, "title"), "sheets": _sheets(badges)},
    )


def render_badges(event: Event, registrations: Iterable[Registration]) -> bytes:
    """Return the badges of ``registrations`` as a PDF of A4 sheets; no side effects."""
    from weasyprint import HTML  # heavy import, only when badges are printed

    return HTML(string=badges_html(event, registrations)).write_pdf()
