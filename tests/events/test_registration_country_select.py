"""The registration form's country selects: drawn once per language, as Django draws them."""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learningcities.common.collation import sorted_by
from learningcities.events.interfaces.country_select import ListedSelect, country_lists
from learningcities.events.interfaces.registration_forms import ParticipantForm
from learningcities.network.models import Country
from learningcities.network.models.countries import localised_country_name
from tests.events.factories_events import CategoryFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [None, "", "FR", "XX", ["DE"]])
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_p-country"},
        {
            "id": "id_p-nationality",
            "required": True,
            "aria-describedby": "id_p-nationality_error",
            "aria-invalid": "true",
            "data-note": '"quoted" & <marked>',
            "disabled": False,
        },
    ],
)
def test_listed_select_renders_as_django_select(value, attrs):
    with translation.override("fr"):
        option_list = country_lists().country
        listed = ListedSelect()
        listed.use(option_list)
        django_select = forms.Select(choices=list(option_list.choices))

        html = listed.render("p-country", value, attrs)

        assert html == django_select.render("p-country", value, attrs)


def test_participant_form_lists_countries_in_language_order():
    with translation.override("fr"):
        form = ParticipantForm()
        codes = Country.objects.values_list("code", flat=True)
        expected = sorted_by(
            [(code, localised_country_name(code)) for code in codes], lambda pair: pair[1]
        )

        choose, not_stated = (
            translation.gettext("Choose a country"),
            translation.gettext("Not stated"),
        )
        assert list(form.fields["country"].choices) == [("", choose), *expected]
        assert list(form.fields["nationality"].choices) == [("", not_stated), *expected]
        assert ("DE", "Allemagne") in expected


def test_country_lists_drawn_once_per_language_and_list_of_countries(django_assert_num_queries):
    with translation.override("fr"):
        french = country_lists()
        with django_assert_num_queries(1):
            assert country_lists() is french
    with translation.override("es"):
        spanish = country_lists()
    Country.objects.create(code="QZ", alpha3="QZZ", name="Testland")
    with translation.override("fr"):
        grown = country_lists()

    assert spanish is not french
    assert ("DE", "Alemania") in spanish.countries
    assert "QZ" not in dict(french.countries)
    assert "QZ" in dict(grown.countries)


def test_participant_form_refuses_a_country_not_listed():
    form = ParticipantForm(
        {
            "p-name": "Amina Diallo",
            "p-email": "amina@example.org",
            "p-country": "XX",
            "p-city_name": "Lille",
            "p-language": "fr",
            "p-nationality": "ZZ",
        },
        prefix="p",
    )

    assert not form.is_valid()
    assert set(form.errors) == {"country", "nationality"}


def test_registration_form_page_keeps_the_chosen_country_after_an_error():
    event = EventFactory(status="registration_open")
    category = CategoryFactory(event=event, is_open_to_public=True)
    url = reverse("events:register-self", kwargs={"slug": event.slug, "category_pk": category.pk})

    response = Client().post(
        url,
        {"p-name": "", "p-email": "amina@example.org", "p-country": "SN", "p-language": "fr"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<option value="SN" selected>Senegal</option>' in html
    assert html.count(" selected>") == 3  # the country, the language, "Not stated"
    assert '<select name="p-country" required id="id_p-country">' in html
