"""The download formats of a dataset, written in one pass over its rows.

CSV (UTF-8, a header of the fields' names, lists joined by the field's
separator), JSON (an array of objects), Excel (one sheet of rows, one sheet
describing the fields) and, for places, GeoJSON (a point per row with a
location). Every writer takes the rows one at a time, so a large dataset never
sits in memory whole.
"""

import csv
import datetime as dt
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .datasets import Dataset

# Excel refuses characters below 0x20 other than tab, newline and carriage return.
_EXCEL_ILLEGAL = dict.fromkeys(i for i in range(32) if i not in (9, 10, 13))


def _plain(value):
    """A value as JSON gives it: ISO dates, numbers, text, lists."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def csv_cell(field, value) -> str:
    """A value as the CSV gives it (and Frictionless reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return field.separator.join(str(item) for item in value)
    value = _plain(value)
    return str(value)


class CsvWriter:
    extension = "csv"

    def __init__(self, path, dataset: Dataset):
        self.file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.fields = dataset.fields
        self.writer = csv.writer(self.file, lineterminator="\n")
        self.writer.writerow([f.name for f in self.fields])

    def write(self, row: dict) -> None:
        self.writer.writerow([csv_cell(f, row.get(f.name)) for f in self.fields])

    def close(self) -> None:
        self.file.close()


class JsonWriter:
    extension = "json"

    def __init__(self, path, dataset: Dataset):
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self.names = dataset.field_names()
        self.first = True
        self.file.write("[")

    def write(self, row: dict) -> None:
        self.file.write("\n" if self.first else ",\n")
        self.first = False
        item = {name: _plain(row.get(name)) for name in self.names}
        self.file.write(json.dumps(item, ensure_ascii=False))

    def close(self) -> None:
        self.file.write("\n]\n")
        self.file.close()


def _excel(value):
    if isinstance(value, str):
        return value.translate(_EXCEL_ILLEGAL)
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return value


class XlsxWriter:
    extension = "xlsx"

    def __init__(self, path, dataset: Dataset):
        self.path = path
        self.book = Workbook(write_only=True)
        self.fields = dataset.fields
        self.sheet = self.book.create_sheet(dataset.name[:31])
        self.sheet.append([f.name for f in self.fields])
        about = self.book.create_sheet(_("Fields")[:31])
        about.append([_("Field"), _("Title"), _("Type"), _("Unit"), _("Description")])
        for f in self.fields:
            about.append([f.name, str(f.title), f.type, str(f.unit), str(f.description)])

    def write(self, row: dict) -> None:
        self.sheet.append([_excel(row.get(f.name)) for f in self.fields])

    def close(self) -> None:
        self.book.save(self.path)


class GeoJsonWriter:
    extension = "geojson"

    def __init__(self, path, dataset: Dataset):
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self.latitude, self.longitude = dataset.geometry
        self.names = [n for n in dataset.field_names() if n not in dataset.geometry]
        self.first = True
        self.file.write('{"type": "FeatureCollection", "features": [')

    def write(self, row: dict) -> None:
        latitude, longitude = row.get(self.latitude), row.get(self.longitude)
        if latitude is None or longitude is None:
            return  # a place without a location has no point
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {name: _plain(row.get(name)) for name in self.names},
        }
        self.file.write("\n" if self.first else ",\n")
        self.first = False
        self.file.write(json.dumps(feature, ensure_ascii=False))

    def close(self) -> None:
        self.file.write("\n]}\n")
        self.file.close()


WRITERS = {"csv": CsvWriter, "json": JsonWriter, "xlsx": XlsxWriter, "geojson": GeoJsonWriter}
