"""The form of a questionnaire's answers: one field a criterion, made by its answer type."""

from django import forms

from .answers import answer_kind


def answer_field_name(criterion) -> str:
    """Return the name of the criterion's answer field (``answer-1.2``)."""
    return f"answer-{criterion.code}"


def evidence_field_name(criterion) -> str:
    """Return the name of the criterion's evidence upload field (``evidence-1.2``)."""
    return f"evidence-{criterion.code}"


def _with_guidance(field: forms.Field, guidance: str) -> forms.Field:
    if guidance:
        field.help_text = " ".join(str(part) for part in (guidance, field.help_text) if part)
    return field


class AnswersForm(forms.Form):
    """The answers to ``criteria``, one field per criterion, plus their evidence uploads.

    Every field is optional: drafts save as typed, completeness is checked at
    submission. A criterion answered by evidence only has its upload field alone.
    """

    def __init__(self, *args, criteria=(), **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            kind = answer_kind(criterion)
            field = kind.form_field(criterion)
            if field is not None:
                self.fields[answer_field_name(criterion)] = _with_guidance(
                    field, criterion.guidance
                )
            if kind.takes_evidence(criterion):
                self.fields[evidence_field_name(criterion)] = kind.evidence_field(criterion)

    @classmethod
    def initial_for(cls, criteria, answers) -> dict[str, str]:
        """Return the initial values of the answers (``{criterion id: answer}``)."""
        return {
            answer_field_name(c): answer_kind(c).initial(c, answers.get(c.pk)) for c in criteria
        }

    def main_field(self, criterion) -> forms.BoundField:
        """Return the criterion's own field: its answer, or its upload when it has no value."""
        if answer_kind(criterion).has_value:
            return self[answer_field_name(criterion)]
        return self[evidence_field_name(criterion)]

    def side_evidence_field(self, criterion) -> forms.BoundField | None:
        """Return the upload of documents beside a written answer, if the criterion has one."""
        kind = answer_kind(criterion)
        if kind.has_value and kind.takes_evidence(criterion):
            return self[evidence_field_name(criterion)]
        return None

    def uploads(self):
        """Yield ``(criterion, field name, upload)`` for each valid evidence upload."""
        for criterion in self.criteria:
            name = evidence_field_name(criterion)
            if name in self.fields and name not in self.errors:
                upload = self.cleaned_data.get(name)
                if upload:
                    yield criterion, name, upload

    def posted_values(self, posted):
        """Yield ``(criterion, field name, value)`` for each answer posted without error.

        ``posted`` is the request's data: an answer not in it is left as it is.
        """
        for criterion in self.criteria:
            kind = answer_kind(criterion)
            name = answer_field_name(criterion)
            if not kind.has_value or name not in posted or name in self.errors:
                continue
            yield criterion, name, kind.from_form(criterion, self.cleaned_data.get(name))
