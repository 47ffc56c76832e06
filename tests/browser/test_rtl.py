"""Arabic in Chromium: the pages are laid out right to left, and fit a phone.

The public pages (home, directory, a city, the map, the statistics) and a coordinator's
application section form are opened under ``/ar/``. On each: the document's direction is
right to left, nothing scrolls sideways at 390 px, and a screenshot goes to
``$LC_DATA_DIR/screenshots/ar/``. Then, page by page, what right to left means there: the
first column of a table stands to the right of the second, a label and its field start at
the right edge, the skip link and the menu start on the right, the map's markers and
popups stay in place, the charts' labels stay clear of the plot.
"""

from itertools import pairwise

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import axe_violations
from tests.calls.factories import Cast
from tests.factories import CityFactory, country, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
# Boxes compared in CSS pixels; a pixel of rounding either way is not a layout.
SLACK = 2


@pytest.fixture
def arabic(browser):
    """Return a page whose browser asks for Arabic (the URLs carry /ar/ all the same)."""
    context = browser.new_context(viewport=LAPTOP, locale="ar")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def members():
    cork = CityFactory(
        name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756, population=224004
    )
    aswan = CityFactory(
        name="Aswan",
        local_name="أسوان",
        country=country("EG"),
        latitude=24.0889,
        longitude=32.8998,
        population=1568000,
    )
    make_member(cork, joined="2016")
    make_member(aswan, joined="2019-09-01")
    return {"cork": cork, "aswan": aswan}


def arabic_url(name: str, **kwargs) -> str:
    with translation.override("ar"):
        return reverse(name, kwargs=kwargs)


def box(locator) -> dict:
    """Return the bounding box of the element ``locator`` finds (it must be visible)."""
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not visible"
    return found


def right_edge(found: dict) -> float:
    return found["x"] + found["width"]


