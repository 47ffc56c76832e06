"""The secretariat's translations: coverage per object and language, and writing one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learningcities.accounts.enums import Role
from learningcities.calls.domain.calls import update_call
from learningcities.calls.models import Call
from learningcities.common.models import ActivityLogEntry
from tests.accounts.factories import person_with_role
from tests.calls.factories import make_call

pytestmark = pytest.mark.django_db


def logged_in(role: Role) -> Client:
    client = Client()
    client.force_login(person_with_role(role, totp=True))
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def edit_url(call: Call, language: str) -> str:
    return reverse(
        "common:translation-edit",
        kwargs={"kind": "calls.call", "pk": call.pk, "language": language},
    )


@pytest.fixture
def call(private_root):
    return make_call(title="Membership call 2027", description="Cities apply once a year.")


def test_the_overview_shows_each_object_in_each_language(call):
    html = text_of(logged_in(Role.SECRETARIAT).get(reverse("common:translations")))

    assert re.search(r'<h2 id="kind-\d">Calls</h2>', html)
    assert "Membership call 2027" in html
    assert "Criteria frameworks" in html
    # The call has no translation yet: a title and a description in every language.
    assert len(re.findall(r"\b0 of 2\b", html)) == 6
    mail_row = re.search(r'<th scope="row"><a href="/workspace/mail-templates/">.*?</tr>', html)
    assert len(re.findall(r"\b44 of 44\b", mail_row.group())) == 6  # every mail template
    assert "Translated through their files" in html


def test_a_translation_saved_by_the_secretariat_shows_on_the_public_page(call):
    client = logged_in(Role.SECRETARIAT)
    response = client.post(
        edit_url(call, "fr"),
        {"title": "Appel à candidatures 2027", "description": "", "guidelines": ""},
    )

    assert response.status_code == 302
    public = reverse("calls:join-call", kwargs={"pk": call.pk})
    french = text_of(Client().get("/fr" + public))
    assert "<h1>Appel à candidatures 2027</h1>" in french
    # The description has no French yet: shown in English, marked as such.
    assert '<div class="call-description" lang="en" dir="auto">' in french
    assert "<h1>Membership call 2027</h1>" in text_of(Client().get(public))
    entry = ActivityLogEntry.objects.get(action="common.translation.update")
    assert entry.changes == {"language": [None, "fr"], "fields": [None, ["title"]]}


def test_changing_the_original_makes_the_translation_outdated(call):
    client = logged_in(Role.SECRETARIAT)
    client.post(edit_url(call, "fr"), {"title": "Appel 2027", "description": "Une fois par an."})
    update_call(call, actor=None, title="Membership call 2027 (extended)")

    page = text_of(client.get(edit_url(call, "fr")))
    assert "The original changed after this translation was saved" in page
    french = text_of(Client().get("/fr" + reverse("calls:join-call", kwargs={"pk": call.pk})))
    assert '<span lang="en" dir="auto">Membership call 2027 (extended)</span>' in french

    client.post(edit_url(call, "fr"), {"title": "Appel 2027 (prolongé)", "description": "x"})
    with translation.override("en"):
        overview = text_of(client.get(reverse("common:translations")))
    assert re.search(r"\b2 of 2\b", overview)


def test_a_too_long_translation_is_refused_and_nothing_is_saved(call):
    response = logged_in(Role.SECRETARIAT).post(edit_url(call, "es"), {"title": "x" * 201})

    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    call.refresh_from_db()
    assert call.translations == {}


def test_the_form_writes_in_the_language_and_direction_of_the_translation(call):
    html = logged_in(Role.SECRETARIAT).get(edit_url(call, "ar")).content.decode()

    assert 'lang="ar" dir="rtl"' in html
    assert (
        '<blockquote class="original" lang="en" dir="ltr">Membership call 2027</blockquote>' in html
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_other_roles_may_neither_see_nor_write_translations(call, role):
    client = logged_in(role)

    assert client.get(reverse("common:translations")).status_code == 403
    assert client.post(edit_url(call, "fr"), {"title": "Piraté"}).status_code == 403
    call.refresh_from_db()
    assert call.translations == {}


def test_no_form_for_the_original_language_a_framework_or_an_unknown_object(call):
    client = logged_in(Role.SECRETARIAT)
    framework_url = reverse(
        "common:translation-edit",
        kwargs={"kind": "frameworks.framework", "pk": call.framework_id, "language": "fr"},
    )

    assert client.get(edit_url(call, "en")).status_code == 404
    assert client.get(edit_url(call, "xx")).status_code == 404
    assert client.get(framework_url).status_code == 404
    assert client.get(edit_url(Call(pk=call.pk + 1000), "fr")).status_code == 404
