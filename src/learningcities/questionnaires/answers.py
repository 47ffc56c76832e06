"""The answer types of a questionnaire, each defined once, and their registry.

An answer type is one subclass of ``AnswerKind`` in ``answer_types/``,
registered with ``@register`` under its ``frameworks.enums.AnswerType`` value.
It defines everything the platform does with an answer of that type: the
form field, the cleaning of a value, the stored value and the answer fields
that hold it, the read-only display, the workbook cell (hint, list of
choices, writing and reading), the dossier PDF rendering and completeness.
Every module of ``answer_types/`` is imported the first time a type is
looked up, so a new type is one new file there (and its choice in
``AnswerType``).

The engine has no models. An answer is any object with the four fields of
``StoredAnswer`` (the calls app's ``Answer``); a criterion is a
``frameworks.models.Criterion``.
"""

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from learningcities.common.enums import FileFamily
from learningcities.common.forms import PrivateDocumentField

from .values import InvalidValue

# The fields of an answer row, empty; each type fills one of them.
EMPTY_FIELDS: dict[str, Any] = {
    "text_value": "",
    "number_value": None,
    "rating_value": None,
    "boolean_value": None,
}


class StoredAnswer(Protocol):
    """What the engine reads of an answer: the fields of ``EMPTY_FIELDS``."""

    text_value: str
    number_value: Any
    rating_value: int | None
    boolean_value: bool | None


@dataclass(frozen=True)
class MissingItem:
    """One thing still to do before submitting: ``anchor`` names where (a field or a criterion)."""

    code: str  # missing_field, word_limit, invalid_email, unrated_challenge,
    # missing_answer, missing_evidence, missing_document
    anchor: str
    message: str

    def __str__(self) -> str:
        return self.message


def criterion_label(criterion) -> str:
    """Return ``code title``, how messages and form fields name a criterion."""
    return f"{criterion.code} {criterion.title}"


def criterion_anchor(criterion) -> str:
    """Return the id of the criterion's place on its section's page."""
    return f"criterion-{criterion.code}"


