"""Forms of a city's progress report: a section's answers with their figures, the extension.

``ReportSectionForm`` is the questionnaire engine's ``AnswersForm`` plus,
for each indicator (a number question), the year the figure describes and
its source. A value that does not fit its question is an error on its field
(the others still save); a written answer sent back exactly as it was (but
for the browser's line endings) keeps its "unchanged since the last report"
mark.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcities.frameworks.enums import AnswerType
from learningcities.questionnaires.answers import answer_kind
from learningcities.questionnaires.forms import AnswersForm, answer_field_name
from learningcities.questionnaires.values import InvalidValue

from ..domain.answers import MAX_YEAR, MIN_YEAR, Figure
from ..domain.notices import in_zone


def year_field_name(criterion) -> str:
    """Return the name of the field of the year an indicator's figure describes."""
    return f"year-{criterion.code}"


def source_field_name(criterion) -> str:
    """Return the name of the field of an indicator's source."""
    return f"source-{criterion.code}"


def _is_figure(criterion) -> bool:
    return criterion.answer_type == AnswerType.NUMBER


def _same_text(posted: str, stored: str) -> bool:
    """Tell whether two texts differ only by their line endings (browsers send CRLF)."""
    return posted.replace("\r\n", "\n") == stored.replace("\r\n", "\n")


class ReportSectionForm(AnswersForm):
    """The answers to one section of a report, with the year and source of each figure.

    ``answers``: ``{criterion id: ReportAnswer}`` of the section, to fill the
    form and to tell an answer sent back unchanged.
    """

    def __init__(self, *args, criteria=(), answers=None, **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        self.stored = dict(answers or {})
        year_error = _("The year of the figure must be a whole number from %(min)d to %(max)d.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
        for criterion in self.criteria:
            if not _is_figure(criterion):
                continue
            self.fields[year_field_name(criterion)] = forms.IntegerField(
                label=_("Year of the figure %(code)s") % {"code": criterion.code},
                required=False,
                min_value=MIN_YEAR,
                max_value=MAX_YEAR,
                help_text=_("The year the figure describes (needed to submit the report)."),
                error_messages={
                    "invalid": year_error,
                    "min_value": year_error,
                    "max_value": year_error,
                },
            )
            self.fields[source_field_name(criterion)] = forms.CharField(
                label=_("Source of the figure %(code)s") % {"code": criterion.code},
                required=False,
                max_length=300,
                help_text=_("Where the figure comes from, such as a statistics office."),
            )

    @classmethod
    def initial_for(cls, criteria, answers) -> dict[str, str]:
        """Return the initial answers, years and sources (``{criterion id: answer}``)."""
        initial = super().initial_for(criteria, answers)
        for criterion in criteria:
            answer = answers.get(criterion.pk)
            if _is_figure(criterion) and answer is not None:
                initial[year_field_name(criterion)] = answer.data_year or ""
                initial[source_field_name(criterion)] = answer.source
        return initial

    def clean(self):
        """Check each posted value against its question's type, on its own field."""
        data = super().clean()
        for criterion in self.criteria:
            kind = answer_kind(criterion)
            name = answer_field_name(criterion)
            if not kind.has_value or name not in self.data or name in self.errors:
                continue
            value = kind.from_form(criterion, data.get(name))
            if value is None:
                continue
            try:
                kind.clean(criterion, value)
            except InvalidValue as error:
                self.add_error(name, str(error))
        return data

    def figure_fields(self, criterion) -> tuple[forms.BoundField, forms.BoundField] | None:
        """Return the year and source fields of an indicator (None for another question)."""
        if not _is_figure(criterion):
            return None
        return self[year_field_name(criterion)], self[source_field_name(criterion)]

    def changed_values(self, posted) -> dict:
        """Return ``{criterion: value}`` of the answers posted without error.

        A written answer posted as stored (but for line endings) keeps the
        stored text, so it stays marked unchanged.
        """
        values = {}
        for criterion, _name, value in self.posted_values(posted):
            answer = self.stored.get(criterion.pk)
            if (
                isinstance(value, str)
                and answer is not None
                and _same_text(value, answer.text_value or "")
            ):
                value = answer.text_value
            values[criterion] = value
        return values

    def posted_figures(self, posted) -> dict[int, Figure]:
        """Return ``{criterion id: Figure}`` of the years and sources posted without error.

        A field not posted keeps its stored value (autosave posts what changed).
        """
        figures = {}
        for criterion in self.criteria:
            if not _is_figure(criterion):
                continue
            year, source = year_field_name(criterion), source_field_name(criterion)
            if (year not in posted and source not in posted) or year in self.errors:
                continue
            if source in self.errors:
                continue
            answer = self.stored.get(criterion.pk)
            figures[criterion.pk] = Figure(
                data_year=self.cleaned_data.get(year)
                if year in posted
                else (answer.data_year if answer else None),
                source=self.cleaned_data.get(source, "")
                if source in posted
                else (answer.source if answer else ""),
            )
        return figures


class ExtensionForm(forms.Form):
    """The city's one extension: the new due day (at the cycle's due time) and why."""

    until = forms.DateField(
        label=gettext_lazy("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date such as 2027-03-31.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the extension"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept in the report's activity log and sent to the city."),
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        zone = ZoneInfo(cycle.time_zone)
        self.due_local = cycle.due_at.astimezone(zone)
        latest = cycle.due_at + dt.timedelta(days=cycle.max_extension_days)
        self.latest_local = latest.astimezone(zone)
        widget = self.fields["until"].widget
        widget.attrs["min"] = (self.due_local.date() + dt.timedelta(days=1)).isoformat()
        widget.attrs["max"] = self.latest_local.date().isoformat()
        self.fields["until"].help_text = _(
            "The report is then due at %(time)s on that day (%(zone)s); at the latest %(latest)s."
        ) % {
            "time": self.due_local.strftime("%H:%M"),
            "zone": cycle.time_zone,
            "latest": in_zone(latest, cycle.time_zone),
        }

    def until_at(self) -> dt.datetime:
        """Return the new due instant: the cycle's due time on the day chosen, in its zone."""
        day = self.cleaned_data["until"]
        zone = ZoneInfo(self.cycle.time_zone)
        return dt.datetime.combine(day, self.due_local.timetz().replace(tzinfo=None), tzinfo=zone)
