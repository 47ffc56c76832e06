"""REST API v1 of progress reports: reporting cycles and their rates (public); reports.

Public and read-only: the reporting cycles that have opened, latest due
first, with their rates (docs/monitoring.md, "Reporting rates"), one cycle
with its rates by UNESCO region, and one cycle's rates by region, country or
cohort. Only aggregate figures are public.

Reports need a session (401 without one) and follow the pages' rule
(``domain.queries.reports.reports_for_user``): the secretariat reads every
report, a coordinator its cities', a National Commission its country's. A
report the person may not read answers 404, as a missing one does; a list
holds only the reports the person may read (empty for anyone else). Answers
come as the questionnaire engine stores them, never the documents. The
session is checked by the handler rather than by ninja's ``django_auth``, as
in the events API, so the public operations stay public.
"""

import decimal
import re
from typing import Annotated
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.security import django_auth
from pydantic import WithJsonSchema

from learningcities.accounts.enums import Scope
from learningcities.accounts.interfaces.api_auth import TokenAuth, session_or_anonymous
from learningcities.api.errors import (
    BODY_REFUSALS,
    REFUSALS,
    NotFoundOut,
    RefusalOut,
    UnauthorizedOut,
    query_choice,
)
from learningcities.api.errors import invalid_parameter as invalid
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageSize,
    paginate,
)
from learningcities.common.translated import shown
from learningcities.frameworks.models import Criterion
from learningcities.questionnaires.answers import answer_kind

from .domain.answers import Figure, save_report_answers
from .domain.errors import ReportError
from .domain.queries.rates import (
    DIMENSIONS,
    Rates,
    cycle_rates,
    due_day,
    rates_by,
    rates_for_cycles,
)
from .domain.queries.reports import reports_for_user, standing_of
from .enums import ReportState
from .models import ProgressReport, ReportingCycle
from .rules import is_report_coordinator
from .schemas import (
    AnswersIn,
    CycleDetailOut,
    CyclePage,
    CycleRatesOut,
    ReportDetailOut,
    ReportPage,
)

router = Router(tags=["reports"])
# A partner's program may read the reports its organisation may read.
READ_TOKEN = TokenAuth(Scope.REPORTS_READ)
ReportId = Annotated[int, Path(ge=1, le=2_147_483_647, description="The report's id.", example=1)]

CycleCode = Annotated[
    str,
    Path(
        description="The cycle's code, as in its page's URL.",
        pattern=r"^[-a-zA-Z0-9_]+$",
        max_length=40,
        example="2024-2026",
    ),
]
_EMPTY = ""
ByParam = Annotated[str, WithJsonSchema({"type": "string", "enum": list(DIMENSIONS)})]
StateParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*ReportState.values, _EMPTY]})
]
COUNTRY_CODE = re.compile(r"([A-Za-z]{2})?")
CYCLE_CODE = re.compile(r"[-a-zA-Z0-9_]*")
CountryParam = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": "^([A-Za-z]{2})?$", "examples": ["IE"]}),
]
CycleParam = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": "^[-a-zA-Z0-9_]*$", "maxLength": 40}),
]
_PUBLIC = {**REFUSALS}
_PUBLIC_404 = {**REFUSALS, 404: NotFoundOut}
_SESSION = {401: UnauthorizedOut, **REFUSALS}
_SESSION_404 = {**_SESSION, 404: NotFoundOut}


def _opened():
    return ReportingCycle.objects.filter(opens_at__lte=timezone.now()).order_by("-due_at", "pk")


def _cycle_not_found(code: str) -> Status:
    return Status(
        404,
        {"detail": _("There is no open reporting cycle with the code %(code)s.") % {"code": code}},
    )


# Items -------------------------------------------------------------------------


def rates_item(rates: Rates) -> dict:
    return {
        "expected": rates.expected,
        "received": rates.received,
        "on_time": rates.on_time,
        "accepted": rates.accepted,
        "received_rate": rates.received_rate,
        "on_time_rate": rates.on_time_rate,
        "accepted_rate": rates.accepted_rate,
    }


def _rows(rows) -> list[dict]:
    return [{"key": row.key, "label": row.label, "rates": rates_item(row.rates)} for row in rows]


def cycle_item(request: HttpRequest, cycle: ReportingCycle, rates: Rates) -> dict:
    zone = ZoneInfo(cycle.time_zone)
    return {
        "code": cycle.code,
        "name": shown(cycle, "name"),
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "opens_at": cycle.opens_at.astimezone(zone),
        "due_at": cycle.due_at.astimezone(zone),
        "due_date": due_day(cycle),
        "time_zone": cycle.time_zone,
        "url": request.build_absolute_uri(
            reverse("reports:rates-cycle", kwargs={"code": cycle.code})
        ),
        "rates": rates_item(rates),
    }


def _in_zone(moment, zone: ZoneInfo):
    return moment.astimezone(zone) if moment is not None else None


