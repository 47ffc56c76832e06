"""The autosave status stays in view while the person types, on a phone."""

import pytest
from django.urls import reverse

from tests.browser.conftest import wait_until_saved
from tests.calls.factories import Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root"),
]


def test_autosave_status_is_a_live_region_in_view_while_typing_on_a_phone(
    live_server, browser, fast_password_hashing
):
    from tests.browser.conftest import log_in

    cast = Cast()
    submission = cast.draft(complete=False)
    context = browser.new_context(viewport={"width": 390, "height": 700}, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server.url, cast.coordinator)
    page.goto(live_server.url + reverse("calls:city-profile", kwargs={"pk": submission.pk}))
    field = page.locator("textarea").first

    field.fill("We learn together.")
    page.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent.startsWith('Saved')"
    )
    wait_until_saved(page)

    status = page.locator("[data-autosave-status]")
    assert status.get_attribute("role") == "status"
    assert "Saved at" in status.text_content()
    assert status.is_visible()
    box = status.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    # In view while the first field of a long form is edited (the bar sticks to the bottom).
    field_box = field.bounding_box()
    assert field_box["y"] < 700
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 700
    context.close()
