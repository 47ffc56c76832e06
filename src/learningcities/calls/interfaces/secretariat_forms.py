"""The secretariat's forms: a new call, the dashboard's filters and the screening actions."""

import datetime as dt
import uuid
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.common.model_fields import setting_default, setting_form_field, setting_label
from learningcities.frameworks.models import Framework
from learningcities.network.enums import Region

from ..domain.messages import BODY_MAX, SUBJECT_MAX
from ..enums import COMMENT_REQUIRED, CallKind, Move, SubmissionState
from ..models import Call


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

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CallKind.choices,
        help_text=_(
            "No National Commission endorses the proposals to a call for presentations: "
            "its endorsement window, reminder, deadline action and quota are not used, and "
            "it requires no document."
        ),
    )
    title = setting_form_field(Call, "title")
    framework = FrameworkChoiceField(
        label=_("Framework version"),
        queryset=Framework.objects.order_by("code", "version"),
        help_text=_("The questions of every submission to this call stay those of this version."),
    )
    # Typed as wall-clock times of the call's zone (``clean`` makes them instants).
    opens = forms.DateTimeField(
        label=setting_label(Call, "opens_at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time in the call's time zone."),
    )
    closes = forms.DateTimeField(
        label=setting_label(Call, "closes_at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time in the call's time zone; the deadline announced to cities."),
    )
    time_zone = forms.ChoiceField(
        label=setting_label(Call, "time_zone"),
        initial=setting_default(Call, "time_zone"),
        help_text=Call._meta.get_field("time_zone").help_text,
        choices=time_zone_choices,
    )
    language = setting_form_field(Call, "language")
    endorsement_days = setting_form_field(Call, "endorsement_days")
    endorsement_reminder_days = setting_form_field(Call, "endorsement_reminder_days")
    deadline_action = setting_form_field(Call, "deadline_action")
    quota_per_country = setting_form_field(Call, "quota_per_country")
    population_minimum = setting_form_field(Call, "population_minimum")
    require_not_member = setting_form_field(Call, "require_not_member")
    member_for_months = setting_form_field(Call, "member_for_months")
    not_winner_within_years = setting_form_field(Call, "not_winner_within_years")
    # Typed one per line (``clean_manual_checks``), stored as a list.
    manual_checks = forms.CharField(
        label=setting_label(Call, "manual_checks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=Call._meta.get_field("manual_checks").help_text,
    )
    description = setting_form_field(Call, "description", widget=forms.Textarea(attrs={"rows": 6}))
    guidelines = setting_form_field(Call, "guidelines", widget=forms.Textarea(attrs={"rows": 6}))

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
            "description",
            "guidelines",
        )
        return {name: data[name] for name in fields}


