"""A head of delegation registers three delegates from two cities; the Commission approves them.

The coordinator of Vinh heads Viet Nam's national delegation to an event:
from "My work" they open the event's registration page, head the national
delegation, and add three delegates (two from Vinh, one from Sa Dec) through
the category's form, answers included. The National Commission of Viet Nam
then finds the three in "My work", opens its approvals and approves each.
"""

import re

import pytest

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.demo.domain.event_registration import ensure_registration_form
from learningcities.events.enums import Approval
from learningcities.events.enums import RegistrationStatus as R
from learningcities.events.models import Registration
from tests.accounts.factories import make_user, organisation
from tests.events.factories_events import CategoryFactory, EventFactory
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


def _person(kind: str, role: str, **fields):
    user = make_user()
    org = organisation(kind, **fields) if kind != OrganisationKind.CITY else organisation(kind)
    if "city" in fields:
        org.city, org.country = fields["city"], fields["city"].country
        org.save(update_fields=["city", "country"])
    add_affiliation(org, user=user, role=role, actor=None)
    return user


def _add_delegate(page, *, name: str, email: str, city: str) -> None:
    click(page, page.get_by_role("link", name="Add a delegate as City delegate"))
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("City").select_option(label=city)
    page.get_by_label("Language of letters and e-mail").select_option(value="vi")
    page.get_by_role("group", name="Taking part in the site visits").get_by_label("Yes").check()
    click(page, page.get_by_role("button", name="Register"))
    page.get_by_text(f"{name} is registered and awaits approval.").wait_for(timeout=WAIT)


def test_head_registers_three_delegates_and_commission_approves_them(open_as):
    event = EventFactory(slug="learning-cities-forum", title="Learning cities forum 2027")
    CategoryFactory(
        event=event,
        approval=Approval.NATIONAL_COMMISSION,
        capacity=40,
        questionnaire=ensure_registration_form(),
    )
    vinh = CityFactory(country=country("VN"), name="Vinh")
    CityFactory(country=country("VN"), name="Sa Dec")
    head = _person(OrganisationKind.CITY, Role.COORDINATOR, city=vinh)
    commission = _person(OrganisationKind.NATIONAL_COMMISSION, Role.ENDORSER, country=country("VN"))

    page = open_as(head)
    page.set_default_timeout(WAIT)
    click(page, page.get_by_role("link", name="Learning cities forum 2027"))
    click(page, page.get_by_role("button", name=re.compile("Head the national delegation of")))
    page.get_by_text("The delegation is open: add its delegates.").wait_for()
    _add_delegate(page, name="Nguyễn Thị Lan", email="lan@example.org", city="Vinh")
    _add_delegate(page, name="Trần Văn Minh", email="minh@example.org", city="Vinh")
    _add_delegate(page, name="Lê Thu Hà", email="ha@example.org", city="Sa Dec")
    rows = page.locator("table.delegates tbody tr")
    assert rows.count() == 3
    assert page.js_errors == []

    page = open_as(commission)
    page.set_default_timeout(WAIT)
    click(page, page.get_by_role("link", name="3 registrations wait for your approval"))
    for name in ("Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thu Hà"):
        click(page, page.get_by_role("button", name=f"Approve {name}"))
        page.get_by_text(f"{name}: Confirmed.").wait_for()

    assert page.get_by_text("No registration waits for your approval.").is_visible()
    statuses = sorted(Registration.objects.values_list("city__name", "status"))
    assert statuses == [("Sa Dec", R.CONFIRMED), ("Vinh", R.CONFIRMED), ("Vinh", R.CONFIRMED)]
    assert page.js_errors == []
