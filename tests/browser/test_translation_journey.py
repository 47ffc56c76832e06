"""The secretariat translates a call by clicking, and the public reads it in that language.

From "My work" the secretariat opens the Workspace, its Translations page,
the French cell of the call, writes the French title beside the English one
and saves; the overview then counts it translated, and the public call page
in French (reached through the language switcher and the footer) shows it,
while the untranslated description is marked as shown in English.
"""

import re

import pytest

from learningcities.accounts.enums import Role
from tests.accounts.factories import person_with_role
from tests.calls.factories import make_call

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

WAIT = 20_000


def click(page, locator) -> None:
    """Click a visible link or button and wait for the page it leads to."""
    locator.wait_for(state="visible", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        locator.click()


def test_the_secretariat_translates_a_call_and_the_public_reads_it(open_as):
    call = make_call(title="Membership call 2027", description="Cities apply once a year.")
    page = open_as(person_with_role(Role.SECRETARIAT, totp=True), totp=True)
    page.set_default_timeout(WAIT)

    click(page, page.get_by_role("banner").get_by_role("link", name="Workspace"))
    click(page, page.get_by_role("link", name="Translations of calls, cohorts and frameworks"))
    calls = page.locator("section", has=page.get_by_role("heading", name="Calls", exact=True))
    click(page, calls.get_by_role("link", name=re.compile(r"Membership call 2027 · French$")))

    assert page.locator("blockquote.original").first.inner_text() == "Membership call 2027"
    page.get_by_label("Title").fill("Appel à candidatures 2027")
    click(page, page.get_by_role("button", name="Save"))

    assert page.get_by_text("Translation saved: French.").is_visible()
    french = calls.locator("tbody tr").first.locator("td").nth(1)
    assert re.search(r"Missing.* 1 of 2", french.inner_text(), re.S)  # the description is not
    call.refresh_from_db()
    assert call.translations["fr"]["title"]["text"] == "Appel à candidatures 2027"

    click(page, page.locator(".lang-nav").get_by_role("button", name="Français"))
    click(page, page.get_by_role("contentinfo").get_by_role("link", name=re.compile("rejoint")))
    click(page, page.get_by_role("link", name="Appel à candidatures 2027").first)

    assert page.get_by_role("heading", level=1).inner_text() == "Appel à candidatures 2027"
    description = page.locator(".call-description")
    assert description.get_attribute("lang") == "en"
    assert "(affiché en anglais)" in description.inner_text()
    assert page.js_errors == []
