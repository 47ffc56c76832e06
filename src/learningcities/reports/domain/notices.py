"""The mail of progress reports, through the outbox, each in its recipients' language.

Coordinators of the city hear of every move of its report, of reminders,
of an extension, of a hold, a restoration and a lapse; the National
Commission of its country hears of an overdue report, a hold, a restoration
and a lapse; the secretariat hears last, when the escalation reaches it.
"""

from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.formats import date_format

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.common.domain.outbox import queue_message_by_language
from learningcities.common.translated import shown

from ..enums import Audience
from ..enums import ReportState as S


def site_link(path: str) -> str:
    return settings.LC_SITE_URL.rstrip("/") + path


def in_zone(moment, zone: str) -> str:
    """Return ``moment`` as a date and time in ``zone``, with the zone's name."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone})"


def _people(**filters) -> list[tuple[str, str]]:
    people = get_user_model().objects.filter(is_active=True, **filters)
    return sorted(set(people.values_list("email", "language")))


def recipients(report, audience: str) -> list[tuple[str, str]]:
    """Return ``(address, language)`` of the active people of ``audience`` for ``report``."""
    if audience == Audience.COORDINATORS:
        return _people(
            affiliations__role=Role.COORDINATOR,
            affiliations__organisation__city_id=report.city_id,
            affiliations__organisation__is_active=True,
        )
    if audience == Audience.COMMISSION:
        return _people(
            affiliations__role=Role.ENDORSER,
            affiliations__organisation__kind=OrganisationKind.NATIONAL_COMMISSION,
            affiliations__organisation__country_id=report.city.country_id,
            affiliations__organisation__is_active=True,
        )
    return _people(affiliations__role=Role.SECRETARIAT)


def report_link(report) -> str:
    return site_link(reverse("reports:report", kwargs={"pk": report.pk}))


def audience_link(report, audience: str) -> dict:
    """Return the link an audience follows: the Commission's goes to its country's reports."""
    if audience == Audience.COMMISSION:
        path = reverse("reports:country", kwargs={"code": report.city.country_id})
        return {"link": site_link(path)}
    return {}


def _base(report) -> dict:
    return {
        "city": report.city.name,
        "country": report.city.country.display_name,
        "cycle": str(shown(report.cycle, "name")),
        "due": in_zone(report.due_at, report.cycle.time_zone),
        "link": report_link(report),
    }


def send(code: str, report, audiences, extra=None) -> int:
    """Queue the notice ``code`` about ``report`` to each of ``audiences``; return how many."""
    told = 0
    for audience in audiences:
        people = recipients(report, audience)
        told += len(people)
        queue_message_by_language(
            code,
            recipients=people,
            context=partial(_context, report, extra or (lambda: {})),
            language=report.cycle.language,
            related_object=report,
        )
    return told


def _context(report, extra) -> dict:
    return {**_base(report), **extra()}


def _returned_context(move) -> dict:
    sections = {section.pk: section for section in move.report.cycle.framework.sections.all()}
    return {
        "comment": move.comment,
        "sections": [
            {"title": str(shown(sections[pk], "title")), "feedback": text}
            for pk, text in sorted(move.feedback.items(), key=lambda kv: sections[kv[0]].order)
        ],
        # The due date, when it is still ahead: the city resubmits by then.
        "due": _base(move.report)["due"] if move.report.due_at > move.now else "",
    }


def notify_move(move) -> None:
    """Tell the city's coordinators that the secretariat returned or accepted its report."""
    if move.to_state == S.RETURNED:
        send(
            "reports.report.returned",
            move.report,
            [Audience.COORDINATORS],
            partial(_returned_context, move),
        )
    elif move.to_state == S.ACCEPTED:
        send(
            "reports.report.accepted",
            move.report,
            [Audience.COORDINATORS],
            lambda: {"assessment": move.assessment_text},
        )
