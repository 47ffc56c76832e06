"""The Frictionless Data Package (v2) of the open data: every dataset, every field.

Built from the datasets' definitions (domain.datasets) and their files of the
moment (domain.files): each resource is the dataset's CSV in the language of
the request, with its size and SHA-256, and its Table Schema.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from ..domain.datasets import DATASETS, Dataset, Field
from ..domain.files import DatasetFiles, dataset_files
from ..enums import (
    DATAPACKAGE_PROFILE,
    DATARESOURCE_PROFILE,
    DESCRIPTION,
    LICENCE_NAME,
    LICENCE_TITLE,
    LICENCE_URL,
    TABLESCHEMA_PROFILE,
)

LICENCE = {"name": LICENCE_NAME, "path": LICENCE_URL, "title": LICENCE_TITLE}


def field_descriptor(field: Field) -> dict:
    """The Table Schema descriptor of ``field``."""
    descriptor = {
        "name": field.name,
        "type": "list" if field.separator else field.type,
        "title": str(field.title),
        "description": str(field.description),
    }
    if field.separator:
        descriptor["delimiter"] = field.separator
        descriptor["itemType"] = "string"
    if field.unit:
        descriptor["unit"] = str(field.unit)
    constraints = {}
    if field.required:
        constraints["required"] = True
    if field.enum:
        constraints["enum"] = list(field.enum)
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(dataset: Dataset) -> dict:
    schema = {
        "$schema": TABLESCHEMA_PROFILE,
        "fields": [field_descriptor(f) for f in dataset.fields],
        "missingValues": [""],
    }
    if dataset.primary_key:
        schema["primaryKey"] = list(dataset.primary_key)
    return schema


def resource(request, dataset: Dataset, files: DatasetFiles) -> dict:
    csv = files.files["csv"]
    return {
        "$schema": DATARESOURCE_PROFILE,
        "name": dataset.name,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "path": request.build_absolute_uri(
            reverse("opendata:download", kwargs={"name": dataset.name, "format": "csv"})
        ),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": csv.size,
        "hash": f"sha256:{csv.sha256}",
        "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\n"},
        "schema": table_schema(dataset),
        "licenses": [LICENCE],
    }


def datapackage(request) -> dict:
    """The data package of every dataset, in the request's language."""
    resources = [resource(request, d, dataset_files(d)) for d in DATASETS.values()]
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": "learning-cities",
        "title": "Learning cities: open data of the network",
        "description": DESCRIPTION,
        "homepage": request.build_absolute_uri(reverse("opendata:index")),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "languages": [get_language() or "en"],
        "keywords": ["learning cities", "lifelong learning", "UNESCO"],
        "licenses": [LICENCE],
        "resources": resources,
    }
