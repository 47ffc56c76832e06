"""Pin the checks of a member list's header (network.interfaces.members_csv)."""

import pytest

from learningcities.network.domain.imports import MembersImportError
from learningcities.network.interfaces.members_csv import parse_members

KNOWN = (
    "city, country, joined, population, latitude, longitude, local_name, admin_area, "
    "cohort, source, status, ended"
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            b"city;country;joined\n",
            ["The columns are separated by semicolons; a member list uses commas."],
        ),
        (
            b'"city;country,joined"\n',
            [
                f"Unknown columns: city;country,joined. The columns are {KNOWN}.",
                "Required columns are missing: city, country, joined.",
            ],
        ),
        (
            b"city,,joined\n",
            [
                "The header has columns without a name (column 2).",
                "Required columns are missing: country.",
            ],
        ),
        (
            b"city,country,joined,popluation,city,city\n",
            [
                f"Unknown columns: popluation. The columns are {KNOWN}.",
                "Columns named more than once: city.",
            ],
        ),
        (
            b"x\n",
            [
                f"Unknown columns: x. The columns are {KNOWN}.",
                "Required columns are missing: city, country, joined.",
            ],
        ),
        (b"city,country,joined,country\n", ["Columns named more than once: country."]),
    ],
)
def test_parse_members_header_problems(header, expected):
    with pytest.raises(MembersImportError) as refused:
        parse_members(header + b"Cork,IE,2016\n")

    assert [(e.line, e.message) for e in refused.value.errors] == [(1, m) for m in expected]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [b"City, Country ,JOINED\n", b"city,country,joined,,\n", b"city,country,joined\n"]
)
def test_parse_members_header_case_spaces_and_trailing_empty_columns(header):
    rows = parse_members(header + b"Cork,IE,2016\n")

    assert [(row.city, row.country, row.joined.start.year) for row in rows] == [
        ("Cork", "IE", 2016)
    ]
