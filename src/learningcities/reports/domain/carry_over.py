"""Carrying answers over: a new report starts from what the city said last time.

For each question of the cycle's questionnaire, a new report takes the
answer the city gave to the question of the same code (and answer type) in
its previous report (the latest one it submitted in an earlier cycle);
where there is none, the answer of its membership application to the
question named by ``carries_from``. Carried answers are marked
``unchanged`` until the city edits them. Evidence documents are not carried
(the city attaches current ones).

Built for many reports at once (a cycle lists hundreds; the benchmark ten
thousand): a fixed number of queries per thousand reports.
"""

from collections.abc import Iterable, Sequence

from learningcities.calls.enums import CallKind
from learningcities.calls.models import Answer, Submission
from learningcities.questionnaires.answers import answer_kind
from learningcities.questionnaires.values import InvalidValue

from ..models import ProgressReport, ReportAnswer

CHUNK = 1000
FROM_REPORT, FROM_APPLICATION = "report", "application"


def _latest_per_city(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Return ``{city id: first id}`` of ``(city id, id)`` rows ordered newest first per city."""
    latest: dict[int, int] = {}
    for city_id, pk in rows:
        latest.setdefault(city_id, pk)
    return latest


def _previous_reports(cycle, city_ids: list[int]) -> dict[int, int]:
    rows = (
        ProgressReport.objects.filter(
            city_id__in=city_ids,
            first_submitted_at__isnull=False,
            cycle__due_at__lt=cycle.due_at,
        )
        .order_by("city_id", "-cycle__due_at", "-pk")
        .values_list("city_id", "pk")
    )
    return _latest_per_city(rows)


def _applications(city_ids: list[int]) -> dict[int, int]:
    rows = (
        Submission.objects.filter(
            city_id__in=city_ids,
            call__kind=CallKind.MEMBERSHIP,
            submitted_at__isnull=False,
        )
        .order_by("city_id", "-submitted_at", "-pk")
        .values_list("city_id", "pk")
    )
    return _latest_per_city(rows)


def _answers_by_owner(model, owner_field: str, owner_ids) -> dict[int, dict[tuple, object]]:
    """Return ``{owner id: {(code, answer type): answer}}`` of the owners' answers."""
    found: dict[int, dict[tuple, object]] = {}
    answers = model.objects.filter(**{f"{owner_field}__in": list(owner_ids)}).select_related(
        "criterion"
    )
    for answer in answers:
        key = (answer.criterion.code, answer.criterion.answer_type)
        found.setdefault(getattr(answer, f"{owner_field}_id"), {})[key] = answer
    return found


def _copy(target, source, report, carried_from: str) -> ReportAnswer | None:
    kind = answer_kind(target)
    try:
        fields = kind.to_fields(target, kind.value(source))
    except InvalidValue:
        return None  # the same code on another scale: the city answers again
    if carried_from == FROM_REPORT:
        fields["data_year"] = source.data_year
        fields["source"] = source.source
    return ReportAnswer(
        report=report, criterion=target, carried_from=carried_from, unchanged=True, **fields
    )


def _answers_for(report, criteria, previous: dict, application: dict) -> list[ReportAnswer]:
    made = []
    for target in criteria:
        source = previous.get((target.code, target.answer_type))
        carried_from = FROM_REPORT
        if source is None and getattr(target, "carries_from", ""):
            source = application.get((target.carries_from, target.answer_type))
            carried_from = FROM_APPLICATION
        if source is None or answer_kind(target).value(source) in (None, ""):
            continue
        answer = _copy(target, source, report, carried_from)
        if answer is not None:
            made.append(answer)
    return made


def carry_over_answers(cycle, reports: Sequence[ProgressReport]) -> int:
    """Give each of ``reports`` (new, without answers) the answers carried over; return how many."""
    criteria = list(cycle.framework.criteria.all())
    made = 0
    for start in range(0, len(reports), CHUNK):
        chunk = reports[start : start + CHUNK]
        city_ids = [report.city_id for report in chunk]
        previous_ids = _previous_reports(cycle, city_ids)
        application_ids = _applications(city_ids)
        previous = _answers_by_owner(ReportAnswer, "report", previous_ids.values())
        applications = _answers_by_owner(Answer, "submission", application_ids.values())
        rows = []
        for report in chunk:
            rows += _answers_for(
                report,
                criteria,
                previous.get(previous_ids.get(report.city_id), {}),
                applications.get(application_ids.get(report.city_id), {}),
            )
        ReportAnswer.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return made
