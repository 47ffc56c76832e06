import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")


@pytest.fixture
def network():
    cohort = CohortFactory(name="2024 cohort", announced_on=dt.date(2024, 2, 14))
    cork = CityFactory(
        name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756, population=224004
    )
    son_la = CityFactory(
        name="Son La",
        local_name="Sơn La",
        country=country("VN"),
        latitude=21.3256,
        longitude=103.9188,
        population=None,
    )
    make_member(cork, joined="2016")
    make_member(son_la, joined="2024-02-14", cohort=cohort)
    lapsed = CityFactory(name="Formerton", country=country("KE"), latitude=-1.0, longitude=37.0)
    make_member(lapsed, joined="2017", ended=dt.date(2021, 1, 1))
    return {"cork": cork, "son_la": son_la, "cohort": cohort}


def visit(page, url: str, name: str):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], f"axe on {url}: {violations}"
    assert page.js_errors == [], f"JavaScript errors on {url}: {page.js_errors}"


def test_public_pages_load_and_pass_axe(live_server, page, network):
    visit(page, live_server.url + "/", "home")
    assert page.get_by_role("heading", level=1).count() == 1
    assert "2" in page.locator(".figures").inner_text()

    visit(page, live_server.url + "/cities/", "directory")
    assert page.get_by_role("link", name="Cork").count() >= 1
    page.get_by_role("main").get_by_label("Search").fill("SON LA")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Son La").count() >= 1
    assert page.get_by_role("link", name="Cork").count() == 0

    visit(page, live_server.url + network["cork"].get_absolute_url(), "city")
    assert "Cork" in page.get_by_role("heading", level=1).inner_text()

    visit(page, live_server.url + "/statistics/", "statistics")
    assert page.locator("svg[role=img]").count() >= 1


def test_map_shows_clustered_members_without_tiles(live_server, page, network):
    visit(page, live_server.url + "/map/", "map")
    # Markers or clusters appear although no tile server is reachable.
    page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
    icons = page.locator(".leaflet-marker-icon")
    assert icons.count() >= 1
    # The basemap is drawn from packaged vector data, not remote tiles.
    assert page.locator(".leaflet-overlay-pane path, .leaflet-pane svg path").count() > 10
    # The page stays usable without the map: members are listed as links.
    assert page.get_by_role("link", name="Cork").count() >= 1
    assert page.get_by_role("link", name="Formerton").count() == 0
