"""The open data page, its downloads and the data package in the matrix: public.

Anyone reads them; a dataset or format that does not exist answers 404.
"""

from learningcities.opendata.domain.snapshots import take_snapshot
from learningcities.opendata.enums import Occasion
from tests.url_matrix.roles import MFA, PUBLIC, row

ENTRIES = {
    "opendata:index": PUBLIC,
    "opendata:datapackage": PUBLIC,
    "opendata:download": PUBLIC,
    "opendata:catalogue": PUBLIC,
    "opendata:snapshots": PUBLIC,
    "opendata:snapshot-file": PUBLIC,
}

NOWHERE = row(404, 404, 404, 404, 404, 404, MFA)
HIDDEN = {"opendata:download": NOWHERE, "opendata:snapshot-file": NOWHERE}


def build(context) -> tuple[dict, dict]:
    """A snapshot; a file it does not have is a missing one."""
    snapshot = take_snapshot(Occasion.MANUAL)
    return (
        {
            "opendata:download": {"name": "member-cities", "format": "geojson"},
            "opendata:catalogue": {"format": "ttl"},
            "opendata:snapshot-file": {"pk": snapshot.pk, "name": "countries", "format": "csv"},
        },
        {
            "opendata:download": {"name": "countries", "format": "geojson"},
            "opendata:snapshot-file": {"pk": snapshot.pk, "name": "countries", "format": "xlsx"},
        },
    )
