"""Role journeys in Chromium, in English and French: the juror's first review, the endorser's past.

Each journey opens one address (the invitation link from the mail, or the
log-in page) and then only clicks visible links and buttons and fills forms.
The visible names come from the translation catalogue, so the same body runs
in both languages.
"""

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import get_language_info, gettext, pgettext
from playwright.sync_api import expect

from learningcities.accounts.models import User
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.common.models import OutboxMessage
from learningcities.frameworks.models import Criterion
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.panels import invite_juror
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Review
from tests.accounts.factories import PASSWORD, totp_code
from tests.calls.factories import Cast, submission_in
from tests.calls.releasing import release_cohort
from tests.reviews.decision_helpers import membership_call, rename_city, stage
from tests.reviews.factories import make_panel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root"),
]

S = SubmissionState
LANGUAGES = ["en", "fr"]
WAIT = 20_000  # ms: the machine may be busy; expectations wait on state, never on time


def _(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


def _p(lang: str, context: str, text: str) -> str:
    with translation.override(lang):
        return pgettext(context, text)


def _click_and_wait(page, locator) -> None:
    """Click a link or button that loads a new page, and wait for it."""
    with page.expect_navigation():
        locator.click()


def _heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1, name=text)).to_be_visible(timeout=WAIT)


def _wait_until_saved(page, lang: str) -> None:
    """Wait until the autosaving form has nothing unsaved and nothing in flight."""
    page.wait_for_function(
        """(saving) => {
            const form = document.querySelector("form[data-autosave]");
            const status = form.querySelector("[data-autosave-status]").textContent;
            return !status.startsWith(saving)
                && window.localStorage.getItem("lc-autosave:" + form.action) === null;
        }""",
        arg=_(lang, "Saving…"),
        timeout=WAIT,
    )


# The juror: from the invitation mail to a submitted review


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invited_juror_submits_a_first_review_by_clicking(live_server, page, settings, lang):
    # Links in mail lead to this live server.
    settings.LC_SITE_URL = live_server.url
    settings.LC_SITE_URL_SET = True
    cast = Cast(country_code="IE")
    rename_city(cast, "Qwyxlborough")
    submission = submission_in(cast, S.ELIGIBLE)
    panel = make_panel(cast.call)
    with translation.override(lang):  # the secretariat invites from the site in ``lang``
        invite_juror(panel, email="new.juror@example.org", actor=cast.secretary)
    mail = OutboxMessage.objects.get(template_code="accounts.invitation")
    link = re.search(r"https?://\S+/account/invitation/[^/\s]+/", mail.body)[0]

    # The mail's link: name and password for the new account.
    page.goto(link)
    _heading(page, _(lang, "Your invitation"))
    page.get_by_label(_(lang, "Your name")).fill("Niamh Juror")
    page.get_by_label(_(lang, "Password")).first.fill(PASSWORD)
    page.get_by_label(_(lang, "Password (again)")).fill(PASSWORD)
    _click_and_wait(page, page.get_by_role("button", name=_(lang, "Accept and create my account")))
    # A juror sets up the second factor before anything else; the site first asks
    # for the password again (allauth's reauthentication), then shows the secret.
    _heading(page, _(lang, "Confirm Access"))
    page.get_by_label(_(lang, "Password")).first.fill(PASSWORD)
    _click_and_wait(page, page.get_by_role("button", name=_(lang, "Confirm")))
    _heading(page, _(lang, "Activate Authenticator App"))
    secret = page.get_by_label(_(lang, "Authenticator secret")).input_value()
    page.get_by_label(_(lang, "Authenticator code")).fill(totp_code(secret))
    _click_and_wait(page, page.get_by_role("button", name=_(lang, "Activate")))
    # The secretariat assigns the application to the juror, now that the account exists.
    juror = User.objects.get(email="new.juror@example.org")
    assign_submission(panel, submission, juror, actor=cast.secretary)
    _click_and_wait(page, page.get_by_role("link", name=_(lang, "My work"), exact=True))
    _heading(page, _(lang, "My work"))
    _click_and_wait(page, page.get_by_role("link", name="Qwyxlborough"))
    _heading(page, "Qwyxlborough")
    for criterion in Criterion.objects.filter(framework=cast.call.framework).order_by("order"):
        with translation.override(lang):
            legend = gettext("Your score for %(code)s") % {"code": criterion.code}
        page.get_by_role("group", name=legend).get_by_role("radio").last.check()
    page.get_by_role("radio", name=str(_(lang, "Admit")), exact=True).check()
    page.get_by_label(_(lang, "Overall comment")).fill("A strong, well-documented application.")
    page.get_by_label(
        _(lang, "I have finished: submit my review, which can then no longer be changed.")
    ).check()
    submit = page.get_by_role("button", name=_(lang, "Submit review"))
    submit.focus()  # ends the editing of the comment: its last autosave starts
    _wait_until_saved(page, lang)
    _click_and_wait(page, submit)

    expect(
        page.get_by_text(_(lang, "You have submitted this review; it can no longer be changed."))
    ).to_be_visible(timeout=WAIT)
    review = Review.objects.get(assignment__juror=juror, assignment__submission=submission)
    assert (review.state, review.recommendation) == (ReviewState.SUBMITTED, "admit")
    assert review.comment == "A strong, well-documented application."
    assert review.scores.count() == Criterion.objects.filter(framework=cast.call.framework).count()
    assert page.locator("html").get_attribute("lang") == lang
    assert page.js_errors == []


# The endorser: a past endorsement and its released outcome


@pytest.mark.parametrize("lang", LANGUAGES)
def test_endorser_finds_the_outcome_of_a_past_endorsement_by_clicking(live_server, page, lang):
    call = membership_call(title="Membership call 2026")
    cast = Cast(call=call, country_code="IE")
    rename_city(cast, "Qwyxlborough")
    submission = submission_in(cast, S.IN_REVIEW)  # endorsed by the cast's endorser on the way
    stage(cast, submission, Decision.ACCEPTED)
    release_cohort(call, actor=cast.secretary, name="Cohort 2026", joined_on=timezone.localdate())

    page.goto(live_server.url + "/account/login/")
    if lang != "en":
        french = get_language_info(lang)["name_local"]  # the header's language link
        _click_and_wait(page, page.get_by_role("link", name=french, exact=True))
    page.get_by_label(_(lang, "Email")).fill(cast.endorser.email)
    page.get_by_label(_(lang, "Password")).first.fill(PASSWORD)
    _click_and_wait(page, page.get_by_role("button", name=_(lang, "Log in")))
    _heading(page, _(lang, "My work"))
    _click_and_wait(
        page, page.get_by_role("link", name=_(lang, "Full history of your endorsements"))
    )
    _heading(page, _(lang, "History of your endorsements"))
    _click_and_wait(page, page.get_by_role("link", name="Qwyxlborough"))

    outcome = _p(lang, "outcome", "Admitted")
    expect(page.get_by_role("definition").filter(has_text=outcome)).to_be_visible(timeout=WAIT)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.js_errors == []
