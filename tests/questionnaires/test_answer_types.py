"""Each answer type, defined once: form field, cleaning, display, workbook cell, completeness."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from learningcities.calls.models import Answer
from learningcities.common.forms import PrivateDocumentField
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion
from learningcities.questionnaires.answer_types.number import DECIMAL_PLACES, MAX_DIGITS
from learningcities.questionnaires.answers import EMPTY_FIELDS, answer_kind
from learningcities.questionnaires.values import InvalidValue


def criterion(answer_type, **fields) -> Criterion:
    return Criterion(code="1.1", title="The question", answer_type=answer_type, **fields)


def stored(kind, crit, value) -> Answer:
    """Return an unsaved answer holding ``value`` as the type stores it."""
    return Answer(criterion=crit, **kind.to_fields(crit, value))


TEXT = criterion(AnswerType.TEXT, word_limit=3)
NUMBER = criterion(AnswerType.NUMBER, unit="km2")
RATING = criterion(
    AnswerType.RATING, rating_min=1, rating_max=3, level_descriptors=["Low", "Mid", "High"]
)
YES_NO = criterion(AnswerType.YES_NO)
FILE = criterion(AnswerType.FILE, file_kinds=["pdf"])


@pytest.mark.parametrize(
    ("crit", "field_class", "widget_class"),
    [
        (TEXT, forms.CharField, forms.Textarea),
        (NUMBER, forms.CharField, forms.TextInput),
        (RATING, forms.ChoiceField, forms.RadioSelect),
        (YES_NO, forms.ChoiceField, forms.RadioSelect),
    ],
)
def test_form_field_of_each_value_type_is_optional_and_labelled(crit, field_class, widget_class):
    field = answer_kind(crit).form_field(crit)

    assert type(field) is field_class
    assert isinstance(field.widget, widget_class)
    assert field.required is False
    assert field.label == "1.1 The question"


def test_form_field_of_a_file_criterion_is_its_evidence_upload():
    kind = answer_kind(FILE)

    assert kind.form_field(FILE) is None
    assert kind.takes_evidence(FILE) is True
    assert isinstance(kind.evidence_field(FILE), PrivateDocumentField)
    assert kind.evidence_field(FILE).allowed == ("pdf",)


def test_text_takes_evidence_only_when_the_criterion_names_file_kinds():
    kind = answer_kind(TEXT)

    assert kind.takes_evidence(TEXT) is False
    assert kind.takes_evidence(criterion(AnswerType.TEXT, file_kinds=["pdf"])) is True


def test_rating_form_field_offers_the_described_points():
    field = answer_kind(RATING).form_field(RATING)

    assert field.choices == [("1", "1: Low"), ("2", "2: Mid"), ("3", "3: High")]


@pytest.mark.parametrize(
    ("crit", "posted", "field", "value"),
    [
        (TEXT, "A short answer", "text_value", "A short answer"),
        (NUMBER, "12,5", "number_value", Decimal("12.5000")),
        (RATING, "2", "rating_value", 2),
        (YES_NO, "no", "boolean_value", False),
    ],
)
def test_posted_value_is_stored_in_its_one_field(crit, posted, field, value):
    kind = answer_kind(crit)

    fields = kind.to_fields(crit, kind.from_form(crit, posted))

    assert fields == {**EMPTY_FIELDS, field: value}


@pytest.mark.parametrize("crit", [TEXT, NUMBER, RATING, YES_NO])
def test_none_clears_every_field(crit):
    assert answer_kind(crit).to_fields(crit, None) == EMPTY_FIELDS


@pytest.mark.parametrize(
    ("crit", "value", "message"),
    [
        (TEXT, 12, "1.1 The question: expected text."),
        (NUMBER, "twelve", "1.1 The question: expected a number."),
        (NUMBER, "-1", "1.1 The question: expected a number that is not negative."),
        (NUMBER, "1e20", "1.1 The question: expected a smaller number."),
        (RATING, 4, "1.1 The question: expected a rating from 1 to 3."),
        (RATING, True, "1.1 The question: expected a rating from 1 to 3."),
        (YES_NO, "yes", "1.1 The question: expected yes or no."),
        (FILE, None, "1.1 The question is answered with evidence files, not a value."),
    ],
)
def test_wrong_value_is_refused_with_the_field_and_what_it_expects(crit, value, message):
    with pytest.raises(InvalidValue) as refused:
        answer_kind(crit).to_fields(crit, value)

    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("crit", "value", "initial", "display"),
    [
        (TEXT, "Shared programme", "Shared programme", "Shared programme"),
        (NUMBER, Decimal("1234.5"), "1234.5", "1,234.5 km2"),
        (RATING, 2, "2", "2: Mid"),
        (YES_NO, True, "yes", "Yes"),
    ],
)
def test_stored_answer_reads_back_in_the_form_and_for_display(crit, value, initial, display):
    kind = answer_kind(crit)
    answer = stored(kind, crit, value)

    with translation.override("en"):
        assert kind.initial(crit, answer) == initial
        assert kind.display(crit, answer) == display
    assert kind.value(answer) == value


@pytest.mark.parametrize("crit", [TEXT, NUMBER, RATING, YES_NO, FILE])
def test_unanswered_displays_empty_and_renders_missing_in_the_pdf(crit):
    kind = answer_kind(crit)

    assert kind.display(crit, None) == ""
    assert 'class="missing"' in kind.render_pdf(crit, None, [])


def test_pdf_of_a_file_criterion_names_its_documents():
    class Link:
        def __init__(self, name):
            self.shown_name = name

    html = answer_kind(FILE).render_pdf(FILE, None, [Link("a<b>.pdf"), Link("c.pdf")])

    assert html == "a&lt;b&gt;.pdf, c.pdf"


def test_pdf_of_a_value_is_its_display_escaped():
    kind = answer_kind(TEXT)

    assert kind.render_pdf(TEXT, stored(kind, TEXT, "<b>bold</b>"), []) == (
        "&lt;b&gt;bold&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("crit", "value"),
    [
        (TEXT, "Three words here"),
        (NUMBER, Decimal("42")),
        (NUMBER, Decimal("12.25")),
        (RATING, 3),
        (YES_NO, False),
    ],
)
def test_workbook_cell_round_trip(crit, value):
    kind = answer_kind(crit)
    answer = stored(kind, crit, value)

    cell = kind.write_cell(crit, answer)

    assert kind.read_cell(crit, cell) == kind.value(answer)


@pytest.mark.parametrize(
    ("crit", "hint", "choices"),
    [
        (TEXT, "at most 3 words", None),
        (NUMBER, "unit: km2", None),
        (RATING, "1 to 3", ["1", "2", "3"]),
        (YES_NO, "yes or no", ["yes", "no"]),
        (FILE, "upload evidence files on the site", None),
    ],
)
def test_workbook_cell_hint_and_list(crit, hint, choices):
    kind = answer_kind(crit)

    with translation.override("en"):
        assert kind.cell_hint(crit) == hint
    assert kind.cell_choices(crit) == choices


@pytest.mark.parametrize(
    ("crit", "cell", "message"),
    [
        (TEXT, "one two three four", "4 words, more than the limit of 3"),
        (NUMBER, "-2", "expected a number that is not negative, found -2"),
        (NUMBER, "1e17", "the number 1e17 is too large"),
        (NUMBER, True, "expected a number, found “True”"),
        (RATING, 2.5, "a rating from 1 to 3 is expected, found 2.5"),
        (YES_NO, "maybe", "expected yes or no, found “maybe”"),
    ],
)
def test_workbook_cell_refused_with_its_reason(crit, cell, message):
    with translation.override("en"), pytest.raises(InvalidValue) as refused:
        answer_kind(crit).read_cell(crit, cell)

    assert str(refused.value) == message


def test_workbook_yes_no_cell_reads_french_words():
    kind = answer_kind(YES_NO)

    assert (kind.read_cell(YES_NO, "Oui"), kind.read_cell(YES_NO, "non")) == (True, False)


@pytest.mark.parametrize(
    ("crit", "value", "codes"),
    [
        (TEXT, None, ["missing_answer"]),
        (TEXT, "   ", ["missing_answer"]),
        (TEXT, "one two three four", ["word_limit"]),
        (TEXT, "one two three", []),
        (NUMBER, None, ["missing_answer"]),
        (NUMBER, Decimal(0), []),
        (RATING, None, ["missing_answer"]),
        (RATING, 1, []),
        (YES_NO, None, ["missing_answer"]),
        (YES_NO, False, []),
    ],
)
def test_completeness_of_a_required_answer(crit, value, codes):
    kind = answer_kind(crit)
    answer = stored(kind, crit, value)

    problems = kind.problems(crit, answer, has_evidence=False)

    assert [problem.code for problem in problems] == codes
    assert all(problem.anchor == "criterion-1.1" for problem in problems)


def test_completeness_of_a_file_criterion_asks_for_evidence():
    kind = answer_kind(FILE)

    missing = kind.problems(FILE, None, has_evidence=False)

    assert [item.code for item in missing] == ["missing_evidence"]
    assert kind.problems(FILE, None, has_evidence=True) == []


def test_completeness_of_an_optional_criterion_asks_nothing():
    optional = criterion(AnswerType.RATING, rating_min=1, rating_max=3, required=False)

    assert answer_kind(optional).problems(optional, None, has_evidence=False) == []


def test_number_size_matches_the_stored_column():
    column = Answer._meta.get_field("number_value")

    assert (column.max_digits, column.decimal_places) == (MAX_DIGITS, DECIMAL_PLACES)


def test_empty_fields_are_the_answer_model_value_fields():
    value_fields = {
        field.name
        for field in Answer._meta.get_fields()
        if field.name.endswith("_value") and field.concrete
    }

    assert set(EMPTY_FIELDS) == value_fields
