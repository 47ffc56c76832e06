"""One unambiguous date style per language, and numbers in the reader's language."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from learningcities.calls.dossier import dossier_context
from tests.calls.factories import Cast

DAY = dt.datetime(2026, 12, 6, 14, 2)


@pytest.mark.parametrize(
    ("language", "date", "moment"),
    [("en", "6 Dec 2026", "6 Dec 2026, 14:02"), ("fr", "6 déc. 2026", "6 déc. 2026 à 14:02")],
)
def test_dates_name_their_month_in_each_language(language, date, moment):
    with translation.override(language):
        assert date_format(DAY, "DATE_FORMAT") == date
        assert date_format(DAY, "SHORT_DATE_FORMAT") == date
        assert date_format(DAY, "DATETIME_FORMAT") == moment
        assert date_format(DAY, "SHORT_DATETIME_FORMAT") == moment


def test_template_date_filter_uses_the_language_of_the_page():
    template = Template('{{ day|date:"DATE_FORMAT" }} {{ day|date:"SHORT_DATE_FORMAT" }}')

    with translation.override("fr"):
        french = template.render(Context({"day": DAY}))

    assert french == "6 déc. 2026 6 déc. 2026"


def test_dates_typed_in_iso_form_are_still_read():
    from django import forms

    with translation.override("fr"):
        field = forms.DateField()
        assert field.clean("2026-12-06") == dt.date(2026, 12, 6)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "population"), [("en", "224,004"), ("fr", "224\u202f004")])
def test_dossier_groups_the_population_in_the_readers_language(language, population):
    submission = Cast().draft()
    submission.population = 224004
    submission.data_year = 2024

    with translation.override(language):
        profile = {str(label): value for label, value in dossier_context(submission)["profile"]}

    assert population in profile.values() or population.replace("\u202f", "\xa0") in (
        profile.values()
    )
    assert 2024 in profile.values()  # the year of the figures is not grouped


@pytest.mark.django_db
def test_home_page_writes_percentages_the_english_way(client):
    from tests.factories import CityFactory, make_member

    make_member(CityFactory())

    html = client.get("/").content.decode()

    assert "100%" in html
    assert "100&nbsp;%" not in html
