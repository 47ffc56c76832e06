"""Account pages in Chromium: accessible, and nothing the Content-Security-Policy blocks."""

import pytest

from learningcities.accounts.enums import Role
from tests.accounts.factories import PASSWORD, TOTP_SECRET, person_with_role, totp_code
from tests.browser.conftest import axe_violations
from tests.factories import CityFactory, country, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return errors


def test_login_with_totp_in_the_browser_is_accessible(live_server, page, console_errors):
    person_with_role(Role.JUROR, email="juror@example.org", totp=True)

    page.goto(live_server.url + "/account/login/")
    login_violations = axe_violations(page)
    page.get_by_label("Email").fill("juror@example.org")
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    code_violations = axe_violations(page)
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()

    assert login_violations == []
    assert code_violations == []
    assert page.get_by_role("heading", level=1).inner_text() == "My work"
    assert page.get_by_role("button", name="Log out").count() == 1
    assert page.js_errors == []
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []


def test_public_map_and_api_reference_break_no_content_security_rule(
    live_server, page, console_errors
):
    make_member(CityFactory(name="Cork", country=country("IE"), latitude=51.9, longitude=-8.5))

    page.goto(live_server.url + "/map/")
    page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
    page.goto(live_server.url + "/open-data/api/")
    page.get_by_role("heading", level=1, name="REST API reference").wait_for(timeout=15_000)

    csp = [e for e in console_errors if "Content Security Policy" in e]
    assert csp == []
    assert page.js_errors == []
