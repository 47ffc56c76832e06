"""The public pages and a coordinator's application in every interface language, in Chromium.

For each language of ``settings.LANGUAGES`` (English, French, Spanish, Arabic, Chinese,
Russian, Vietnamese) one browser context opens the English home page, switches language
with the header's language switcher and then only clicks visible links and buttons: the
public pages, then, from the login page on, a city coordinator's application. Every page
reached must pass axe-core (no serious or critical violation), carry the language in
``<html lang>`` and its direction in ``dir`` (``rtl`` for Arabic, ``ltr`` otherwise), and
is saved as a full-page screenshot, ``$LC_DATA_DIR/screenshots/<lang>/<nn>-<page>.png``,
for a person to look at. The visible names are read from the translation catalogues, so
the same steps run in every language.

One test per language, with one browser context and one set of data: the live server's
tests empty the database after each test and load the shipped data again (some 7 s), so
no data outlives a test and fewer tests cost less. (``serialized_rollback`` would save the
reload but fails after any other live-server test: the reloaded content types clash.)
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info

from learningcities.calls.models import Answer, Submission
from learningcities.common.languages import is_right_to_left, language_codes
from tests.browser.conftest import axe_violations
from tests.browser.test_role_journeys_work import click, log_in, save_form, say, set_language
from tests.calls.factories import city_with_coordinator, make_call
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

TITLE = "Membership call 2026"
ANSWER = "Libraries, schools and employers run learning festivals in every district."
# The live server shares one in-memory database between its threads: generous waits.
WAIT = 20_000


class PageCheck:
    """Check and photograph each page a test reaches; collect what is wrong on it."""

    def __init__(self, page, lang: str):
        self.page, self.lang = page, lang
        self.expected = (lang, "rtl" if is_right_to_left(lang) else "ltr")
        self.folder = settings.DATA_DIR / "screenshots" / lang
        self.folder.mkdir(parents=True, exist_ok=True)
        self.problems: list[str] = []

    def __call__(self, number: int, name: str) -> None:
        """Screenshot the page as ``<number>-<name>.png``, then check its language and axe."""
        page = self.page
        page.wait_for_load_state("load")
        page.screenshot(path=self.folder / f"{number:02d}-{name}.png", full_page=True)
        html = page.locator("html")
        found = (html.get_attribute("lang"), html.get_attribute("dir"))
        if found != self.expected:
            self.problems.append(f"{name} {page.url}: (lang, dir) {found}, not {self.expected}")
        if violations := axe_violations(page):
            self.problems.append(f"{name} {page.url}: axe {violations}")


def public_network() -> dict:
    """Two member cities (one in a cohort, with a local name) and an open call."""
    cohort = CohortFactory(name="2024 cohort")
    cork = CityFactory(name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756)
    son_la = CityFactory(
        name="Son La",
        local_name="Sơn La",
        country=country("VN"),
        latitude=21.3256,
        longitude=103.9188,
    )
    make_member(cork, joined="2016")
    make_member(son_la, joined="2024-02-14", cohort=cohort)
    return {"cork": cork, "call": make_call(title=TITLE)}


def visit_public_pages(page, check: PageCheck, lang: str, world: dict) -> dict:
    """From the English home page, switch to ``lang``, then open the public pages by links.

    Screenshots: ``$LC_DATA_DIR/screenshots/<lang>/01-home.png`` to ``08-call.png``.
    Return what the pages showed, for the test to assert.
    """
    with translation.override(lang):
        country_name = world["cork"].country.display_name
    page.goto(world["url"] + "/")
    if lang != "en":
        switcher = page.get_by_role("navigation", name="Language")
        name = get_language_info(lang)["name_local"]
        click(page, switcher.get_by_role("link", name=name, exact=True))
    shown = {"switched": (page.url, page.locator(".lang-nav [aria-current]").get_attribute("lang"))}
    check(1, "home")
    menu = page.get_by_role("navigation", name=say(lang, "Main"))
    click(page, menu.get_by_role("link", name=say(lang, "Directory"), exact=True))
    check(2, "directory")
    click(page, page.locator("main").get_by_role("link", name="Cork", exact=True))
    check(3, "city")
    click(page, page.locator(".breadcrumbs").get_by_role("link", name=country_name, exact=True))
    check(4, "country")
    shown["country"] = page.locator("main").get_by_role("link", name="Cork").count() >= 1
    click(page, menu.get_by_role("link", name=say(lang, "Statistics"), exact=True))
    check(5, "statistics")
    shown["charts"] = page.locator("main svg[role=img]").count() >= 1
    click(page, menu.get_by_role("link", name=say(lang, "Map"), exact=True))
    page.wait_for_selector(".leaflet-marker-icon")
    check(6, "map")
    click(page, menu.get_by_role("link", name=say(lang, "Join the network"), exact=True))
    check(7, "join")
    # A title not written in ``lang`` is followed by a note, "shown in English".
    click(page, page.locator("main").get_by_role("link", name=re.compile("^" + TITLE)))
    check(8, "call")
    shown["call"] = page.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    return shown


def apply_as_coordinator(page, check: PageCheck, lang: str, world: dict) -> str:
    """Log in, open the application, answer in a section, save, preview; return the preview.

    Screenshots: ``$LC_DATA_DIR/screenshots/<lang>/10-login.png`` to ``16-preview.png``.
    """
    account = page.get_by_role("navigation", name=say(lang, "Account"))
    click(page, account.get_by_role("link", name=say(lang, "Log in"), exact=True))
    check(10, "login")
    log_in(page, lang, world["coordinator"])
    check(11, "my-work")
    click(page, page.get_by_role("link", name=say(lang, "Start an application")))
    check(12, "applications")
    start = say(lang, "Start application for %(city)s", city="Espoo")
    click(page, page.get_by_role("button", name=start))
    check(13, "application")
    click(page, page.locator("main").get_by_role("link", name=re.compile(r"^1 ")))
    check(14, "section")
    page.get_by_label(re.compile(r"^1\.1\.1 ")).fill(ANSWER)
    save_form(page, say(lang, "Save draft"))
    check(15, "section-saved")
    click(page, page.get_by_role("link", name=say(lang, "Back to the application")))
    click(page, page.get_by_role("link", name=say(lang, "Preview the whole application")))
    check(16, "preview")
    return page.locator("main").inner_text()


@pytest.mark.parametrize("lang", language_codes())
def test_public_pages_and_application_in_each_language(browser, live_server, lang):
    """The public pages, then a coordinator's application, by clicking, in ``lang``.

    Every page passes axe and carries ``lang`` and its direction; screenshots in
    ``$LC_DATA_DIR/screenshots/<lang>/`` (``01-home.png`` ... ``16-preview.png``).
    """
    world = {**public_network(), "url": live_server.url}
    organisation, world["coordinator"] = city_with_coordinator("FI", name="Espoo")
    set_language(world["coordinator"], lang)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.js_errors, page.languages = [], set()
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    check = PageCheck(page, lang)
    try:
        shown = visit_public_pages(page, check, lang, world)
        preview = apply_as_coordinator(page, check, lang, world)
    finally:
        context.close()

    with translation.override(lang):
        home_url = live_server.url + reverse("network:home")
    submission = Submission.objects.get(call=world["call"], city=organisation.city)
    answer = Answer.objects.get(submission=submission, criterion__code="1.1.1")
    assert shown == {
        "switched": (home_url, lang),
        "country": True,
        "charts": True,
        "call": True,
    }
    assert (answer.text_value, ANSWER in preview) == (ANSWER, True)
    assert check.problems == [], "\n".join(check.problems)
    assert page.languages == {lang}
    assert page.js_errors == []
