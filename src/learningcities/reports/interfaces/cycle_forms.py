"""The secretariat's forms of progress reports: a cycle, its filters, a review, a lapse.

The forms validate input and hand their cleaned data to the reports domain;
they never save. A cycle's opening and due date are typed as wall-clock
times of the cycle's time zone and made instants in ``clean`` (the helpers
of the events' forms, as the calls' forms do); its reminders are typed as
day offsets from the due date, one field per audience.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.model_fields import (
    setting_bounds,
    setting_default,
    setting_form_field,
    setting_label,
)
from learningcities.events.interfaces.event_forms import (
    DATE_INPUT,
    LOCAL_TIME_INPUT,
    FrameworkChoiceField,
    in_zone,
    local_time,
    time_zone_choices,
)
from learningcities.network.enums import Region

from ..domain.cycles import CycleData
from ..domain.queries.cycles import default_report_framework, reminder_days, report_frameworks
from ..enums import Assessment, Audience, ReportState, Standing
from ..models import ReminderRule, ReportingCycle

# The reminder field of each audience.
REMINDER_FIELDS = {
    Audience.COORDINATORS: "reminders_coordinators",
    Audience.COMMISSION: "reminders_commission",
    Audience.SECRETARIAT: "reminders_secretariat",
}
_SEPARATORS = re.compile(r"[,;\s]+")
_WHOLE = re.compile(r"[+-]?\d{1,4}")


def parse_reminder_days(text: str) -> list[int]:
    """Return the day offsets listed in ``text`` ("-30, -7, 7"), in order, once each.

    Raises ValidationError naming the first item that is not a whole number
    of days or lies outside the reminders' limits.
    """
    low, high = setting_bounds(ReminderRule, "days")
    days: set[int] = set()
    for item in _SEPARATORS.split(text.strip()):
        if not item:
            continue
        if not _WHOLE.fullmatch(item):
            raise forms.ValidationError(
                _("“%(item)s” is not a whole number of days: write numbers such as -30, -7, 7."),
                code="invalid",
                params={"item": item[:20]},
            )
        value = int(item)
        if not low <= value <= high:
            raise forms.ValidationError(
                _(
                    "“%(item)s” is out of range: a reminder comes from %(low)s to %(high)s days "
                    "from the due date."
                ),
                code="out_of_range",
                params={"item": item, "low": low, "high": high},
            )
        days.add(value)
    return sorted(days)


def _reminder_field(label, help_text) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=200, help_text=help_text)


class CycleForm(forms.Form):
    """A reporting cycle's settings and reminders (``CycleData`` and ``set_reminders``' pairs).

    With ``cycle``, the form edits it: the code never changes, and the
    questionnaire is locked once the cycle has reports.
    """

    code = setting_form_field(
        ReportingCycle,
        "code",
        help_text=_("Letters, digits and hyphens, such as 2025-2027; it is part of the addresses."),
    )
    name = setting_form_field(ReportingCycle, "name")
    language = forms.ChoiceField(
        label=_("Language of the name and instructions"),
        choices=language_choices,
        initial=setting_default(ReportingCycle, "language"),
    )
    instructions = setting_form_field(
        ReportingCycle, "instructions", widget=forms.Textarea(attrs={"rows": 5})
    )
    framework = FrameworkChoiceField(
        label=_("Questionnaire"),
        queryset=report_frameworks(),
        help_text=_("The questions of every report of this cycle: a progress-report framework."),
    )
    period_start = setting_form_field(ReportingCycle, "period_start", widget=DATE_INPUT)
    period_end = setting_form_field(ReportingCycle, "period_end", widget=DATE_INPUT)
    opens = forms.DateTimeField(
        label=setting_label(ReportingCycle, "opens_at"),
        widget=LOCAL_TIME_INPUT,
        help_text=_("Local time in the cycle's time zone; the cities may submit from then."),
    )
    due = forms.DateTimeField(
        label=setting_label(ReportingCycle, "due_at"),
        widget=LOCAL_TIME_INPUT,
        help_text=_("Local time in the cycle's time zone; the deadline announced to cities."),
    )
    time_zone = forms.ChoiceField(
        label=setting_label(ReportingCycle, "time_zone"),
        choices=time_zone_choices,
        initial=setting_default(ReportingCycle, "time_zone"),
        help_text=_("The zone the dates are typed in, and shown in to every reader."),
    )
    admitted_before = setting_form_field(
        ReportingCycle,
        "admitted_before",
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "Members whose membership began before this day report in this cycle; later "
            "joiners report in the next. Empty: the first day of the period covered."
        ),
    )
    hold_after_days = setting_form_field(ReportingCycle, "hold_after_days")
    grace_days = setting_form_field(ReportingCycle, "grace_days")
    max_extension_days = setting_form_field(ReportingCycle, "max_extension_days")
    reminders_coordinators = _reminder_field(
        _("Reminders to the city's coordinators"),
        _("Days from the due date, separated by commas; negative before it: -30, -7, 7."),
    )
    reminders_commission = _reminder_field(
        _("Reminders to the National Commission"),
        _("Days from the due date of a report not yet in, such as 30."),
    )
    reminders_secretariat = _reminder_field(
        _("Reminders to the secretariat"),
        _("Days from the due date of a report not yet in, such as 60."),
    )

    def __init__(self, *args, cycle: ReportingCycle | None = None, has_reports=False, **kwargs):
        self.cycle = cycle
        kwargs.setdefault("initial", cycle_initial(cycle) if cycle else new_cycle_initial())
        super().__init__(*args, **kwargs)
        if cycle is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code of a cycle does not change.")
            if has_reports:
                self.fields["framework"].disabled = True
                self.fields["framework"].help_text = _(
                    "Cities have reports in this cycle: its questionnaire no longer changes."
                )

    def clean_code(self) -> str:
        return self.cycle.code if self.cycle else self.cleaned_data["code"]

    def clean(self) -> dict:
        data = super().clean()
        self._clean_dates(data)
        self._clean_period(data)
        self._clean_reminders(data)
        return data

    def _clean_dates(self, data: dict) -> None:
        """Make the opening and due date instants of the chosen zone, in order."""
        zone = data.get("time_zone")
        if not (zone and data.get("opens") and data.get("due")):
            return
        data["opens_at"] = in_zone(data["opens"], zone)
        data["due_at"] = in_zone(data["due"], zone)
        if data["due_at"] <= data["opens_at"]:
            self.add_error("due", _("The due date must come after the opening."))

    def _clean_period(self, data: dict) -> None:
        """Check the period's order; an empty cut-off is the period's first day."""
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The period covered must end after it starts."))
        if start and not data.get("admitted_before"):
            data["admitted_before"] = start

    def _clean_reminders(self, data: dict) -> None:
        for name in REMINDER_FIELDS.values():
            if name not in data:
                continue
            try:
                data[name] = parse_reminder_days(data[name])
            except forms.ValidationError as error:
                self.add_error(name, error)

    def cycle_data(self) -> CycleData:
        """Return the cycle's settings from the cleaned form."""
        data = self.cleaned_data
        return CycleData(
            code=data["code"],
            name=data["name"],
            language=data["language"],
            instructions=data["instructions"],
            framework=data["framework"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            opens_at=data["opens_at"],
            due_at=data["due_at"],
            time_zone=data["time_zone"],
            admitted_before=data["admitted_before"],
            hold_after_days=data["hold_after_days"],
            grace_days=data["grace_days"],
            max_extension_days=data["max_extension_days"],
        )

    def reminders(self) -> list[tuple[int, str]]:
        """Return the reminders as ``(days, audience)`` pairs."""
        return [
            (days, audience)
            for audience, name in REMINDER_FIELDS.items()
            for days in self.cleaned_data[name]
        ]


def _listed(days) -> str:
    return ", ".join(str(day) for day in days)


def new_cycle_initial() -> dict:
    """Return a new cycle's initial values: the newest report framework, the default reminders."""
    from ..enums import DEFAULT_REMINDERS

    framework = default_report_framework()
    initial = {
        name: _listed(d for d, a in DEFAULT_REMINDERS if a == audience)
        for audience, name in REMINDER_FIELDS.items()
    }
    if framework is not None:
        initial["framework"] = framework.pk
    return initial


def cycle_initial(cycle: ReportingCycle) -> dict:
    """Return the form's initial values from ``cycle`` (dates as local times of its zone)."""
    days = reminder_days(cycle)
    return {
        "code": cycle.code,
        "name": cycle.name,
        "language": cycle.language,
        "instructions": cycle.instructions,
        "framework": cycle.framework_id,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "opens": local_time(cycle.opens_at, cycle.time_zone),
        "due": local_time(cycle.due_at, cycle.time_zone),
        "time_zone": cycle.time_zone,
        "admitted_before": cycle.admitted_before,
        "hold_after_days": cycle.hold_after_days,
        "grace_days": cycle.grace_days,
        "max_extension_days": cycle.max_extension_days,
        **{name: _listed(days.get(audience, [])) for audience, name in REMINDER_FIELDS.items()},
    }


class ReportFilterForm(forms.Form):
    """Filters of a cycle's table of reports (query string)."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReportState.choices]
    )
    standing = forms.ChoiceField(
        label=_("Standing"),
        required=False,
        choices=[("", _("Any standing")), *Standing.choices],
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", _("Any country")),
            *((country.code, country.display_name) for country in countries),
        ]

    def chosen(self) -> dict:
        """Return the filters chosen (empty strings for none, all empty when invalid)."""
        names = ("state", "standing", "region", "country")
        if not self.is_bound or not self.is_valid():
            return dict.fromkeys(names, "")
        return {name: self.cleaned_data[name] for name in names}


class ReturnForm(forms.Form):
    """The secretariat's feedback when it returns a report: one text per section, one at least."""

    comment = forms.CharField(
        label=_("Message to the city (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the activity log and sent with the notice."),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, prefix="return", **kwargs)
        self.section_fields = []
        for section in sections:
            name = f"section_{section.pk}"
            self.fields[name] = forms.CharField(
                label=_("Feedback on %(section)s %(title)s")
                % {"section": section.code, "title": section.title},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.section_fields.append((section.pk, name))

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not self.feedback():
            raise forms.ValidationError(
                _("Give feedback on at least one section: the city reads it beside that section."),
                code="required",
            )
        return data

    def feedback(self) -> dict[int, str]:
        """Return ``{section id: text}`` of the sections given feedback."""
        found = {}
        for pk, name in self.section_fields:
            text = (self.cleaned_data.get(name) or "").strip()
            if text:
                found[pk] = text
        return found

    def section_inputs(self) -> list:
        """Return the bound fields of the sections, in order."""
        return [self[name] for _pk, name in self.section_fields]


class AcceptForm(forms.Form):
    """The secretariat's assessment of an accepted report."""

    assessment = forms.ChoiceField(
        label=_("Assessment"), choices=Assessment.choices, widget=forms.RadioSelect
    )
    assessment_text = forms.CharField(
        label=_("Achievements and efforts"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the city achieved and the efforts it made in the period covered."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="accept", **kwargs)

    def clean_assessment_text(self) -> str:
        text = self.cleaned_data["assessment_text"].strip()
        if not text:
            raise forms.ValidationError(
                _("Write the assessment of the city's achievements and efforts."), code="required"
            )
        return text


class StageLapseForm(forms.Form):
    """The reason a member's lapse is staged (the city's people read it in the notice)."""

    reason = forms.CharField(
        label=_("Reason for the lapse"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The city's coordinators and National Commission read it when it is released."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the membership lapses."), code="required")
        return reason


class ReleaseLapsesForm(forms.Form):
    """The confirmation of a release: the box, and the number of lapses the page showed."""

    confirm = forms.BooleanField(
        label=_("I understand that these memberships end and the cities are told."),
        error_messages={"required": _("Tick the box to confirm the release.")},
    )
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=1_000_000)

    def __init__(self, *args, staged: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.staged = staged
        self.fields["expected"].initial = staged

    def clean_expected(self) -> int:
        expected = self.cleaned_data["expected"]
        if expected != self.staged:
            raise forms.ValidationError(
                _(
                    "The staged lapses changed since the page was shown (%(shown)s then, "
                    "%(now)s now): check them and confirm again."
                ),
                code="stale",
                params={"shown": expected, "now": self.staged},
            )
        return expected
