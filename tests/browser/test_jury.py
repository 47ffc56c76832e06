"""The juror's pages and the ranking in Chromium: axe finds nothing serious; scoring by keyboard."""

import pytest
from django.urls import reverse

from learningcities.reviews.models import Score
from tests.accounts.factories import PASSWORD, TOTP_SECRET, totp_code
from tests.browser.conftest import axe_violations, wait_until_saved
from tests.reviews.factories import submitted_review
from tests.reviews.scoring_helpers import (
    Jury,
    secretary_with_totp,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root"),
]

STATUS = "[data-autosave-status]"


def log_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def test_review_form_is_accessible_and_scores_by_keyboard(live_server, page):
    jury = Jury(level_descriptors={"1": "Not addressed", "3": "Partly", "5": "Exemplary"})
    first = jury.criteria[0]
    log_in(page, live_server.url, jury.juror)

    workspace = page.goto(live_server.url + reverse("reviews:jury-workspace"))
    workspace_violations = axe_violations(page)
    response = page.goto(
        live_server.url + reverse("reviews:jury-review", kwargs={"pk": jury.submission.pk})
    )

    assert workspace.status == 200
    assert workspace_violations == []
    assert response.status == 200
    assert axe_violations(page) == []
    page.locator(f"#score-{first.pk}-1").focus()
    page.keyboard.press("Space")  # chooses 1
    page.keyboard.press("ArrowDown")  # radio groups move the choice with the arrows: 2
    page.keyboard.press("ArrowDown")  # 3
    # Each change is saved in turn; the database is read once the last is confirmed
    # (reading while the server writes fails on the in-memory test database).
    wait_until_saved(page)
    status = page.locator(STATUS).text_content()
    saved = list(Score.objects.values_list("criterion_id", "value"))

    assert "Saved at" in status
    assert saved == [(first.pk, 3)]
    assert page.js_errors == []


def test_ranking_page_is_accessible(live_server, page):
    jury = Jury()
    submitted_review(jury.assignment, jury.scores(4))
    staff = secretary_with_totp()
    log_in(page, live_server.url, staff)

    response = page.goto(
        live_server.url + reverse("reviews:ranking", kwargs={"call_pk": jury.cast.call.pk})
    )

    assert response.status == 200
    assert axe_violations(page) == []
    assert page.js_errors == []