def sideways_overflow(page) -> dict | None:
    """Return the widths and the elements past either edge when the page scrolls sideways.

    A right-to-left page overflows on the left: its scrollable width grows the same way.
    """
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= window.innerWidth) return null;
            const outside = [];
            for (const element of document.body.querySelectorAll("*")) {
                const box = element.getBoundingClientRect();
                if ((box.left < -1 || box.right > window.innerWidth + 1)
                    && element.closest(".table-scroll") === null) {
                    outside.push(element.tagName.toLowerCase() + "." + element.className
                        + " " + Math.round(box.left) + ".." + Math.round(box.right));
                }
            }
            return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth,
                    outside: outside.slice(0, 5)};
        }"""
    )


def open_in_arabic(page, url: str, name: str) -> None:
    """Open ``url``; check direction, axe and sideways scrolling on a phone; screenshot it."""
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.evaluate(
        "() => [document.documentElement.lang, document.documentElement.dir,"
        " getComputedStyle(document.body).direction]"
    ) == ["ar", "rtl", "rtl"]
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert sideways_overflow(page) is None, f"{url} scrolls sideways on a phone"
    folder = settings.DATA_DIR / "screenshots" / "ar"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert page.js_errors == [], f"JavaScript errors on {url}: {page.js_errors}"


def test_arabic_home_starts_on_the_right(live_server, arabic, members):
    open_in_arabic(arabic, live_server.url + arabic_url("network:home"), "home")
    width = arabic.viewport_size["width"]

    arabic.keyboard.press("Tab")
    skip_link = box(arabic.locator(".skip-link"))
    brand = box(arabic.locator(".brand"))
    menu = arabic.locator(".nav > li")
    first_item, second_item = box(menu.nth(0)), box(menu.nth(1))

    assert arabic.evaluate("() => document.activeElement.className") == "skip-link"
    assert skip_link["x"] > width / 2
    assert brand["x"] > width / 2
    assert first_item["x"] > right_edge(second_item) - SLACK


def test_arabic_directory_table_reads_from_the_right(live_server, arabic, members):
    open_in_arabic(arabic, live_server.url + arabic_url("network:directory"), "directory")

    headers = arabic.locator("table thead th")
    first, second = box(headers.nth(0)), box(headers.nth(1))
    search = arabic.locator("form.filters input[type=search]")
    label = arabic.locator(f'label[for="{search.get_attribute("id")}"]')

    assert first["x"] >= right_edge(second) - SLACK
    assert abs(right_edge(box(label)) - right_edge(box(search))) <= SLACK


def test_arabic_city_page(live_server, arabic, members):
    with translation.override("ar"):
        url = members["aswan"].get_absolute_url()
    open_in_arabic(arabic, live_server.url + url, "city")

    crumbs = arabic.locator(".breadcrumbs li")
    first, second = box(crumbs.nth(0)), box(crumbs.nth(1))
    # The separator between the crumbs is drawn pointing left, towards the next one.
    separator = arabic.evaluate(
        "() => getComputedStyle(document.querySelectorAll('.breadcrumbs li')[1], '::before')"
        ".direction"
    )

    assert first["x"] >= right_edge(second) - SLACK
    assert separator == "rtl"


def test_arabic_map_keeps_markers_and_popups_in_place(live_server, arabic, members):
    open_in_arabic(arabic, live_server.url + arabic_url("network:map"), "map")
    arabic.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
    container = box(arabic.locator("#map"))
    markers = arabic.locator(".leaflet-marker-icon")

    for index in range(markers.count()):
        marker = box(markers.nth(index))
        assert container["x"] <= marker["x"] <= right_edge(container), marker
    zoom = box(arabic.locator(".leaflet-control-zoom"))
    credits = box(arabic.locator(".leaflet-control-attribution"))
    markers.first.click()
    popup = arabic.locator(".leaflet-popup-content")
    popup.wait_for()
    # The popup fades in; the screenshot waits for it.
    arabic.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    popup_box = box(popup)
    arabic.screenshot(path=str(settings.DATA_DIR / "screenshots" / "ar" / "map-popup.png"))

    assert container["x"] <= popup_box["x"]
    assert right_edge(popup_box) <= right_edge(container)
    assert popup.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert arabic.locator(".leaflet-pane path").count() > 10
    # The controls mirror (zoom at the start, credits at the end); the world does not.
    assert zoom["x"] > container["x"] + container["width"] / 2
    assert credits["x"] < container["x"] + container["width"] / 2


def test_arabic_charts_keep_their_labels_off_the_plot(live_server, arabic, members):
    open_in_arabic(arabic, live_server.url + arabic_url("network:statistics"), "statistics")
    chart = arabic.locator("svg.chart").first
    axis = box(chart.locator("line.axis").nth(1))
    ticks = chart.locator(".y-axis text.tick")

    assert ticks.count() >= 2
    # The figures end 8 units short of the axis (a right-to-left "end" would start them there).
    for index in range(ticks.count()):
        assert right_edge(box(ticks.nth(index))) <= axis["x"] - 4
    years = chart.locator(".bars text.tick")
    boxes = [box(years.nth(index)) for index in range(years.count())]
    for earlier, later in pairwise(boxes):
        assert right_edge(earlier) <= later["x"]


def test_arabic_section_form_starts_on_the_right(live_server, open_as):
    cast = Cast()
    submission = cast.draft(complete=False)
    page = open_as(cast.coordinator)
    open_in_arabic(
        page,
        live_server.url + arabic_url("calls:city-section", pk=submission.pk, code="1"),
        "application-section",
    )
    field = page.locator("form[data-autosave] textarea").first
    label = page.locator(f'label[for="{field.get_attribute("id")}"]')
    content = box(page.locator("main"))
    padding = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('main')).paddingInlineStart)"
    )

    assert abs(right_edge(box(label)) - right_edge(box(field))) <= SLACK
    assert right_edge(box(field)) > content["x"] + content["width"] - padding - 40