def report_item(request: HttpRequest, report: ProgressReport) -> dict:
    zone = ZoneInfo(report.cycle.time_zone)
    standing, standing_label = standing_of(report)
    return {
        "id": report.pk,
        "cycle": report.cycle.code,
        "city": {"id": report.city_id, "name": report.city.name, "country": report.city.country_id},
        "state": report.state,
        "state_label": str(ReportState(report.state).label),
        "standing": str(standing),
        "standing_label": standing_label,
        "due_at": report.due_at.astimezone(zone),
        "extended_until": _in_zone(report.extended_until, zone),
        "first_submitted_at": _in_zone(report.first_submitted_at, zone),
        "submitted_at": _in_zone(report.submitted_at, zone),
        "returned_count": report.returned_count,
        "accepted_at": _in_zone(report.accepted_at, zone),
        "on_hold_since": report.on_hold_since,
        "url": request.build_absolute_uri(reverse("reports:report", kwargs={"pk": report.pk})),
    }


def _json_value(value):
    """A number as JSON has it (an integer when whole); anything else as it is."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def answer_item(answer) -> dict:
    criterion = answer.criterion
    return {
        "criterion": criterion.code,
        "answer_type": criterion.answer_type,
        "value": _json_value(answer_kind(criterion).value(answer)),
        "data_year": answer.data_year,
        "source": answer.source,
        "carried_from": answer.carried_from,
        "unchanged": answer.unchanged,
    }


# Cycles ------------------------------------------------------------------------


@router.get(
    "/reporting-cycles",
    response={200: CyclePage, **_PUBLIC},
    summary="Reporting cycles",
    description=(
        "The cycles of biennial progress reports that have opened, latest due first, in "
        "pages, each with its reporting rates: reports expected, received, received on time "
        "and accepted, and their rates."
    ),
    operation_id="list_reporting_cycles",
    url_name="list_reporting_cycles",
)
def list_reporting_cycles(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    def items(cycles: list[ReportingCycle]) -> list[dict]:
        found = rates_for_cycles(cycles)
        return [cycle_item(request, cycle, found[cycle.pk]) for cycle in cycles]

    return paginate(
        request,
        _opened(),
        params={},
        page=page,
        page_size=page_size,
        cursor=cursor,
        items=items,
    )


@router.get(
    "/reporting-cycles/{code}",
    response={200: CycleDetailOut, **_PUBLIC_404},
    summary="One reporting cycle",
    description="A cycle as in the list, with its rates by UNESCO region.",
    operation_id="get_reporting_cycle",
    url_name="get_reporting_cycle",
)
def get_reporting_cycle(request: HttpRequest, code: CycleCode):
    cycle = _opened().filter(code=code).first()
    if cycle is None:
        return _cycle_not_found(code)
    return Status(
        200,
        {
            **cycle_item(request, cycle, cycle_rates(cycle)),
            "by_region": _rows(rates_by(cycle, "region")),
        },
    )


@router.get(
    "/reporting-cycles/{code}/rates",
    response={200: CycleRatesOut, **_PUBLIC_404},
    summary="A cycle's reporting rates by region, country or cohort",
    description=(
        "One row per UNESCO region, country or cohort of the cities expected to report, "
        "sorted by label (in the request's language), and the cycle's total."
    ),
    operation_id="get_reporting_cycle_rates",
    url_name="get_reporting_cycle_rates",
)
def get_reporting_cycle_rates(
    request: HttpRequest,
    code: CycleCode,
    by: Annotated[
        ByParam,
        Query("region", description="What to break the rates down by.", example="region"),
    ] = "region",
):
    if by not in DIMENSIONS:
        raise invalid(
            "query",
            "by",
            _("“%(value)s” is not allowed; use one of %(values)s.")
            % {"value": by[:50], "values": ", ".join(DIMENSIONS)},
        )
    cycle = _opened().filter(code=code).first()
    if cycle is None:
        return _cycle_not_found(code)
    return Status(
        200,
        {
            "cycle": cycle.code,
            "by": by,
            "total": rates_item(cycle_rates(cycle)),
            "rows": _rows(rates_by(cycle, by)),
        },
    )


# Reports -----------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: ReportPage, **_SESSION},
    summary="Progress reports you may read (session needed)",
    description=(
        "The secretariat: every report; a coordinator: its cities'; a National Commission: "
        "its country's. Latest cycle first, then by city, in pages. Filters combine. 401 "
        "without a session; an empty list to anyone who may read none."
    ),
    operation_id="list_reports",
    url_name="list_reports",
    auth=[READ_TOKEN, session_or_anonymous],
)
def list_reports(
    request: HttpRequest,
    cycle: Annotated[
        CycleParam,
        Query(None, description="Only this cycle's reports (its code; empty: any).", example=""),
    ] = None,
    state: Annotated[
        StateParam,
        Query(None, description="Only reports in this state (empty: any).", example=""),
    ] = None,
    country: Annotated[
        CountryParam,
        Query(
            None, description="Only the reports of this country's cities (ISO code).", example=""
        ),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    user = request.user
    if not user.is_authenticated:
        return Status(401, {"detail": _("Log in to read progress reports.")})
    state = query_choice("state", state, ReportState.values)
    cycle = cycle or ""
    if len(cycle) > 40 or not CYCLE_CODE.fullmatch(cycle):
        raise invalid(
            "query",
            "cycle",
            _("A cycle's code has at most 40 letters, digits, hyphens and underscores."),
        )
    country = country or ""
    if not COUNTRY_CODE.fullmatch(country):
        raise invalid(
            "query", "country", _("Give a country as its two-letter ISO 3166-1 code, such as IE.")
        )
    country = country.upper()
    reports = reports_for_user(user)
    if cycle:
        reports = reports.filter(cycle__code=cycle)
    if state:
        reports = reports.filter(state=state)
    if country:
        reports = reports.filter(city__country_id=country)
    params = {
        key: value
        for key, value in {"cycle": cycle, "state": state, "country": country}.items()
        if value
    }
    return paginate(
        request,
        reports.order_by("-cycle__due_at", "cycle_id", "city__name", "pk"),
        params=params,
        page=page,
        page_size=page_size,
        cursor=cursor,
        item=lambda report: report_item(request, report),
    )


@router.get(
    "/reports/{id}",
    response={200: ReportDetailOut, **_SESSION_404},
    summary="One progress report with its answers (session needed)",
    description=(
        "A report as in the list, with the secretariat's assessment once accepted and every "
        "answer: the question's code, the value as stored, the year and source of a figure, "
        "and whether it was carried over unchanged. 404 for a report you may not read."
    ),
    operation_id="get_report",
    url_name="get_report",
    auth=[READ_TOKEN, session_or_anonymous],
)
def get_report(request: HttpRequest, id: ReportId):
    user = request.user
    if not user.is_authenticated:
        return Status(401, {"detail": _("Log in to read progress reports.")})
    report = reports_for_user(user).filter(pk=id).first()
    if report is None:
        return _report_not_found(id)
    return Status(200, _report_detail(request, report))


def _report_not_found(id: int) -> Status:
    return Status(
        404, {"detail": _("There is no progress report %(id)s you may read.") % {"id": id}}
    )


def _report_detail(request: HttpRequest, report: ProgressReport) -> dict:
    answers = report.answers.select_related("criterion").order_by("criterion__order", "pk")
    accepted = report.state == ReportState.ACCEPTED
    return {
        **report_item(request, report),
        "assessment": report.assessment if accepted else "",
        "assessment_text": report.assessment_text if accepted else "",
        "answers": [answer_item(answer) for answer in answers],
    }


@router.put(
    "/reports/{id}/answers",
    response={
        200: ReportDetailOut,
        **_SESSION_404,
        **BODY_REFUSALS,
        409: RefusalOut,
    },
    summary="Write answers of a progress report (a token with reports:write, or a session)",
    description=(
        "Saves the answers given (a section's, or any others) as the report's page would, all "
        "or nothing: each names its question by code, with its value (text, number, rating "
        "or yes/no; null clears it) and, for a figure, its data year and source. Only a "
        "coordinator of the report's city, while the report is a draft or returned. An "
        'answer saved unchanged keeps its "unchanged since the last report" mark. 400 a '
        "question that is not the report's (code `invalid`); 409 a value that does not fit "
        "its question (code `wrong_type`) or a report that may no longer change (code "
        "`frozen`); 403 (code `not_permitted`) anyone but its city's coordinators. Answers "
        "the report with its answers."
    ),
    operation_id="write_report_answers",
    url_name="write_report_answers",
    auth=[TokenAuth(Scope.REPORTS_WRITE), django_auth],
)
def write_report_answers(request: HttpRequest, id: ReportId, body: AnswersIn):
    user = request.user
    report = reports_for_user(user).filter(pk=id).first()
    if report is None:
        return _report_not_found(id)
    if not is_report_coordinator(user, report):
        raise ReportError(
            _("Only a coordinator of %(city)s may change this report.") % {"city": report.city},
            code="not_permitted",
        )
    codes = [answer.criterion for answer in body.answers]
    criteria = {
        criterion.code: criterion
        for criterion in Criterion.objects.filter(
            framework_id=report.cycle.framework_id, code__in=codes
        )
    }
    unknown = [code for code in codes if code not in criteria]
    if unknown:
        raise ReportError(
            _("%(criterion)s is not a question of this report.") % {"criterion": unknown[0]},
            code="invalid",
        )
    values = {criteria[answer.criterion]: answer.value for answer in body.answers}
    figures = {
        criteria[answer.criterion].pk: Figure(data_year=answer.data_year, source=answer.source)
        for answer in body.answers
        if answer.data_year is not None or answer.source
    }
    save_report_answers(report, values, actor=user, figures=figures)
    report.refresh_from_db()
    return Status(200, _report_detail(request, report))
