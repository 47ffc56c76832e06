"""Schemas of the reports REST API v1: reporting cycles and their rates (public); reports.

Rates follow docs/monitoring.md ("Reporting rates"): ``expected``,
``received``, ``on_time``, ``accepted`` and the three rates as fractions of
``expected`` (null when nothing was expected). A cycle's name comes in the
request's language (Accept-Language) when translated, else in its original.
"""

import datetime as dt

from ninja import Field, Schema

from learningcities.api.pagination import PageOut


class RatesOut(Schema):
    expected: int
    received: int
    on_time: int
    accepted: int
    received_rate: float | None = Field(description="received / expected; null if none expected.")
    on_time_rate: float | None = Field(description="on_time / expected; null if none expected.")
    accepted_rate: float | None = Field(description="accepted / expected; null if none expected.")


class RateRowOut(Schema):
    key: str = Field(
        description="The region's code, the country's ISO 3166-1 alpha-2 code or the cohort's "
        "id; empty for no region or no cohort."
    )
    label: str = Field(description="In the request's language.")
    rates: RatesOut


class CycleOut(Schema):
    code: str = Field(examples=["2024-2026"])
    name: str
    period_start: dt.date
    period_end: dt.date
    opens_at: dt.datetime = Field(description="ISO 8601, with the offset of the cycle's zone.")
    due_at: dt.datetime = Field(description="ISO 8601, with the offset of the cycle's zone.")
    due_date: dt.date = Field(description="The due date, as a day in the cycle's time zone.")
    time_zone: str = Field(examples=["Europe/Paris"])
    url: str = Field(description="The cycle's public page of reporting rates.")
    rates: RatesOut


class CyclePage(PageOut):
    results: list[CycleOut]


class CycleDetailOut(CycleOut):
    by_region: list[RateRowOut] = Field(description="The rates per UNESCO region, by label.")


class CycleRatesOut(Schema):
    cycle: str = Field(description="The cycle's code.")
    by: str = Field(description="region, country or cohort.")
    total: RatesOut
    rows: list[RateRowOut] = Field(description="One row per value, by label.")


class CityRefOut(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")


class ReportOut(Schema):
    id: int
    cycle: str = Field(description="The cycle's code.")
    city: CityRefOut
    state: str = Field(description="draft, submitted, returned or accepted.")
    state_label: str
    standing: str = Field(
        description="What the report says of the membership: due, received, overdue, on_hold, "
        "lapsed or ended."
    )
    standing_label: str
    due_at: dt.datetime = Field(
        description="The report's due instant (its extension's, else the cycle's), with the "
        "offset of the cycle's zone."
    )
    extended_until: dt.datetime | None
    first_submitted_at: dt.datetime | None
    submitted_at: dt.datetime | None = Field(description="The last submission.")
    returned_count: int = Field(description="Times the secretariat returned it for changes.")
    accepted_at: dt.datetime | None
    on_hold_since: dt.date | None
    url: str = Field(description="The report's page (for people who may read it).")


class ReportPage(PageOut):
    results: list[ReportOut]


class AnswerOut(Schema):
    criterion: str = Field(description="The question's code in the cycle's questionnaire.")
    answer_type: str = Field(description="text, number, rating, yes_no.")
    value: bool | int | float | str | None = Field(
        description="As the questionnaire engine stores it: text, a number, a rating, yes or no."
    )
    data_year: int | None = Field(description="For a figure: the year it describes.")
    source: str = Field(description="For a figure: where it comes from.")
    carried_from: str = Field(
        description="report or application when carried over from there; empty otherwise."
    )
    unchanged: bool = Field(description="Carried over and not edited since.")


class ReportDetailOut(ReportOut):
    assessment: str = Field(
        description="The secretariat's assessment once accepted: exemplary, good, some, little "
        "(empty before)."
    )
    assessment_text: str
    answers: list[AnswerOut] = Field(description="In the order of the questionnaire.")


class AnswerIn(Schema):
    criterion: str = Field(
        min_length=1, max_length=30, description="The question's code.", examples=["1.1.1"]
    )
    value: bool | int | float | str | None = Field(
        description="The answer: text, a number, a rating or yes/no as the question asks; "
        "null clears it."
    )
    data_year: int | None = Field(
        None, ge=1950, le=2100, description="For a figure: the year it describes."
    )
    source: str = Field("", max_length=300, description="For a figure: where it comes from.")


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(
        min_length=1, max_length=500, description="The answers to save, all or nothing."
    )
