"""Layout acceptance: every page of the URL matrix fits a phone and a laptop and passes axe.

Each URL that answers 200 to some role in the role-by-view matrix (tests/test_url_matrix.py
and the area modules under tests/url_matrix/) is opened in Chromium as the first such role,
at 390 px and at 1366 px wide. The page must not scroll sideways
(``document.documentElement.scrollWidth <= innerWidth``: wide tables scroll inside their own
box) and axe-core must find no serious or critical violation. New matrix entries are picked
up by themselves; the objects are the matrix's own (``build_world``).

One browser context per role, logged in once by handing Chromium the session cookie of a
Django test client (the matrix's roles are logged in the same way, second factor included).
"""

import os

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.browser.conftest import axe_violations
from tests.test_url_matrix import MATRIX, _url, build_world, matrix_storages
from tests.url_matrix.roles import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)

# Not pages of this site's layout: the Django admin keeps its own stylesheet.
SKIPPED = {"admin:*"}


def pages_to_render() -> list[tuple[str, str]]:
    """Return ``(url name, role)`` for each URL that shows a page to some role: its first."""
    pages = []
    # LC_LAYOUT_PAGES="network:map,calls:city-profile" checks only those (while fixing them).
    only = set(filter(None, os.environ.get("LC_LAYOUT_PAGES", "").split(",")))
    for name in sorted(MATRIX):
        if name in SKIPPED or (only and name not in only):
            continue
        role = next((role for role in ROLES if MATRIX[name][role] == 200), None)
        if role is not None:
            pages.append((name, role))
    return pages


def sideways_overflow(page) -> dict | None:
    """Return the widths and the widest elements when the page scrolls sideways."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= window.innerWidth) return null;
            const wide = [];
            for (const el of document.body.querySelectorAll("*")) {
                const box = el.getBoundingClientRect();
                if (box.right > window.innerWidth + 1 && el.closest(".table-scroll") === null) {
                    const name = el.tagName.toLowerCase()
                        + (el.id ? "#" + el.id : "")
                        + (el.className && typeof el.className === "string"
                            ? "." + el.className.trim().split(/\\s+/).join(".") : "");
                    wide.push(name + " " + Math.round(box.right) + "px");
                }
            }
            return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth,
                    widest: wide.slice(0, 5)};
        }"""
    )


def is_html_page(response) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and not response.get("Content-Disposition", "").startswith("attachment")
    )


@pytest.fixture
def world(tmp_path):
    root = tmp_path / "private"
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(
        STORAGES=matrix_storages(root), LC_PRIVATE_ROOT=root, PASSWORD_HASHERS=hashers
    ):
        yield build_world()


def test_every_page_fits_narrow_and_wide_screens_without_serious_axe_violations(
    browser, live_server, world
):
    pages = pages_to_render()
    contexts, clients = {}, {}
    problems: list[str] = []
    try:
        for name, role in pages:
            if role not in contexts:
                context = browser.new_context(
                    viewport={"width": WIDTHS[0], "height": 900}, locale="en-GB"
                )
                client = clients[role] = Client()
                if role != "anonymous":
                    client.force_login(world["people"][role])
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                "url": live_server.url,
                            }
                        ]
                    )
                contexts[role] = context.new_page()
            page = contexts[role]
            path = _url(name, world["kwargs"].get(name, {}))
            if not is_html_page(clients[role].get(path)):
                continue  # data (JSON, CSV, PDF, downloads): nothing to lay out
            url = live_server.url + path
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(url)
                if response.status != 200:
                    problems.append(f"{name} as {role}: {url} answered {response.status}")
                    break
                if overflow := sideways_overflow(page):
                    problems.append(f"{name} as {role} at {width}px scrolls sideways: {overflow}")
                if violations := axe_violations(page):
                    problems.append(f"{name} as {role} at {width}px, axe: {violations}")
    finally:
        for page in contexts.values():
            page.context.close()

    assert len(pages) > 20 or os.environ.get("LC_LAYOUT_PAGES")
    assert problems == [], "\n".join(problems)
