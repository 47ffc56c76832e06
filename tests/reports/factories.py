"""Reporting cycles and reports for tests, made through the reports domain.

``report_framework()`` is a small report questionnaire: a narrative per area
(one with evidence), a self-assessment carried from the small application
framework's rating (``1.1.2``, 1 to 3) and a figure carried from its number
(``1.2.1``). ``Network`` gives a member city with its coordinator, the
country's endorser and a secretary; ``make_cycle`` a cycle on that framework.
"""

import datetime as dt

from django.utils import timezone

from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.models import Framework
from learningcities.reports.domain.answers import Figure, save_report_answers
from learningcities.reports.domain.cycles import CycleData, create_cycle
from learningcities.reports.domain.transitions import move_report
from learningcities.reports.enums import CITY, SECRETARIAT, Assessment, ReportState
from tests.calls.factories import city_with_coordinator, endorser_of, secretary
from tests.factories import make_member

NARRATIVE = "The city opened learning centres in every district and trained 300 volunteers."


def report_document() -> dict:
    return {
        "code": "test-report",
        "version": "1.0",
        "name": "Test progress report",
        "sections": [
            {
                "code": "1",
                "title": "Results",
                "areas": [
                    {
                        "code": "1.1",
                        "title": "First area",
                        "criteria": [
                            {
                                "code": "1.1.0",
                                "title": "Achievements and efforts",
                                "answer_type": "text",
                                "word_limit": 50,
                                "file_kinds": ["pdf"],
                            },
                            {
                                "code": "1.1.2",
                                "title": "Self-assessment",
                                "answer_type": "rating",
                                "scale": {"min": 1, "max": 3, "levels": ["Low", "Mid", "High"]},
                                "required": False,
                                "carries_from": "1.1.2",
                            },
                            {
                                "code": "1.2.1.v",
                                "title": "A figure",
                                "answer_type": "number",
                                "unit": "km2",
                                "required": False,
                                "carries_from": "1.2.1",
                            },
                        ],
                    }
                ],
            },
            {
                "code": "2",
                "title": "Conditions",
                "areas": [
                    {
                        "code": "2.1",
                        "title": "Second area",
                        "criteria": [
                            {
                                "code": "2.1.0",
                                "title": "Achievements and efforts",
                                "answer_type": "text",
                                "word_limit": 50,
                            }
                        ],
                    }
                ],
            },
        ],
    }


def report_framework() -> Framework:
    found = Framework.objects.filter(code="test-report", version="1.0").first()
    return found or load_framework(report_document(), record=True).framework


class Network:
    """A member city (joined 2020) with its coordinator, the country's endorser and a secretary."""

    def __init__(self, country_code: str = "IE", joined: str = "2020-09-22"):
        self.organisation, self.coordinator = city_with_coordinator(country_code)
        self.city = self.organisation.city
        self.membership = make_member(self.city, joined=joined)
        self.endorser = endorser_of(country_code)
        self.secretary = secretary()


def make_cycle(*, code: str = "2025-2027", due_in_days: int = 30, now=None, **overrides):
    """A cycle open since 30 days, due in ``due_in_days``, on the test report framework."""
    now = now or timezone.now()
    fields = {
        "code": code,
        "name": f"Progress reports {code}",
        "framework": report_framework(),
        "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "opens_at": now - dt.timedelta(days=30),
        "due_at": now + dt.timedelta(days=due_in_days),
        "time_zone": "Europe/Paris",
        "admitted_before": dt.date(2025, 1, 1),
        **overrides,
    }
    reminders = fields.pop("reminders", None)
    return create_cycle(CycleData(**fields), actor=None, reminders=reminders)


def criteria(report) -> dict:
    return {c.code: c for c in report.cycle.framework.criteria.all()}


def fill_report(report, coordinator) -> None:
    """Answer every required question of ``report``."""
    found = criteria(report)
    values = {c: NARRATIVE for code, c in found.items() if code.endswith(".0")}
    figure = found.get("1.2.1.v")
    figures = {}
    if figure is not None:
        values[figure] = 12
        figures[figure.pk] = Figure(data_year=2025, source="City statistics office")
    save_report_answers(report, values, actor=coordinator, figures=figures)


def submit(report, coordinator, **kwargs):
    fill_report(report, coordinator)
    return move_report(report, ReportState.SUBMITTED, actor=coordinator, role=CITY, **kwargs)


def accept(report, secretary, **kwargs):
    kwargs.setdefault("assessment", Assessment.GOOD)
    kwargs.setdefault("assessment_text", "Steady progress on adult learning.")
    return move_report(report, ReportState.ACCEPTED, actor=secretary, role=SECRETARIAT, **kwargs)
