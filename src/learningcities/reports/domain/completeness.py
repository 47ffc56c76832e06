"""A report's questionnaire tree and what is still missing before it can be submitted."""

from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType
from learningcities.questionnaires.answers import MissingItem, criterion_anchor, criterion_label
from learningcities.questionnaires.tree import (
    build_tree,
    by_criterion,
    documents_by_criterion,
    questionnaire_tree,
)

from ..models import ProgressReport


def report_tree(report: ProgressReport, *, criteria=None) -> list:
    """Return the report's questionnaire tree with its answers and documents (three queries).

    ``criteria`` (the cycle's localised criteria, read once for many reports)
    spares reading them again.
    """
    answers = by_criterion(report.answers.all())
    documents = documents_by_criterion(report.documents.select_related("document"))
    if criteria is not None:
        return build_tree(criteria, answers=answers, documents=documents)
    return questionnaire_tree(report.cycle.framework_id, answers=answers, documents=documents)


def _figure_problems(item) -> list[MissingItem]:
    """A figure needs the year it describes (its source is welcome, not required)."""
    answer = item.answer
    if (
        item.criterion.answer_type != AnswerType.NUMBER
        or answer is None
        or answer.number_value is None
        or answer.data_year
    ):
        return []
    return [
        MissingItem(
            code="missing_year",
            anchor=criterion_anchor(item.criterion),
            message=_("%(criterion)s: give the year the figure describes.")
            % {"criterion": criterion_label(item.criterion)},
        )
    ]


def tree_problems(tree) -> list[MissingItem]:
    """Return what is missing or wrong in ``tree``'s answers, in form order."""
    problems = []
    for section in tree:
        for item in section.items:
            problems += item.problems()
            problems += _figure_problems(item)
    return problems


def report_problems(report: ProgressReport) -> list[MissingItem]:
    """Return what is missing before ``report`` can be submitted; empty when complete."""
    return tree_problems(report_tree(report))
