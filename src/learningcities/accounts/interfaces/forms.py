"""Forms of the account pages: profile, invitation acceptance and API tokens."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from learningcities.common.collation import sorted_by
from learningcities.network.models import Country
from learningcities.network.models.countries import localised_country_name

from ..enums import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, Scope


def nationality_choices() -> list[tuple[str, str]]:
    """Return every country as (code, name in the active language), in that language's order."""
    names = [
        (code, localised_country_name(code))
        for code in Country.objects.values_list("code", flat=True)
    ]
    return [("", _("Not stated")), *sorted_by(names, lambda pair: pair[1])]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of your pages after you log in, and of the mail the platform sends you."
        ),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        help_text=_("Used to keep jurors away from applications of their own country."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["nationality"].choices = nationality_choices()

    def clean_nationality(self) -> Country | None:
        code = self.cleaned_data.get("nationality")
        return Country.objects.get(code=code) if code else None


class AcceptInvitationForm(forms.Form):
    """Name and password of the account an invitation creates."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            # Check as the account will be: the rules compare with the address.
            from ..models import User

            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TokenForm(forms.Form):
    """A new API token: for which organisation, named how, allowed what, for how long."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, such as “Our statistics dashboard”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("It may"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what your role in the organisation allows you to do yourself."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation, _s in organisations}
        self.fields["organisation"].choices = [
            (organisation.pk, organisation.name) for organisation, _s in organisations
        ]
        allowed = {scope for _o, scopes in organisations for scope in scopes}
        self.fields["scopes"].choices = [
            (value, label) for value, label in Scope.choices if value in allowed
        ]
