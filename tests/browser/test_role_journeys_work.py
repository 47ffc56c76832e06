"""Two roles' main jobs in Chromium, from the login page on, by clicking only, in two languages.

The secretariat screens a closed call's endorsed applications, assigns the
jury, moves the jury to its deliberation, decides, releases the cohort and
downloads a certificate; a city coordinator on a phone-sized screen fills in
and submits an application. After the login page is opened, the person only
clicks visible links and buttons and fills forms. The visible names are
computed from the translation catalogue, so the same steps run in both
languages. (The jurors' reviews, the jurors' own work, are written through
the domain functions in the middle of the secretariat's journey.)
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import get_language_info, gettext, ngettext

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.interfaces.city_forms import ProfileForm
from learningcities.calls.models import Call, Certificate, Release, ReleaseState, Submission
from learningcities.frameworks.models import Criterion
from learningcities.network.domain.cities import save_city
from learningcities.reviews.domain.panels import add_phase, create_panel
from learningcities.reviews.domain.reviews import (
    open_review,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.models import Assignment
from tests.accounts.factories import PASSWORD, TOTP_SECRET, person_with_role, totp_code
from tests.calls.factories import Cast, city_with_coordinator, make_call, submission_in
from tests.common.files import PDF
from tests.reviews.factories import make_juror

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

S = SubmissionState
LANGUAGES = ("en", "fr")
TITLE = "Membership call 2026"
# The live server shares one in-memory database between its threads: generous waits.
WAIT = 20_000
PHONE = {"width": 390, "height": 844}


def say(lang: str, message: str, **values) -> str:
    """``message`` as the page shows it in ``lang`` (placeholders filled, markup dropped)."""
    with translation.override(lang):
        text = gettext(message)
    return strip_tags(text % values if values else text)


def say_plural(lang: str, singular: str, plural: str, count: int, **values) -> str:
    with translation.override(lang):
        text = ngettext(singular, plural, count)
    return strip_tags(text % {"total": count, **values})


def state_label(lang: str, state: str) -> str:
    with translation.override(lang):
        return str(dict(S.choices)[state])


def open_login(browser, live_server, lang: str, **context):
    """A new page on the login page, in ``lang`` (chosen with the header's language link)."""
    context = browser.new_context(locale="en-GB", **context)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.js_errors = []
    page.languages = set()  # the language of every page the clicks led to
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(live_server.url + reverse("account_login"))
    if lang != "en":
        name = get_language_info(lang)["name_local"]
        click(page, page.locator(".lang-nav").get_by_role("link", name=name, exact=True))
    return context, page


def log_in(page, lang: str, user, *, totp: bool = False) -> None:
    """Log in through the form (and the second factor); the person lands on "My work"."""
    page.get_by_label(say(lang, "Email")).fill(user.email)
    page.get_by_label(say(lang, "Password"), exact=False).first.fill(PASSWORD)
    click(page, page.get_by_role("button", name=say(lang, "Log in")))
    if totp:
        page.get_by_label(say(lang, "Code")).fill(totp_code(TOTP_SECRET))
        click(page, page.get_by_role("button", name=say(lang, "Sign In")))
    prefix = "" if lang == "en" else f"/{lang}"
    page.wait_for_url(f"**{prefix}{reverse('accounts:my-work')}", timeout=WAIT)


def click(page, locator) -> None:
    """Click a visible link or button and wait for the page it leads to."""
    locator.wait_for(state="visible", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        locator.click()
    page.languages.add(page.locator("html").get_attribute("lang"))


def wait_until_saved(page) -> None:
    """Wait until the autosaving form has nothing unsaved and nothing in flight, in any language.

    The "Saving…" text is read from the status element, as the script shows it.
    """
    page.wait_for_function(
        """() => {
            const form = document.querySelector("form[data-autosave]");
            const status = form.querySelector("[data-autosave-status]");
            return !status.textContent.startsWith(status.dataset.textSaving)
                && window.localStorage.getItem("lc-autosave:" + form.action) === null;
        }""",
        timeout=WAIT,
    )


def save_form(page, name: str) -> None:
    button = page.get_by_role("button", name=name)
    button.focus()
    wait_until_saved(page)
    click(page, button)


def set_language(user: User, lang: str) -> None:
    User.objects.filter(pk=user.pk).update(language=lang)


# 1. The secretariat: screening, jury, deliberation, decisions, release, a certificate.


def _closed_call_with_jury(lang: str):
    """A closed call with Cork (IE) and Lyon (FR) endorsed; a panel, two phases, two jurors."""
    call = make_call(title=TITLE, min_reviews=2)
    casts = {}
    for code, name in (("IE", "Cork"), ("FR", "Lyon")):
        cast = Cast(call=call, country_code=code)
        save_city(country=cast.city.country, name=name, city=cast.city)
        submission_in(cast, S.ENDORSED)
        casts[name] = cast
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(closes_at=now - dt.timedelta(days=1))
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    set_language(staff, lang)
    panel = create_panel(call, actor=staff)
    add_phase(
        panel,
        actor=staff,
        name="Scoring",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
        may_review=True,
    )
    add_phase(
        panel,
        actor=staff,
        name="Deliberation",
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=20),
        may_review=False,
        may_change_state=True,
    )
    jurors = [make_juror(panel, "BR", name="Beatriz Souza"), make_juror(panel, "JP", name="Aiko")]
    return call, staff, jurors


def _jurors_review(call, jurors) -> None:
    """Each juror scores and submits every assigned review: Cork high (admit), Lyon low."""
    criteria = list(Criterion.objects.filter(framework_id=call.framework_id))
    for juror in jurors:
        for assignment in Assignment.objects.filter(juror=juror).select_related(
            "submission__city", "panel"
        ):
            cork = assignment.submission.city.name == "Cork"
            review = open_review(assignment, actor=juror)
            for criterion in criteria:
                save_score(review, criterion, actor=juror, value=4 if cork else 2)
            save_review(
                review,
                actor=juror,
                recommendation="admit" if cork else "do_not_admit",
                comment="Discussed with the panel.",
            )
            submit_review(review, actor=juror)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_secretariat_screens_assigns_decides_and_releases_by_clicking(browser, live_server, lang):
    call, staff, jurors = _closed_call_with_jury(lang)
    context, page = open_login(browser, live_server, lang, viewport={"width": 1280, "height": 900})
    try:
        log_in(page, lang, staff, totp=True)

        # My work: the call's endorsed applications to screen.
        to_screen = say_plural(
            lang,
            "%(call)s: %(total)s endorsed application to screen",
            "%(call)s: %(total)s endorsed applications to screen",
            2,
            call=TITLE,
        )
        click(page, page.get_by_role("link", name=to_screen))

        # Screening: both eligible, each from the call's list of submissions.
        screened = []
        for city in ("Cork", "Lyon"):
            click(page, page.locator(".submission-list").get_by_role("link", name=city))
            click(page, page.get_by_role("button", name=say(lang, "Eligible"), exact=True))
            screened.append(page.locator(".application-summary").inner_text())
            click(page, page.get_by_role("link", name=say(lang, "Back to %(call)s", call=TITLE)))

        # The jury: automatic assignment, then back to the jury page.
        click(page, page.get_by_role("link", name=say(lang, "Jury: panel, phases and assignment")))
        click(page, page.get_by_role("link", name=say(lang, "Assign jurors automatically")))
        click(page, page.get_by_role("button", name=say(lang, "Assign jurors"), exact=True))
        report = page.locator("#report-heading").inner_text()
        assigned = Assignment.objects.filter(panel__call=call).count()
        states_after_assignment = set(
            Submission.objects.filter(call=call).values_list("state", flat=True)
        )
        click(page, page.get_by_role("link", name=say(lang, "Back to the jury")))

        # The jurors do their work (not the secretariat's): every review submitted.
        _jurors_review(call, jurors)

        # The secretariat closes the scoring and opens the deliberation.
        next_step = say(
            lang, "Close “%(current)s” and open “%(next)s”", current="Scoring", next="Deliberation"
        )
        click(page, page.get_by_role("button", name=next_step))
        in_force = page.locator(".messages").inner_text()

        # Decisions: finish both reviews, accept Cork, reject Lyon.
        click(
            page, page.locator("main").get_by_role("link", name=say(lang, "Decisions and release"))
        )
        for city in ("Cork", "Lyon"):
            page.get_by_label(say(lang, "Finish the review of %(city)s", city=city)).check()
        click(page, page.get_by_role("button", name=say(lang, "Finish the reviews")))
        accept = 'Accept<span class="visually-hidden"> %(city)s</span>'
        reject = 'Reject<span class="visually-hidden"> %(city)s</span>'
        click(page, page.get_by_role("button", name=say(lang, accept, city="Cork")))
        click(page, page.get_by_role("button", name=say(lang, reject, city="Lyon")))
        decided = dict(Submission.objects.filter(call=call).values_list("city__name", "decision"))

        # The release: preview, typed confirmation, the result, a certificate.
        click(page, page.get_by_role("link", name=say(lang, "Prepare the release")))
        admitted = page.locator("#accepted-list").inner_text()
        not_admitted = page.locator("#rejected-list").inner_text()
        page.get_by_label(say(lang, "Name of the cohort")).fill("Cohort 2026")
        page.get_by_label(say(lang, "Members join on")).fill(timezone.localdate().isoformat())
        page.get_by_label(say(lang, "Type the title of the call to confirm")).fill(TITLE)
        click(page, page.get_by_role("button", name=say(lang, "Release the cohort")))
        page.get_by_role("heading", name=say(lang, "The release is done")).wait_for(timeout=WAIT)
        certificate = Certificate.objects.select_related("submission__city").get()
        link = page.get_by_role(
            "link", name=say(lang, "Certificate %(number)s (PDF)", number=certificate.number)
        )
        with page.expect_response(lambda r: "/documents/" in r.url, timeout=WAIT) as answer:
            link.click()
        response = answer.value
        pdf_type = response.header_value("content-type")
        # Chromium shows the PDF in its viewer; the same address with the session's cookies
        # gives the file's bytes.
        pdf = page.request.get(response.url).body()
        js_errors, languages = list(page.js_errors), set(page.languages)
    finally:
        context.close()

    eligible = state_label(lang, S.ELIGIBLE)
    assert [eligible in summary for summary in screened] == [True, True]
    assert report == say(lang, "Report")
    assert (assigned, states_after_assignment) == (4, {S.IN_REVIEW})
    assert "Deliberation" in in_force
    assert decided == {"Cork": Decision.ACCEPTED, "Lyon": Decision.REJECTED}
    assert ("Cork" in admitted, "Lyon" in admitted) == (True, False)
    assert "Lyon" in not_admitted
    assert Release.objects.get(call=call).state == ReleaseState.DONE
    assert set(Submission.objects.filter(call=call).values_list("state", flat=True)) == {S.RELEASED}
    assert certificate.submission.city.name == "Cork"
    assert (pdf_type, pdf[:4]) == ("application/pdf", b"%PDF")
    assert languages == {lang}
    assert js_errors == []


# 2. The city coordinator, on a 390 px wide screen: an application from start to submission.

PROFILE = {
    "data_year": "2024",
    "population": "305274",
    "area_km2": "528",
    "gdp_per_capita_city": "61000",
    "gdp_per_capita_country": "53000",
    "schooling_years_men": "13",
    "schooling_years_women": "14",
    "motivation": "Espoo wants to share its learning neighbourhoods and learn from peers.",
    "implementation": "A lifelong learning board of the city, schools and employers meets monthly.",
    "contact_name": "Aino Virtanen",
    "contact_email": "aino.virtanen@example.org",
    "contact_phone": "+358 9 000 0000",
}


def profile_labels(lang: str) -> dict[str, str]:
    """The profile form's labels in ``lang``, as the page shows them."""
    with translation.override(lang):
        form = ProfileForm()
        return {name: str(form.fields[name].label) for name in [*PROFILE, "communication_language"]}


class SidewaysCheck:
    """Record every page visited whose content is wider than the screen."""

    def __init__(self, page, width: int):
        self.page, self.width, self.wide, self.seen = page, width, [], []

    def __call__(self) -> None:
        self.page.wait_for_load_state("load")
        scroll_width = self.page.evaluate("() => document.documentElement.scrollWidth")
        self.seen.append(self.page.url)
        if scroll_width > self.width:
            # The innermost elements that reach past the screen's edge, to name the culprit.
            culprits = self.page.evaluate(
                """(width) => [...document.querySelectorAll("main *")]
                    .filter((e) => e.getBoundingClientRect().right > width
                        && ![...e.children].some((c) => c.getBoundingClientRect().right > width))
                    .slice(0, 5)
                    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
                        + ": " + (e.textContent || "").trim().slice(0, 60))""",
                self.width,
            )
            self.wide.append(f"{self.page.url}: {scroll_width}px, {culprits}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coordinator_completes_and_submits_an_application_on_a_phone(browser, live_server, lang):
    call = make_call(title=TITLE)
    organisation, coordinator = city_with_coordinator(
        "FI", name="Espoo", latitude=60.2055, longitude=24.6559, population=305_274
    )
    set_language(coordinator, lang)
    labels = profile_labels(lang)
    context, page = open_login(browser, live_server, lang, viewport=PHONE)
    check = SidewaysCheck(page, PHONE["width"])
    back = say(lang, "Back to the application")
    save = say(lang, "Save draft")
    try:
        check()
        log_in(page, lang, coordinator)
        check()

        # My work: the open call, then the applications page and its button.
        click(page, page.get_by_role("link", name=say(lang, "Start an application")))
        check()
        start = say(lang, "Start application for %(city)s", city="Espoo")
        click(page, page.get_by_role("button", name=start))
        check()
        submission = Submission.objects.get(call=call, city=organisation.city)

        # The city's profile, its challenges and the mayor's letter.
        click(page, page.get_by_role("link", name=say(lang, "City profile and commitment letter")))
        check()
        for name, value in PROFILE.items():
            page.get_by_label(labels[name]).fill(value)
        page.get_by_label(labels["communication_language"]).select_option(lang)
        for group in page.locator(".field.rating fieldset").all():
            group.get_by_role("radio", name="3", exact=True).check()
        page.get_by_label(say(lang, "Mayor's commitment letter")).set_input_files(
            {"name": "mayors-letter.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        check()
        save_form(page, save)
        check()
        letters = page.locator("#document-commitment_letter .documents").inner_text()

        # Every section of the framework.
        click(page, page.get_by_role("link", name=back))
        click(page, page.get_by_role("link", name=re.compile(r"^1 First section")))
        check()
        page.get_by_label("1.1.1 A text question").fill(
            "Libraries, schools and employers run learning festivals in every district."
        )
        page.get_by_role("radio", name="3: High").check()
        page.get_by_label("1.2.1 A number").fill("42")
        save_form(page, save)
        check()
        click(page, page.get_by_role("link", name=back))
        check()
        click(page, page.get_by_role("link", name=re.compile(r"^2 Second section")))
        check()
        page.get_by_label("2.3 A file").set_input_files(
            {"name": "learning-festival-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        save_form(page, save)
        check()
        evidence = page.locator("#criterion-2\\.3 .documents").inner_text()

        # Complete: the preview, then the submission.
        click(page, page.get_by_role("link", name=back))
        check()
        complete = page.get_by_text(say(lang, "Your application is complete.")).count()
        click(page, page.get_by_role("link", name=say(lang, "Preview the whole application")))
        check()
        preview = page.locator("main").inner_text()
        click(page, page.get_by_role("link", name=back))
        click(page, page.get_by_role("button", name=say(lang, "Submit the application")))
        check()
        state_shown = page.locator(".application-state").inner_text()
        js_errors, languages = list(page.js_errors), set(page.languages)
    finally:
        context.close()

    assert (letters, evidence) == ("mayors-letter.pdf", "learning-festival-report.pdf")
    assert complete == 1
    assert all(text in preview for text in ("mayors-letter.pdf", "42", PROFILE["motivation"]))
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED
    assert state_shown == state_label(lang, S.SUBMITTED)
    assert len(check.seen) >= 14
    assert check.wide == [], "The page scrolls sideways at 390 px:\n" + "\n".join(check.wide)
    assert languages == {lang}
    assert js_errors == []
