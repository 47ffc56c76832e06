"""The country and nationality lists of the registration forms, sorted and drawn once per language.

A registration form has two lists of some 250 countries. Localising and
sorting them, and rendering each option through Django's widget templates,
cost a form about 30 ms of CPU, nine tenths of its page: too much when a
thousand delegates register in the minute after registration opens. The
sorted lists and their options' HTML are kept in this process per language
and list of country codes (read on each use, one query: a country added or
removed is seen at once); a select then only marks its chosen option.
"""

from dataclasses import dataclass

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from learningcities.accounts.interfaces.forms import nationality_choices
from learningcities.network.models import Country


class ReadyChoices(BaseChoiceIterator):
    """Choices already in Django's canonical form: fields and widgets take them as they are."""

    def __init__(self, choices: tuple[tuple[str, str], ...]):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


@dataclass(frozen=True)
class OptionList:
    """The choices of one select, with the HTML of its options (none chosen)."""

    choices: ReadyChoices
    options_html: str


@dataclass(frozen=True)
class CountryLists:
    """The two lists of a registration form, in one language."""

    countries: tuple[tuple[str, str], ...]
    country: OptionList
    nationality: OptionList


# (language, country codes) -> CountryLists. Entries are immutable and a
# dict's get and set are atomic, so threads share it without a lock; two
# threads drawing the same entry at once store equal values.
_LISTS: dict[tuple[str, tuple[str, ...]], CountryLists] = {}
_MAX_ENTRIES = 64


def options_html(choices) -> str:
    """Return the HTML Django's ``select.html`` draws for ``choices`` when none is chosen."""
    return "".join(
        f'\n  <option value="{conditional_escape(value)}">{conditional_escape(label)}</option>\n'
        for value, label in choices
    )


def _option_list(first: tuple[str, str], countries) -> OptionList:
    choices = (first, *countries)
    return OptionList(choices=ReadyChoices(choices), options_html=options_html(choices))


def country_lists() -> CountryLists:
    """Return every country as (code, name in the active language), sorted, and both selects.

    One query (the countries' codes); the lists are drawn once per language
    and list of codes.
    """
    language = get_language() or "en"
    codes = tuple(Country.objects.order_by("code").values_list("code", flat=True))
    key = (language, codes)
    found = _LISTS.get(key)
    if found is not None:
        return found
    # The profile's list (accounts), so that both name and order countries alike.
    not_stated, *countries = nationality_choices()
    countries = tuple(countries)
    found = CountryLists(
        countries=countries,
        country=_option_list(("", _("Choose a country")), countries),
        nationality=_option_list(not_stated, countries),
    )
    if len(_LISTS) >= _MAX_ENTRIES:
        _LISTS.clear()
    _LISTS[key] = found
    return found


class ListedSelect(forms.Select):
    """A select drawn from the ready HTML of its options, as ``forms.Select`` draws it.

    ``use(option_list)`` gives it its choices; without one it is an ordinary
    select. The same markup, attributes (``id``, ``required``,
    ``aria-describedby``, ``aria-invalid``) and chosen option as Django's
    templates, without a template per option.
    """

    option_list: OptionList | None = None

    def use(self, option_list: OptionList) -> None:
        self.option_list = option_list
        self.choices = option_list.choices

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if self.option_list is None:
            return super().render(name, value, attrs, renderer)
        options = self.option_list.options_html
        # As ChoiceWidget.optgroups: the first option whose value is given is chosen.
        for chosen in self.format_value(value):
            plain = f'<option value="{conditional_escape(chosen)}">'
            if plain in options:
                options = options.replace(plain, plain[:-1] + " selected>", 1)
                break
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every name, value and label is escaped
            f'<select name="{conditional_escape(name)}"{_attributes(final_attrs)}>'
            f"{options}\n</select>"
        )


def _attributes(attrs: dict) -> str:
    """Django's ``attrs.html``: in their order, ``True`` as a bare name, ``False`` left out."""
    return "".join(
        f" {conditional_escape(key)}" if item is True else f' {key}="{conditional_escape(item)}"'
        for key, item in attrs.items()
        if item is not False
    )
