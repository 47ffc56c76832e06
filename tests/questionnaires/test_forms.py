"""The answers form: one field a criterion, evidence beside it, posted values by criterion."""

from django.core.files.uploadedfile import SimpleUploadedFile

from learningcities.calls.models import Answer
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion
from learningcities.questionnaires.forms import AnswersForm
from tests.common.files import PDF

TEXT = Criterion(pk=1, code="1.1", title="Text", answer_type=AnswerType.TEXT, guidance="Be brief.")
YES_NO = Criterion(pk=2, code="1.2", title="Yes or no", answer_type=AnswerType.YES_NO)
FILE = Criterion(pk=3, code="1.3", title="File", answer_type=AnswerType.FILE, file_kinds=["pdf"])
AWARD = Criterion(
    pk=4, code="1.4", title="Account", answer_type=AnswerType.TEXT, file_kinds=["pdf"]
)


def test_fields_of_each_criterion():
    form = AnswersForm(criteria=[TEXT, YES_NO, FILE, AWARD])

    assert list(form.fields) == [
        "answer-1.1",
        "answer-1.2",
        "evidence-1.3",
        "answer-1.4",
        "evidence-1.4",
    ]
    assert form.fields["answer-1.1"].help_text == "Be brief."
    assert form.main_field(FILE).name == "evidence-1.3"
    assert form.side_evidence_field(AWARD).name == "evidence-1.4"
    assert form.side_evidence_field(FILE) is None


def test_initial_from_stored_answers():
    answers = {2: Answer(criterion=YES_NO, boolean_value=False)}

    assert AnswersForm.initial_for([TEXT, YES_NO], answers) == {
        "answer-1.1": "",
        "answer-1.2": "no",
    }


def test_posted_values_leave_out_what_was_not_posted_and_errors():
    form = AnswersForm({"answer-1.2": "yes", "answer-1.4": ""}, criteria=[TEXT, YES_NO, AWARD])
    form.is_valid()

    assert [(c.code, value) for c, _name, value in form.posted_values(form.data)] == [
        ("1.2", True),
        ("1.4", None),
    ]


def test_uploads_pair_each_file_with_its_criterion():
    upload = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
    form = AnswersForm({}, {"evidence-1.3": upload}, criteria=[FILE])
    form.is_valid()

    assert [(c.code, name) for c, name, _upload in form.uploads()] == [("1.3", "evidence-1.3")]
