"""Mail templates in every language, and the state of each translation of the English."""

import pytest
from django.urls import reverse

from learningcities.common.domain.outbox import (
    save_mail_template,
    sync_mail_templates,
    template_files,
)
from learningcities.common.domain.queries.outbox import mail_template_coverage
from learningcities.common.enums import TranslationState
from learningcities.common.models import MessageTemplate

pytestmark = pytest.mark.django_db

# The languages the shipped mail templates come in; a language added later falls
# back to English until its files are written.
LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru", "vi"]
T = TranslationState


def states_of(code: str) -> dict[str, str]:
    [states] = [states for entry_code, _d, states in mail_template_coverage() if entry_code == code]
    return dict(states)


def test_every_shipped_template_exists_in_every_language():
    shipped = template_files()
    codes = {code for code, _language in shipped}

    missing = sorted(
        (code, language)
        for code in codes
        for language in LANGUAGES
        if (code, language) not in shipped
    )

    assert len(codes) == 44
    assert missing == []


def test_sync_loads_every_language_as_translated():
    row = MessageTemplate.objects.get(language="zh-hans", code="calls.submission.endorsed")

    assert row.subject == "{{ city }}的申请已获推荐"
    assert sync_mail_templates() == 0
    assert {state for _c, _d, states in mail_template_coverage() for _l, state in states} == {
        T.ORIGINAL,
        T.TRANSLATED,
    }


def test_mail_template_coverage_lists_languages_in_settings_order():
    [entry] = [entry for entry in mail_template_coverage() if entry[0] == "common.notification"]
    _code, description, states = entry

    assert description.startswith("A plain notice written by the secretariat")
    assert states == [("en", T.ORIGINAL)] + [(language, T.TRANSLATED) for language in LANGUAGES[1:]]


def test_coverage_query_count_does_not_grow_with_templates(django_assert_num_queries):
    with django_assert_num_queries(1):
        coverage = mail_template_coverage()

    assert len(coverage) == 44


def test_editing_the_english_template_makes_its_translations_outdated(secretary):
    english = MessageTemplate.objects.get(code="common.notification", language="en")

    save_mail_template(
        "common.notification",
        "en",
        actor=secretary,
        subject="[GNLC] {{ subject }}",
        body=english.body,
    )

    states = states_of("common.notification")
    assert states["en"] == T.ORIGINAL
    assert {states[language] for language in LANGUAGES[1:]} == {T.OUTDATED}
    assert states_of("accounts.invitation")["fr"] == T.TRANSLATED


def test_saving_a_translation_makes_it_current_again(secretary):
    english = MessageTemplate.objects.get(code="common.notification", language="en")
    save_mail_template(
        "common.notification",
        "en",
        actor=secretary,
        subject="[GNLC] {{ subject }}",
        body=english.body,
    )

    save_mail_template(
        "common.notification",
        "ar",
        actor=secretary,
        subject="[GNLC] {{ subject }}",
        body="{{ text }}",
    )

    states = states_of("common.notification")
    assert (states["ar"], states["fr"]) == (T.TRANSLATED, T.OUTDATED)


def test_a_missing_translation_is_missing():
    MessageTemplate.objects.filter(code="common.notification", language="vi").delete()

    assert states_of("common.notification")["vi"] == T.MISSING


def test_sync_after_an_english_edit_keeps_the_shipped_translations_outdated(secretary):
    english = MessageTemplate.objects.get(code="calls.submission.endorsed", language="en")
    save_mail_template(
        "calls.submission.endorsed", "en", actor=secretary, subject="Endorsed", body=english.body
    )

    sync_mail_templates()

    assert states_of("calls.submission.endorsed")["ru"] == T.OUTDATED


def test_sync_refreshes_a_shipped_translation_left_behind():
    MessageTemplate.objects.filter(code="calls.submission.endorsed", language="es").update(
        subject="Old", source_digest="0000000000000000"
    )
    assert states_of("calls.submission.endorsed")["es"] == T.OUTDATED

    changed = sync_mail_templates()

    assert changed == 1
    assert states_of("calls.submission.endorsed")["es"] == T.TRANSLATED


def test_mail_templates_list_shows_each_state_as_text(client, secretary):
    MessageTemplate.objects.filter(code="common.notification", language="ru").delete()
    client.force_login(secretary)

    response = client.get(reverse("common:mail-templates"))

    [entry] = [e for e in response.context["templates"] if e["code"] == "common.notification"]
    html = response.content.decode()
    assert [(code, state) for code, _name, _row, state in entry["languages"]][:2] == [
        ("en", T.ORIGINAL),
        ("fr", T.TRANSLATED),
    ]
    assert {code: state for code, _n, _r, state in entry["languages"]}["ru"] == T.MISSING
    assert '<span class="translation-state translation-state-missing">Missing</span>' in html
    assert '<span class="translation-state translation-state-original">Original</span>' in html


def test_mail_templates_list_query_count_stays_flat(
    client, secretary, django_assert_max_num_queries
):
    client.force_login(secretary)

    with django_assert_max_num_queries(12) as few:
        client.get(reverse("common:mail-templates"))
    MessageTemplate.objects.filter(language="vi").delete()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("common:mail-templates"))


def test_mail_template_edit_page_shows_the_outdated_state(client, secretary):
    english = MessageTemplate.objects.get(code="common.notification", language="en")
    save_mail_template(
        "common.notification", "en", actor=secretary, subject="New {{ subject }}", body=english.body
    )
    client.force_login(secretary)

    response = client.get(reverse("common:mail-template", args=["common.notification", "ar"]))

    html = response.content.decode()
    assert response.context["state"] == T.OUTDATED
    assert "The English text changed after this translation was saved." in html
    assert 'lang="ar" dir="rtl"' in html
    assert {code: state for code, _name, state in response.context["states"]}["en"] == (T.ORIGINAL)
