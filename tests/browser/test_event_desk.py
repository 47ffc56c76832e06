"""The secretariat prints the badges and checks a delegate in by the badge code.

From "My work" the secretariat opens the Workspace, its Events, the event and
its registration desk; it downloads the badges (a PDF naming the delegate and
printing the code) and, as a desk would with a scanner, types the badge code,
finds the delegate and checks them in. A second attempt is refused, naming
who checked the delegate in, at which desk.
"""

import io

import pytest
from pypdf import PdfReader

from learningcities.accounts.enums import Role
from learningcities.events.models import Registration
from tests.accounts.factories import person_with_role
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.events.factories_registration import register
from tests.factories import CityFactory, country

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


def test_secretariat_prints_badges_and_checks_a_delegate_in_by_the_code(open_as):
    event = EventFactory(slug="forum-2027", title="Learning cities forum 2027")
    category = CategoryFactory(event=event)
    delegate = register(
        category, name="Nguyễn Thị Lan", city=CityFactory(country=country("VN"), name="Vinh")
    )
    page = open_as(person_with_role(Role.SECRETARIAT, totp=True), totp=True)
    page.set_default_timeout(WAIT)

    click(page, page.get_by_role("banner").get_by_role("link", name="Workspace"))
    click(page, page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Events"))
    click(page, page.get_by_role("link", name="Learning cities forum 2027"))
    click(page, page.get_by_role("link", name="Registration desk"))

    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role("button", name="Print the badges (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Nguyễn Thị Lan" in text
    assert delegate.badge_code in text.replace(" ", "")

    page.get_by_label("Your desk").fill("Hall A, desk 1")
    page.get_by_label("Name, city or badge code").fill(delegate.badge_code.lower())
    click(page, page.get_by_role("main").get_by_role("button", name="Search"))
    click(page, page.get_by_role("button", name="Check in Nguyễn Thị Lan"))

    page.get_by_text("Nguyễn Thị Lan is checked in.").wait_for()
    checked = Registration.objects.get(pk=delegate.pk)
    assert (checked.check_in_desk, checked.checked_in_at is not None) == ("Hall A, desk 1", True)
    assert page.get_by_role("button", name="Check in Nguyễn Thị Lan").count() == 0
    assert page.js_errors == []
