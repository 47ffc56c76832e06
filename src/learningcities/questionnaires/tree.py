"""The section tree of a questionnaire: sections > areas > criteria, each with its answer.

Every page that walks a framework (the city's sections and preview, the
endorser's and secretariat's reading, the workbook, the dossier PDF,
completeness) builds it here, in one query for the criteria.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from learningcities.frameworks.domain.queries.frameworks import localised_criteria

from .answers import AnswerKind, answer_kind

if TYPE_CHECKING:
    from learningcities.frameworks.models import Framework


@dataclass
class QuestionnaireItem:
    """One criterion with its answer (or None) and the documents attached to it."""

    criterion: object
    answer: object = None
    documents: list = field(default_factory=list)

    @cached_property
    def kind(self) -> AnswerKind:
        return answer_kind(self.criterion)

    @property
    def value(self) -> object:
        """Return the stored value (None: not answered)."""
        return self.kind.value(self.answer)

    @property
    def display(self) -> str:
        """Return the answer as text for reading."""
        return self.kind.display(self.criterion, self.answer)

    @property
    def complete(self) -> bool:
        """Tell whether the criterion counts as answered (evidence for a file criterion)."""
        return self.kind.is_complete(self.criterion, self.answer, has_evidence=bool(self.documents))

    @property
    def pdf(self) -> SafeString:
        """Return the answer as the dossier PDF shows it."""
        return self.kind.render_pdf(self.criterion, self.answer, self.documents)

    def problems(self) -> list:
        """Return what is missing or wrong in the answer (``MissingItem``s)."""
        return self.kind.problems(self.criterion, self.answer, has_evidence=bool(self.documents))


@dataclass
class AreaNode:
    """An area of a section and its criteria, in order."""

    area: object
    criteria: list[QuestionnaireItem] = field(default_factory=list)


@dataclass
class SectionNode:
    """A section of the framework and its areas, in order."""

    section: object
    areas: list[AreaNode] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.section.code

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def items(self) -> list[QuestionnaireItem]:
        """Return the section's criteria across its areas, in order."""
        return [item for area in self.areas for item in area.criteria]


def by_criterion(answers: Iterable) -> dict[int, object]:
    """Return ``{criterion id: answer}`` of ``answers``."""
    return {answer.criterion_id: answer for answer in answers}


def documents_by_criterion(links: Iterable) -> dict[int, list]:
    """Return ``{criterion id: [links]}`` of the links attached to a criterion."""
    grouped: dict[int, list] = {}
    for link in links:
        if link.criterion_id:
            grouped.setdefault(link.criterion_id, []).append(link)
    return grouped


def build_tree(
    criteria: Iterable,
    *,
    answers: Mapping[int, object] | None = None,
    documents: Mapping[int, list] | None = None,
) -> list[SectionNode]:
    """Return ``criteria`` (in order, with ``area__section``) grouped by section and area.

    ``answers`` and ``documents`` map a criterion's id to its answer and its
    documents. Reads nothing from the database.
    """
    answers = answers or {}
    documents = documents or {}
    sections: list[SectionNode] = []
    for criterion in criteria:
        area = criterion.area
        if not sections or sections[-1].section.pk != area.section_id:
            sections.append(SectionNode(area.section))
        areas = sections[-1].areas
        if not areas or areas[-1].area.pk != area.pk:
            areas.append(AreaNode(area))
        areas[-1].criteria.append(
            QuestionnaireItem(criterion, answers.get(criterion.pk), documents.get(criterion.pk, []))
        )
    return sections


def questionnaire_tree(
    framework: "Framework | int",
    *,
    answers: Mapping[int, object] | None = None,
    documents: Mapping[int, list] | None = None,
) -> list[SectionNode]:
    """Return the framework's section tree with ``answers`` and ``documents`` (one query).

    ``framework`` may be its id (``call.framework_id``), which spares reading it.
    The framework's texts are in the active language (``localised_criteria``).
    """
    return build_tree(localised_criteria(framework), answers=answers, documents=documents)
