"""The secretariat's forms: a new call, the dashboard's filters and the screening actions."""

import datetime as dt
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.frameworks.models import Framework
from learningcities.network.enums import Region

from ..enums import CallKind, CallLanguage, DeadlineAction, SubmissionState


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code} {obj.version})"


class CallForm(forms.Form):
    """A new call: its kind, window in a time zone, framework version and rules.

    Dates are typed as local times of the chosen time zone; ``clean`` turns
    them into instants (``opens_at`` / ``closes_at`` in ``cleaned_data``).
    """

    kind = forms.ChoiceField(label=_("Kind"), choices=CallKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    framework = FrameworkChoiceField(
        label=_("Framework version"),
        queryset=Framework.objects.order_by("code", "version"),
        help_text=_("The questions of every submission to this call stay those of this version."),
    )
    opens = forms.DateTimeField(
        label=_("Opens"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time in the call's time zone."),
    )
    closes = forms.DateTimeField(
        label=_("Closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time in the call's time zone; the deadline announced to cities."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="UTC", choices=time_zone_choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=CallLanguage.choices, initial=CallLanguage.EN
    )
    endorsement_days = forms.IntegerField(
        label=_("Endorsement window (days)"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("Days the National Commission has to act after a city submits."),
    )
    endorsement_reminder_days = forms.IntegerField(
        label=_("Reminder before the endorsement deadline (days)"),
        min_value=1,
        max_value=364,
        required=False,
        initial=7,
        help_text=_(
            "The National Commission is reminded this many days before its deadline. "
            "Empty: no reminder."
        ),
    )
    deadline_action = forms.ChoiceField(
        label=_("At the endorsement deadline"),
        choices=DeadlineAction.choices,
        initial=DeadlineAction.DECLINE,
    )
    quota_per_country = forms.IntegerField(
        label=_("Endorsements per country"),
        min_value=1,
        max_value=1000,
        required=False,
        initial=3,
        help_text=_("Empty: no quota."),
    )
    population_minimum = forms.IntegerField(
        label=_("Minimum population"), min_value=0, required=False
    )
    require_not_member = forms.BooleanField(label=_("Only cities not yet members"), required=False)
    member_for_months = forms.IntegerField(
        label=_("Member for more than (months)"), min_value=0, max_value=1200, required=False
    )
    not_winner_within_years = forms.IntegerField(
        label=_("Not a winner within (years)"), min_value=1, max_value=100, required=False
    )
    manual_checks = forms.CharField(
        label=_("Manual checks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One check per line, such as “Mayor's letter signed”."),
    )

    def clean_manual_checks(self) -> list[str]:
        lines = self.cleaned_data["manual_checks"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean(self) -> dict:
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name and data.get("opens") and data.get("closes"):
            zone = zoneinfo.ZoneInfo(zone_name)
            data["opens_at"] = _in_zone(data["opens"], zone)
            data["closes_at"] = _in_zone(data["closes"], zone)
            if data["opens_at"] >= data["closes_at"]:
                self.add_error("closes", _("The call must close after it opens."))
        window, reminder = data.get("endorsement_days"), data.get("endorsement_reminder_days")
        if window and reminder and reminder >= window:
            self.add_error(
                "endorsement_reminder_days",
                _("The reminder must come before the endorsement window of %(days)s days ends.")
                % {"days": window},
            )
        return data

    def call_settings(self) -> dict:
        """Return the keyword arguments of ``create_call`` from the cleaned form."""
        data = self.cleaned_data
        fields = (
            "kind",
            "title",
            "framework",
            "opens_at",
            "closes_at",
            "time_zone",
            "language",
            "endorsement_days",
            "endorsement_reminder_days",
            "deadline_action",
            "quota_per_country",
            "population_minimum",
            "require_not_member",
            "member_for_months",
            "not_winner_within_years",
            "manual_checks",
        )
        return {name: data[name] for name in fields}


def _in_zone(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant of the wall-clock time ``moment`` in ``zone``."""
    return moment.replace(tzinfo=None).replace(tzinfo=zone)


class SubmissionFilterForm(forms.Form):
    """Filters of a call's list of submissions."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *SubmissionState.choices],
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    country = forms.CharField(
        label=_("Country code"),
        required=False,
        max_length=2,
        help_text=_("Two letters, such as IE."),
    )

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


class ManualCheckForm(forms.Form):
    """The secretariat's answer to one manual check of a call."""

    code = forms.CharField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Passed")), ("no", _("Failed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


ELIGIBLE, INELIGIBLE, NEEDS_CHANGES = "eligible", "ineligible", "needs_changes"


class ScreeningActionForm(forms.Form):
    """A screening decision; ineligible needs a reason, needs changes needs comments."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    LABELS = {
        ELIGIBLE: _("Comment (optional)"),
        INELIGIBLE: _("Reason it is ineligible"),
        NEEDS_CHANGES: _("What the city should change"),
    }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        self.fields["comment"].label = self.LABELS[action]
        if action != ELIGIBLE:
            self.fields["comment"].widget.attrs["aria-required"] = "true"

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.action != ELIGIBLE and not comment:
            raise forms.ValidationError(_("Say why: the city reads this comment."), code="required")
        return comment
