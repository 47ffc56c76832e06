"""The API's document takes the meaning, unit and dataset of its public fields from the data
dictionary, in English whatever the request's language, and their types agree."""

import copy

import pytest
from django.utils import translation

from learningcities.api.urls import api
from learningcities.opendata.domain.datasets import DATASETS
from learningcities.opendata.interfaces.api_schema import API_FIELDS, carried, mismatches

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json", headers={"accept-language": "fr"}).json()


def _field(dataset: str, name: str):
    return next(f for f in DATASETS[dataset].fields if f.name == name)


def test_every_carried_property_has_its_fields_type():
    assert mismatches(api.get_openapi_schema()) == []


def test_a_property_whose_type_differs_from_its_field_is_named():
    document = copy.deepcopy(api.get_openapi_schema())
    document["components"]["schemas"]["CityOut"]["properties"]["population"] = {"type": "string"}
    document["components"]["schemas"]["EventOut"]["properties"]["languages"] = {"type": "string"}

    assert mismatches(document) == [
        "CityOut.population is [('string', None)]; member-cities.population is integer",
        "EventOut.languages is [('string', None)]; events.languages is string (a list)",
    ]


def test_served_document_describes_fields_from_the_dictionary_in_english(document):
    city = document["components"]["schemas"]["CityOut"]
    population = city["properties"]["population"]

    assert city["x-dataset"] == {"name": "member-cities", "title": "Member cities"}
    assert population["description"] == "The city's population, as last reported."
    assert (population["x-unit"], population["x-dataset-field"]) == (
        "inhabitants",
        "member-cities.population",
    )
    assert city["properties"]["country_name"]["description"] == (
        "The country's name. In the request's language (Accept-Language)."
    )


def test_every_carried_property_and_its_extensions_say_what_the_dictionary_says(document):
    schemas = document["components"]["schemas"]
    assert {name for name, _d, _p in carried()} >= set(API_FIELDS)

    for schema_name, dataset, properties in carried():
        for name, carries in properties.items():
            served = schemas[schema_name]["properties"][name]
            field = _field(dataset, carries.field)
            with translation.override("en"):
                meaning = str(field.description)
            assert served["description"].startswith(meaning), (schema_name, name)
            assert served["x-dataset-field"] == f"{dataset}.{field.name}"


def test_the_reference_page_shows_the_dictionarys_meaning(client):
    page = client.get("/open-data/api/").content.decode()

    assert "The city&#x27;s population, as last reported." in page
