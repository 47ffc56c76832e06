"""A visitor finds the open data from the menu, reads a dataset's fields and downloads it.

From the home page: "Open data" in the site header, the member cities' fields, the
CSV by its link (a download the browser saves), then the same page in French, whose
files name the countries in French. The page passes axe-core.
"""

import csv
import io

import pytest

from tests.browser.conftest import axe_violations
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 20_000


def click(page, locator) -> None:
    locator.wait_for(state="visible", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        locator.click()


def download(page, name: str) -> str:
    with page.expect_download(timeout=WAIT) as info:
        page.get_by_role("link", name=name, exact=True).click()
    return info.value.path().read_text(encoding="utf-8")


def test_a_visitor_downloads_the_member_cities_from_the_menu(page, live_server):
    make_member(name="Cork", joined="2020")
    page.goto(live_server.url + "/")
    click(page, page.get_by_role("banner").get_by_role("link", name="Open data", exact=True))
    page.get_by_role("heading", level=1, name="Open data").wait_for()
    assert axe_violations(page) == []

    section = page.get_by_role("region", name="Member cities")
    section.get_by_text("16 fields").click()
    assert section.get_by_role("table").get_by_text("standing", exact=True).is_visible()

    rows = list(csv.DictReader(io.StringIO(download(page, "Member cities, CSV"))))
    assert [(row["name"], row["country_code"], row["standing"]) for row in rows] == [
        ("Cork", "DE", "member")
    ]

    click(page, page.get_by_role("link", name="français", exact=True))
    page.get_by_role("heading", level=1, name="Données ouvertes").wait_for()
    rows = list(csv.DictReader(io.StringIO(download(page, "Villes membres, CSV"))))
    assert [(row["name"], row["country"]) for row in rows] == [("Cork", "Allemagne")]
