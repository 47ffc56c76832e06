"""The secretariat edits a city in Chromium: from the workspace by links, coordinates by the map.

Starts at the log-in page and then only follows visible links and buttons. The
click on the map must fill in the latitude and longitude fields (which stay
typeable); the saved change shows on the city's public page. The register's
pages fit 390 px and pass axe-core.
"""

import pytest

from learningcities.accounts.enums import Role
from learningcities.network.enums import LocationIssue, LocationSource
from learningcities.network.models import City
from tests.accounts.factories import person_with_role
from tests.browser.conftest import axe_violations
from tests.browser.test_layout import sideways_overflow
from tests.factories import CityFactory, country, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def secretary(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return person_with_role(Role.SECRETARIAT, totp=True)


@pytest.fixture
def kilifi():
    city = CityFactory(
        name="Kilifi County",
        country=country("KE"),
        latitude=None,
        longitude=None,
        location_issue=LocationIssue.NO_MATCH,
    )
    make_member(city, joined="2024-02-14")
    return city


def test_secretariat_places_a_city_by_clicking_the_map(open_as, live_server, secretary, kilifi):
    page = open_as(secretary, totp=True)

    page.get_by_role("link", name="Workspace").first.click()
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Register").click()
    page.get_by_role("link", name="1 city without coordinates to locate").click()
    page.get_by_role("link", name="Locate Kilifi County").click()
    page.get_by_role("link", name="Set the coordinates or the administrative area by hand").click()

    latitude = page.get_by_label("Latitude")
    longitude = page.get_by_label("Longitude")
    assert latitude.input_value() == ""
    page.locator("#location-map.leaflet-container").wait_for()
    page.locator("#location-map").click(position={"x": 200, "y": 150})
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    assert -90 <= float(latitude.input_value()) <= 90
    assert -180 <= float(longitude.input_value()) <= 180
    # The fields stay the source of truth: typing replaces what the map set.
    latitude.fill("-3.63")
    longitude.fill("39.85")
    page.get_by_label("Short description").fill("A county on the coast of Kenya.")
    page.get_by_role("button", name="Save the city").click()
    page.get_by_text("Kilifi County has been saved.").wait_for()

    kilifi.refresh_from_db()
    assert (kilifi.latitude, kilifi.longitude) == (-3.63, 39.85)
    assert (kilifi.location_source, kilifi.location_issue) == (LocationSource.MANUAL, "")
    page.get_by_role("link", name="Public page").click()
    page.get_by_text("A county on the coast of Kenya.").wait_for()
    assert page.js_errors == []


def test_register_pages_fit_a_phone_and_pass_axe(open_as, live_server, secretary, kilifi):
    cork = CityFactory(name="Cork", country=country("IE"), website="https://www.corkcity.ie/")
    make_member(cork, joined="2016")
    page = open_as(secretary, totp=True)
    page.set_viewport_size({"width": 390, "height": 900})
    membership = City.objects.get(pk=cork.pk).memberships.get()
    paths = [
        "/workspace/register/",
        f"/workspace/register/cities/{cork.pk}/",
        f"/workspace/register/memberships/{membership.pk}/end/",
        "/workspace/register/places/",
        f"/workspace/register/places/{kilifi.pk}/",
        cork.get_absolute_url(),
    ]
    problems = []
    for path in paths:
        page.goto(live_server.url + path)
        if overflow := sideways_overflow(page):
            problems.append(f"{path} scrolls sideways: {overflow}")
        if violations := axe_violations(page):
            problems.append(f"{path}, axe: {violations}")

    assert problems == []
    assert page.js_errors == []
