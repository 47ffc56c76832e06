"""Pin the rules of a city's register entry (network.validators.city_problems)."""

import datetime as dt

import pytest

from learningcities.network.validators import city_problems

THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {}),
        ({"name": "Cork"}, {}),
        ({"name": "  "}, {"name": "Enter the city's international name."}),
        ({"name": None}, {"name": "Enter the city's international name."}),
        ({"website": ""}, {}),
        ({"website": "https://cork.ie"}, {}),
        (
            {"website": "cork"},
            {"website": "Enter a web address starting with http:// or https://."},
        ),
        ({"latitude": None, "longitude": None}, {}),
        ({"latitude": 51.9, "longitude": -8.5}, {}),
        (
            {"latitude": 51.9},
            {"longitude": "Give both the latitude and the longitude, or neither."},
        ),
        (
            {"longitude": -8.5},
            {"latitude": "Give both the latitude and the longitude, or neither."},
        ),
        (
            {"latitude": 91, "longitude": 0},
            {"latitude": "A latitude lies between -90 and 90."},
        ),
        (
            {"latitude": 0, "longitude": -181},
            {"longitude": "A longitude lies between -180 and 180."},
        ),
        # Out of range and alone: the range message wins over "both or neither".
        (
            {"latitude": 95},
            {
                "longitude": "Give both the latitude and the longitude, or neither.",
                "latitude": "A latitude lies between -90 and 90.",
            },
        ),
        (
            {"longitude": 200},
            {
                "latitude": "Give both the latitude and the longitude, or neither.",
                "longitude": "A longitude lies between -180 and 180.",
            },
        ),
        ({"population": None}, {}),
        ({"population": 1}, {}),
        ({"population": 0}, {"population": "A population is a positive number."}),
        ({"population_year": 1800}, {}),
        ({"population_year": THIS_YEAR}, {}),
        (
            {"population_year": 1799},
            {"population_year": "Give a year between 1800 and the current year."},
        ),
        (
            {"population_year": THIS_YEAR + 1},
            {"population_year": "Give a year between 1800 and the current year."},
        ),
        ({"description": None}, {}),
        ({"description": "x" * 1000}, {}),
        ({"description": "x" * 1001}, {"description": "Keep the description to 1000 characters."}),
        ({"contact_email": "ana@example.org"}, {}),
        (
            {"contact_email": "ana"},
            {"contact_email": "Enter an e-mail address such as name@example.org."},
        ),
        (
            {"contact_name": "Ana", "contact_email": ""},
            {"contact_email": "Give the contact's e-mail address with their name."},
        ),
        ({"contact_name": "Ana", "contact_email": "ana@example.org"}, {}),
        ({"contact_name": "", "contact_email": ""}, {}),
    ],
)
def test_city_problems_table(fields, expected):
    assert city_problems(fields) == expected


def test_city_problems_reports_every_field_at_once():
    fields = {
        "name": "",
        "website": "x",
        "latitude": -91,
        "longitude": 181,
        "population": -5,
        "population_year": 1700,
        "description": "y" * 1001,
        "contact_name": "Ana",
    }

    problems = city_problems(fields)

    assert list(problems) == [
        "name",
        "website",
        "latitude",
        "longitude",
        "population",
        "population_year",
        "description",
        "contact_email",
    ]
