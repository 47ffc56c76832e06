"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test's own set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("LC_REQUIRE_BROWSER", "") not in ("", "0") or os.environ.get("CI")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    problem = _missing()
    if problem:
        if REQUIRED:
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy
    # (no inline scripts) would block a <script> tag added to the page.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def log_in(page, base_url: str, user, *, totp: bool = False) -> None:
    """Log ``user`` in on ``page`` through the log-in form (and the TOTP step for ``totp``)."""
    from tests.accounts.factories import PASSWORD, TOTP_SECRET, totp_code

    page.goto(base_url + "/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if totp:
        page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
        with page.expect_navigation():
            page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def open_as(browser, live_server):
    """Return a function that logs ``user`` in, in a browser context of their own, and a page.

    The page collects its JavaScript errors in ``page.js_errors``.
    """
    contexts = []

    def open_page(user, *, totp: bool = False):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        log_in(page, live_server.url, user, totp=totp)
        return page

    yield open_page
    for context in contexts:
        context.close()


def wait_until_saved(page, *, timeout: float = 15_000) -> None:
    """Wait until the autosaving form on ``page`` has nothing unsaved and nothing in flight.

    Autosave keeps every value the server has not confirmed in localStorage
    until it does. Tests wait for it before posting the form: the live
    server's in-memory SQLite database is one connection shared by the
    server's threads, and an autosave running while the form is posted can
    fail there with "database table is locked" (a database file in WAL mode,
    or PostgreSQL, lets the two requests wait for each other).
    """
    page.wait_for_function(
        """() => {
            const form = document.querySelector("form[data-autosave]");
            const status = form.querySelector("[data-autosave-status]").textContent;
            return !status.startsWith("Saving")
                && window.localStorage.getItem("lc-autosave:" + form.action) === null;
        }""",
        timeout=timeout,
    )


def save_form(page, name: str = "Save draft") -> None:
    """Press the form's button ``name`` once the autosave has caught up, and wait for the page.

    Focusing the button first ends the editing of the last field, whose
    change event starts one last autosave.
    """
    button = page.get_by_role("button", name=name)
    button.focus()
    wait_until_saved(page)
    with page.expect_navigation():
        button.click()
