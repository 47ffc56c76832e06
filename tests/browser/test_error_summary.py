"""The error summary of a form with errors takes the focus and links to the fields."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_error_summary_takes_the_focus_and_its_link_reaches_the_field(live_server, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=False).first.fill("wrong")
    # The browser's own check would stop an invalid address before the server sees it.
    page.evaluate("() => document.querySelector('form.account-form').noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    summary = page.locator(".error-summary")
    focused = page.evaluate("() => document.activeElement.className")
    violations = axe_violations(page)

    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert focused == "error-summary"
    assert violations == []
    links = summary.get_by_role("link")
    assert links.count() >= 1
    target = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("() => '#' + document.activeElement.id") == target