class AnswerKind:
    """One answer type: a class attribute names it, the methods say what it does.

    Subclasses set ``answer_type`` (an ``AnswerType`` value) and
    ``stored_field`` (the answer field holding the value, None when the type
    holds no value), and override what differs from these defaults.
    """

    answer_type: ClassVar[str]
    stored_field: ClassVar[str | None] = None
    # Shown as radio buttons (a short list of choices), not a box to type in.
    choice_widget: ClassVar[bool] = False

    @property
    def has_value(self) -> bool:
        """Tell whether an answer of this type is a value (a file criterion's are documents)."""
        return self.stored_field is not None

    # Storage

    def value(self, answer: StoredAnswer | None) -> Any:
        """Return the stored value of ``answer`` (None: not answered)."""
        if answer is None or self.stored_field is None:
            return None
        return getattr(answer, self.stored_field)

    def clean(self, criterion, value: Any) -> Any:
        """Return ``value`` (not None) as stored; raise InvalidValue when it does not fit."""
        raise NotImplementedError

    def to_fields(self, criterion, value: Any) -> dict[str, Any]:
        """Return the answer fields holding ``value`` (None clears them); raise InvalidValue."""
        fields = dict(EMPTY_FIELDS)
        if value is not None:
            fields[self.stored_field] = self.clean(criterion, value)
        return fields

    # Form

    def form_field(self, criterion) -> forms.Field | None:
        """Return the form field of the answer (None: answered by evidence only)."""
        return None

    def initial(self, criterion, answer: StoredAnswer | None) -> str:
        """Return the form's initial text for ``answer``."""
        value = self.value(answer)
        return "" if value is None else str(value)

    def from_form(self, criterion, raw: Any) -> Any:
        """Return the value of a posted answer as ``clean`` takes it (None clears it)."""
        return None if raw in ("", None) else raw

    def takes_evidence(self, criterion) -> bool:
        """Tell whether the city attaches documents to ``criterion``."""
        return False

    def evidence_field(self, criterion) -> forms.Field:
        """Return the upload field of documents beside a written answer."""
        return PrivateDocumentField(
            label=_("Evidence for %(code)s") % {"code": criterion.code},
            required=False,
            allowed=criterion.file_kinds or [FileFamily.PDF],
            help_text=_("Attach a document that shows what your answer describes."),
        )

    # Reading

    def display(self, criterion, answer: StoredAnswer | None) -> str:
        """Return the answer as text for reading (empty when unanswered)."""
        value = self.value(answer)
        return "" if value is None else str(value)

    def render_pdf(self, criterion, answer: StoredAnswer | None, documents) -> SafeString:
        """Return the answer as an HTML fragment of the dossier PDF."""
        if not self.is_complete(criterion, answer, has_evidence=bool(documents)):
            return format_html('<span class="missing">{}</span>', _("Not answered"))
        return conditional_escape(self.display(criterion, answer))

    # Workbook

    def cell_hint(self, criterion) -> str:
        """Return the workbook's "Limits" text for the criterion."""
        return ""

    def cell_choices(self, criterion) -> list[str] | None:
        """Return the values a workbook cell may take from a list (None: any)."""
        return None

    def write_cell(self, criterion, answer: StoredAnswer | None) -> Any:
        """Return the workbook cell's value for ``answer``."""
        return self.value(answer)

    def read_cell(self, criterion, value: Any) -> Any:
        """Return a filled cell's value as ``clean`` takes it; raise InvalidValue if it cannot."""
        return value

    # Completeness

    def is_complete(self, criterion, answer: StoredAnswer | None, *, has_evidence: bool) -> bool:
        """Tell whether the criterion counts as answered."""
        return self.value(answer) is not None

    def problems(
        self, criterion, answer: StoredAnswer | None, *, has_evidence: bool
    ) -> list[MissingItem]:
        """Return what is missing or wrong in the answer before it can be submitted."""
        if criterion.required and not self.is_complete(
            criterion, answer, has_evidence=has_evidence
        ):
            return [self.missing(criterion)]
        return []

    def missing(self, criterion) -> MissingItem:
        """Return the item telling that a required criterion is unanswered."""
        return MissingItem(
            "missing_answer",
            criterion_anchor(criterion),
            _("%(code)s %(title)s: answer missing.")
            % {"code": criterion.code, "title": criterion.title},
        )


_REGISTRY: dict[str, AnswerKind] = {}
_discovered = False


def register(cls: type[AnswerKind]) -> type[AnswerKind]:
    """Register an answer type class under its ``answer_type`` (a class decorator)."""
    _REGISTRY[cls.answer_type] = cls()
    return cls


def unregister(answer_type: str) -> None:
    """Remove a registered answer type (for tests that plug one in)."""
    _REGISTRY.pop(answer_type, None)


def _discover() -> None:
    """Import every module of ``answer_types/`` once, which registers its classes."""
    global _discovered
    if _discovered:
        return
    package = importlib.import_module(f"{__package__}.answer_types")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    _discovered = True


def registered() -> dict[str, AnswerKind]:
    """Return every registered answer type by its ``AnswerType`` value."""
    _discover()
    return dict(_REGISTRY)


def answer_kind(criterion_or_type) -> AnswerKind:
    """Return the answer type of a criterion (or of an ``AnswerType`` value).

    Raises LookupError for a type no class is registered for.
    """
    _discover()
    answer_type = getattr(criterion_or_type, "answer_type", criterion_or_type)
    try:
        return _REGISTRY[str(answer_type)]
    except KeyError:
        raise LookupError(f"No answer type is registered for {answer_type!r}.") from None


__all__ = [
    "EMPTY_FIELDS",
    "AnswerKind",
    "InvalidValue",
    "MissingItem",
    "StoredAnswer",
    "answer_kind",
    "criterion_anchor",
    "criterion_label",
    "register",
    "registered",
    "unregister",
]
