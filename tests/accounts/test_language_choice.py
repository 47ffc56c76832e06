"""The language switcher keeps the page and remembers the choice (accounts/views/language.py)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from learningcities.accounts.models import User
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LANGUAGE = "/account/language/"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def switcher_links(html: str) -> dict[str, str]:
    """Return the language switcher's links, by language."""
    nav = re.search(r'<nav class="lang-nav".*?</nav>', html, re.S).group(0)
    return {code: url for url, code in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)}


def test_switcher_links_of_an_anonymous_page_keep_the_page_and_its_query(client):
    response = client.get("/fr/cities/", {"q": "lyon", "sort": "country"})

    links = switcher_links(response.content.decode())

    assert links["en"] == "/cities/?q=lyon&amp;sort=country"
    assert links["es"] == "/es/cities/?q=lyon&amp;sort=country"
    assert links["zh-hans"] == "/zh-hans/cities/?q=lyon&amp;sort=country"


def test_anonymous_choice_sticks_as_the_visitor_goes_on(client):
    page = client.get("/es/countries/").content.decode()

    # Every link of the page frame stays in the chosen language.
    assert 'href="/es/cities/"' in page
    assert 'href="/es/account/login/"' in page
    assert 'href="/cities/"' not in page


def test_anonymous_choice_by_form_sets_the_cookie_and_keeps_the_page(client):
    response = client.post(LANGUAGE, {"language": "ru", "next": "/cities/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/ru/cities/?page=2"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_logged_in_switcher_is_a_form_posting_the_choice():
    user = make_user("ana@example.org")

    html = logged_in(user).get("/vi/account/profile/").content.decode()

    nav = re.search(r'<nav class="lang-nav".*?</nav>', html, re.S).group(0)
    with translation.override("vi"):
        assert f'action="{reverse("accounts:language")}"' in nav
    assert 'name="next" value="/vi/account/profile/"' in nav
    assert 'name="language" value="ar" lang="ar"' in nav
    assert 'value="vi" lang="vi" aria-current="true"' in nav
    assert "csrfmiddlewaretoken" in nav


def test_logged_in_choice_is_saved_on_the_profile_and_keeps_the_page():
    user = make_user("ana@example.org")
    client = logged_in(user)

    response = client.post(LANGUAGE, {"language": "ar", "next": "/account/my-work/"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/ar/account/my-work/"
    assert user.language == "ar"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    entry = ActivityLogEntry.objects.get(action="accounts.user.update")
    assert entry.changes["language"] == ["en", "ar"]


def test_logged_in_choice_of_a_language_not_offered_is_refused():
    user = make_user("ana@example.org", language="fr")
    client = logged_in(user)

    # Django has a German catalogue of its own; the platform offers no German.
    response = client.post(LANGUAGE, {"language": "de", "next": "/fr/account/my-work/"})

    user.refresh_from_db()
    assert response.status_code == 400
    assert user.language == "fr"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_choice_never_redirects_to_another_site():
    user = make_user("ana@example.org")

    response = logged_in(user).post(
        LANGUAGE, {"language": "es", "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_language_choice_refuses_get():
    user = make_user("ana@example.org")
    client = logged_in(user)

    response = client.get(LANGUAGE, {"language": "es", "next": "/"})

    user.refresh_from_db()
    assert response.status_code == 405
    assert user.language == "en"


def test_next_login_opens_in_the_language_of_the_profile(client):
    make_user("ana@example.org", language="zh-hans")

    response = client.post("/account/login/", {"login": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/account/my-work/"


def test_login_on_a_page_in_another_language_keeps_that_language(client):
    make_user("ana@example.org", language="zh-hans")

    response = client.post("/es/account/login/", {"login": "ana@example.org", "password": PASSWORD})

    assert response["Location"] == "/es/account/my-work/"


def test_login_keeps_the_page_asked_for_in_its_language(client):
    make_user("ana@example.org", language="zh-hans")

    response = client.post(
        "/account/login/",
        {"login": "ana@example.org", "password": PASSWORD, "next": "/fr/account/profile/"},
    )

    assert response["Location"] == "/fr/account/profile/"


def test_profile_saved_with_a_new_language_comes_back_in_it():
    user = make_user("ana@example.org", name="Ana")
    client = logged_in(user)

    response = client.post(
        "/account/profile/", {"name": "Ana", "language": "es", "nationality": ""}, follow=True
    )

    user.refresh_from_db()
    assert user.language == "es"
    assert response.redirect_chain == [("/es/account/profile/", 302)]
    with translation.override("es"):
        saved = gettext("Your profile has been saved.")
    assert saved != "Your profile has been saved."
    assert '<html lang="es"' in response.content.decode()
    assert saved in response.content.decode()