def _in_zone(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant of the wall-clock time ``moment`` in ``zone``."""
    return moment.replace(tzinfo=None).replace(tzinfo=zone)


def _local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    """The wall-clock time of the instant ``moment`` in ``zone_name``, without its zone."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


# The form's field of each of the call's settings it edits (the dates are typed
# as local times: ``opens`` and ``closes`` stand for ``opens_at`` and ``closes_at``).
FORM_FIELD = {"opens_at": "opens", "closes_at": "closes"}


class CallEditForm(CallForm):
    """A call's settings as they are; those its phase locks are shown disabled, with why.

    ``locks`` maps settings of the call to the sentence saying why each is
    locked (``locked_call_fields``); a disabled field keeps the call's value
    whatever is posted, and the domain refuses a change to it anyway.
    """

    def __init__(self, *args, call, locks: dict[str, str], **kwargs):
        kwargs.setdefault("initial", call_initial(call))
        super().__init__(*args, **kwargs)
        self.call = call
        self.locks = {FORM_FIELD.get(name, name): reason for name, reason in locks.items()}
        for name, reason in self.locks.items():
            field = self.fields.get(name)
            if field is not None:
                field.disabled = True
                field.help_text = reason
        if "closes" not in self.locks and call.opens_at <= dt.datetime.now(dt.UTC):
            self.fields["closes"].help_text = _(
                "Local time in the call's time zone. The call is open: its closing date "
                "may move, but not to the past."
            )

    def changed_settings(self) -> dict:
        """Return the settings of the call from the cleaned form, the locked ones left out.

        A date typed to the minute that the call holds with seconds is no change.
        """
        settings = self.call_settings()
        for name in FORM_FIELD:
            old = getattr(self.call, name)
            if old.replace(second=0, microsecond=0) == settings[name]:
                settings[name] = old
        locked = set(self.locks)
        return {
            name: value
            for name, value in settings.items()
            if FORM_FIELD.get(name, name) not in locked
        }


def call_initial(call) -> dict:
    """Return the form's initial values from ``call`` (dates as local times of its zone)."""
    return {
        "kind": call.kind,
        "title": call.title,
        "framework": call.framework_id,
        "opens": _local(call.opens_at, call.time_zone),
        "closes": _local(call.closes_at, call.time_zone),
        "time_zone": call.time_zone,
        "language": call.language,
        "endorsement_days": call.endorsement_days,
        "endorsement_reminder_days": call.endorsement_reminder_days,
        "deadline_action": call.deadline_action,
        "quota_per_country": call.quota_per_country,
        "population_minimum": call.population_minimum,
        "require_not_member": call.require_not_member,
        "member_for_months": call.member_for_months,
        "not_winner_within_years": call.not_winner_within_years,
        "manual_checks": "\n".join(call.manual_checks),
        "description": call.description,
        "guidelines": call.guidelines,
    }


class CallAttachmentForm(forms.Form):
    """A document published with a call: its title and its file."""

    title = forms.CharField(
        label=_("Title of the document"),
        max_length=200,
        help_text=_("Such as “Terms of the call” or “Application form (Word)”."),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, image or office document. Anyone may download it.")
    )


class DeadlineExtensionForm(forms.Form):
    """A new deadline for one city, typed as a local time of the call's zone, and why."""

    until = forms.DateTimeField(
        label=_("New deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the activity log and sent to the city's coordinators."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["until"].help_text = _(
            "Local time in the call's time zone (%(zone)s); after the call closes."
        ) % {"zone": call.time_zone}

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why: the city reads this reason."), code="required")
        return reason

    def clean_until(self) -> dt.datetime:
        until = _in_zone(self.cleaned_data["until"], zoneinfo.ZoneInfo(self.call.time_zone))
        if until <= dt.datetime.now(dt.UTC):
            raise forms.ValidationError(_("Choose a moment in the future."), code="past")
        return until


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


class MoveForm(forms.Form):
    """The comment of one move the secretariat makes (``enums.Move``).

    Each move has its own form on the page (``prefix`` = its action), so an
    error shows next to the field it is about. Required where the state asks
    for a reason (``COMMENT_REQUIRED``): the city reads it.
    """

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, move: Move, **kwargs):
        super().__init__(*args, prefix=move.action, **kwargs)
        self.move = move
        self.action = move.action
        self.fields["comment"].label = move.comment_label
        if self.needs_reason:  # checked in clean_comment, with a message that says why
            self.fields["comment"].widget.attrs["aria-required"] = "true"

    @property
    def needs_reason(self) -> bool:
        return self.move.state in COMMENT_REQUIRED

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.needs_reason and not comment:
            raise forms.ValidationError(_("Say why: the city reads this comment."), code="required")
        return comment


class CallMessageForm(forms.Form):
    """A message to the people of a call: who (an audience, filtered) and what.

    The preview's send button carries the message (``for_sending``) with a
    new ``send_key``, which makes the sending happen once whatever the
    number of clicks, and the ``expected`` count, which tells whether the
    recipients changed since the preview.
    """

    audience = forms.ChoiceField(label=_("To"), widget=forms.RadioSelect)
    state = forms.ChoiceField(
        label=_("Only the people of applications in this state"),
        required=False,
        choices=[("", _("Any state")), *SubmissionState.choices],
    )
    region = forms.ChoiceField(
        label=_("Only the people of applications from this region"),
        required=False,
        choices=[("", _("Any region")), *Region.choices],
    )
    country = forms.CharField(
        label=_("Only the people of applications from this country"),
        required=False,
        max_length=2,
        help_text=_("Two letters, such as IE."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Sent as written, after a greeting, to each person on their own; "
            "the mail's frame is in each person's language."
        ),
    )

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [
            (audience.code, audience.label) for audience in audiences
        ]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError(_("Two letters, such as IE."), code="invalid")
        return country

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("Write a subject."), code="required")
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write the text of the message."), code="required")
        return body

    def filters(self) -> dict[str, str]:
        """Return the chosen filters (state, region, country) from the cleaned form."""
        return {name: self.cleaned_data[name] for name in ("state", "region", "country")}

    def for_sending(self, *, count: int) -> list[tuple[str, str]]:
        """Return the hidden fields of the send button: the message, a new key, the count."""
        data = self.cleaned_data
        names = ("audience", "state", "region", "country", "subject", "body")
        return [
            *((name, data[name]) for name in names),
            ("send_key", uuid.uuid4().hex),
            ("expected", str(count)),
        ]
