"""Static files on a slow link: collected, compressed, named by their content, cached for ever.

The collected set (``collectstatic`` under the manifest storage that production and
``make run`` use, LC_STATIC_COLLECTED) is written once into a folder of this module;
WhiteNoise then answers with the brotli or gzip copy the browser asks for, and a
``Cache-Control`` of a year, ``immutable``, since a changed file gets a new name.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

COLLECTED = {
    "STORAGES": {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
}
SOURCE = Path(settings.BASE_DIR) / "common" / "static" / "lc" / "css" / "site.css"
MAP_PAGE_BUDGET = 200 * 1024  # bytes transferred by a first visit to the map


# What the pages of this module use: the site's own files and the map's vendor files
# (the whole vendor packages, source maps of unminified builds and 10m atlases included,
# take minutes to compress; ``make run`` collects them all once).
VENDOR = {
    "leaflet": ("leaflet/dist", ["leaflet.js", "leaflet.js.map", "leaflet.css", "images"]),
    "leaflet.markercluster": (
        "leaflet.markercluster/dist",
        [
            "leaflet.markercluster.js",
            "leaflet.markercluster.js.map",
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
        ],
    ),
    "topojson-client": ("topojson-client/dist", ["topojson-client.min.js"]),
    "world-atlas": ("world-atlas", ["countries-110m.json"]),
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    source = tmp_path_factory.mktemp("vendor")
    dirs = [str(Path(settings.BASE_DIR) / app / "static") for app in ("common", "network")]
    for name, (folder, names) in VENDOR.items():
        for item in names:
            origin = Path(settings.NODE_MODULES) / folder / item
            target = source / name / item
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target)
            else:
                shutil.copyfile(origin, target)
        dirs.append((f"vendor/{name}", str(source / name)))
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(
        STATIC_ROOT=root,
        STATICFILES_DIRS=dirs,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        **COLLECTED,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def get(path: str, encoding: str):
    # A new client builds its middleware anew: WhiteNoise indexes the collected folder.
    return Client().get(path, HTTP_ACCEPT_ENCODING=encoding)


@pytest.mark.parametrize(
    ("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_collected_static_file_is_sent_compressed_and_cached_for_ever(collected, encoding, decode):
    url = staticfiles_storage.url("lc/css/site.css")

    response = get(url, encoding)

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert re.search(r"/site\.[0-9a-f]{12}\.css$", url), url
    assert response["Content-Encoding"] == encoding
    assert decode(body) == SOURCE.read_bytes()
    assert len(body) < SOURCE.stat().st_size / 2
    cache = response["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600


def test_collected_static_file_without_accept_encoding_is_sent_whole(collected):
    response = get(staticfiles_storage.url("lc/css/site.css"), "")

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == SOURCE.read_bytes()


class _Assets(HTMLParser):
    """The style sheets, scripts, icons and data files a page makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        for name, value in attrs.items():
            if name.startswith("data-") and name.endswith("-url") and value:
                self.urls.append(value)


@pytest.mark.django_db
def test_first_visit_to_the_map_transfers_less_than_200_kb(collected, client):
    from tests.factories import CityFactory, make_member

    for number in range(425):  # the size of the reference network
        make_member(
            CityFactory(name=f"City {number}", latitude=number % 80, longitude=number % 170)
        )
    page = Client().get(reverse("network:map"), HTTP_ACCEPT_ENCODING="br, gzip")
    assets = _Assets()
    assets.feed(page.content.decode())

    sizes = {reverse("network:map"): len(page.content)}
    for url in assets.urls:
        response = Client().get(url, HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        sizes[url] = len(body)

    assert any("leaflet" in url for url in sizes)
    assert sum(sizes.values()) < MAP_PAGE_BUDGET, sizes


@pytest.mark.django_db
def test_favicon_ico_is_sent_to_the_svg_icon_that_pages_link(client):
    icon = client.get("/favicon.ico")
    page = client.get(reverse("network:home")).content.decode()

    assert icon.status_code == 301
    assert icon["Location"] == staticfiles_storage.url("lc/img/favicon.svg")
    assert f'<link rel="icon" href="{icon["Location"]}" type="image/svg+xml">' in page
    svg = Path(settings.BASE_DIR) / "common" / "static" / "lc" / "img" / "favicon.svg"
    assert svg.read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("env", "collected"),
    [({}, False), ({"LC_STATIC_COLLECTED": "1"}, True), ({"LC_PRODUCTION": ""}, False)],
)
def test_static_collected_switch_chooses_the_manifest_storage(tmp_path, env, collected):
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_USE_FINDERS]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    clean.update({"LC_DATA_DIR": str(tmp_path), "LC_STATIC_ROOT": str(tmp_path / "static")})
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "learningcities.settings"

    out = subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True
    )

    backend, finders = json.loads(out.stdout.strip().splitlines()[-1])
    assert backend.endswith("CompressedManifestStaticFilesStorage") is collected
    assert finders is not collected
