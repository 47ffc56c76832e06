"""The open data page, its downloads and the data package in the matrix: public.

Anyone reads them; a dataset or format that does not exist answers 404.
"""

from tests.url_matrix.roles import MFA, PUBLIC, row

ENTRIES = {
    "opendata:index": PUBLIC,
    "opendata:datapackage": PUBLIC,
    "opendata:download": PUBLIC,
}

HIDDEN = {"opendata:download": row(404, 404, 404, 404, 404, 404, MFA)}


def build(context) -> tuple[dict, dict]:
    return (
        {"opendata:download": {"name": "member-cities", "format": "geojson"}},
        {"opendata:download": {"name": "countries", "format": "geojson"}},
    )
