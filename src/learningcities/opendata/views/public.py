"""The open data page, the downloads and the data package: for anyone, in every language."""

import json

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from learningcities.common.storage import private_storage
from learningcities.practices.enums import Licence

from ..domain.datasets import DATASETS, dataset
from ..domain.files import dataset_files
from ..domain.queries import snapshot_file as snapshot_file_of
from ..domain.queries import snapshot_list
from ..enums import FORMATS, LICENCE_URL, TYPE_LABELS
from ..interfaces.catalogue import JSONLD_CONTEXT, catalogue_graph
from ..interfaces.datapackage import datapackage, field_descriptor


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """List every dataset: its description, size, date, licence, downloads and fields."""
    entries = []
    for item in DATASETS.values():
        files = dataset_files(item)
        entries.append(
            {
                "dataset": item,
                "files": files,
                "downloads": [
                    {
                        "format": fmt,
                        "label": FORMATS[fmt][2],
                        "size": files.files[fmt].size,
                    }
                    for fmt in item.formats
                ],
                "fields": [
                    {**descriptor, "type_label": TYPE_LABELS[descriptor["type"]]}
                    for descriptor in map(field_descriptor, item.fields)
                ],
            }
        )
    return render(
        request,
        "opendata/index.html",
        {"entries": entries, "licence_title": Licence.CC_BY.label, "licence_url": LICENCE_URL},
    )


@require_safe
def download(request: HttpRequest, name: str, format: str) -> HttpResponse:
    """Send one file of a dataset, in the request's language (304 when the client has it)."""
    item = dataset(name)
    if item is None or format not in item.formats:
        raise Http404
    files = dataset_files(item)
    if not private_storage().exists(files.files[format].name):  # the storage emptied by hand
        files = dataset_files(item, regenerate=True)
    generated = files.files[format]
    response = _stored_file(
        request,
        generated.name,
        sha256=generated.sha256,
        filename=f"{item.name}.{format}",
        format=format,
        cache_control="public, max-age=300",
    )
    response["Last-Modified"] = http_date(files.generated_at.timestamp())
    return response


def _stored_file(
    request,
    name: str,
    *,
    sha256: str,
    filename: str,
    format: str,
    cache_control: str,
) -> HttpResponse:
    """Send the stored file ``name`` as an attachment, or 304 when the client has it.

    Its ETag is (the start of) its SHA-256; anyone may read it from another site.
    """
    etag = quote_etag(sha256[:32])
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(
            private_storage().open(name, "rb"),
            as_attachment=True,
            filename=filename,
            content_type=FORMATS[format][1] + ("; charset=utf-8" if format != "xlsx" else ""),
        )
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def package(request: HttpRequest) -> HttpResponse:
    """The Frictionless Data Package describing every dataset and field."""
    response = HttpResponse(
        json.dumps(datapackage(request), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def snapshots(request: HttpRequest) -> HttpResponse:
    """Every snapshot of the open data, latest first, with its occasion and files."""
    return render(request, "opendata/snapshots.html", {"snapshots": snapshot_list()})


@require_safe
def snapshot_file(request: HttpRequest, pk: int, name: str, format: str) -> HttpResponse:
    """Send one file of a snapshot: the same bytes for ever (ETag: its SHA-256)."""
    file = snapshot_file_of(pk, name, format)
    if file is None:
        raise Http404
    return _stored_file(
        request,
        file.name,
        sha256=file.sha256,
        filename=f"{name}-snapshot-{pk}.{format}",
        format=format,
        cache_control="public, max-age=31536000, immutable",
    )


# Turtle, and JSON-LD (what DCAT-AP validators take), by extension.
_CATALOGUE_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
}


@require_safe
def catalogue(request: HttpRequest, format: str) -> HttpResponse:
    """The DCAT-AP 3 catalogue of every dataset and its files."""
    serializer, media_type = _CATALOGUE_FORMATS[format]
    options = {"context": JSONLD_CONTEXT, "auto_compact": True} if format == "jsonld" else {}
    response = HttpResponse(
        catalogue_graph(request).serialize(format=serializer, **options),
        content_type=f"{media_type}; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
