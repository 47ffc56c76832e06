"""The activity log speaks in words: every action code the code base records has a label."""

import re
from pathlib import Path

import pytest

from learningcities.calls.enums import SubmissionState
from learningcities.common.activity_labels import action_label

SRC = Path(__file__).resolve().parents[2] / "src" / "learningcities"

# record_activity("app.object.verb", ...) and the apps' own wrappers around it
# (accounts.signals._record, reviews.domain.reviews._log), the code perhaps on the next line.
CALL = re.compile(r"\b(?:record_activity|_record|_log)\(\s*\"([a-z_]+\.[a-z_]+\.[a-z_]+)\"")


def recorded_codes() -> set[str]:
    codes = set()
    for path in SRC.rglob("*.py"):
        codes.update(CALL.findall(path.read_text(encoding="utf-8")))
    # calls.domain.transitions logs each transition as calls.submission.<state reached>.
    codes.update(f"calls.submission.{state.value}" for state in SubmissionState)
    return codes


def test_source_scan_finds_the_recorded_codes():
    codes = recorded_codes()

    assert "accounts.invitation.create" in codes
    assert "accounts.user.password_change" in codes
    assert len(codes) > 50


def test_every_recorded_action_code_has_a_label():
    # action_label answers an unknown code with the code itself.
    missing = sorted(code for code in recorded_codes() if action_label(code) == code)

    assert missing == [], f"action codes without a label in their app's ACTIVITY_LABELS: {missing}"


@pytest.mark.parametrize("code", ["accounts.user.password_change", "calls.submission.released"])
def test_action_label_is_words_not_the_code(code):
    label = action_label(code)

    assert label != code
    assert "." not in label


@pytest.mark.django_db
def test_activity_page_names_a_document_by_its_file_name_not_its_key(client, private_root):
    import io

    from django.urls import reverse

    from learningcities.accounts.enums import Role
    from learningcities.common.domain.activity import record_activity
    from learningcities.common.domain.documents import store_document
    from learningcities.common.models import ActivityLogEntry
    from tests.accounts.factories import person_with_role
    from tests.common import files

    secretary = person_with_role(Role.SECRETARIAT, totp=True)
    document = store_document(
        io.BytesIO(files.PDF), owner=None, uploaded_by=None, kind="letter", name="letter.pdf"
    )
    entry = record_activity("calls.document.create", actor=secretary)
    ActivityLogEntry.objects.filter(pk=entry.pk).update(object_repr=f"Evidence: {document.pk}")
    client.force_login(secretary)

    response = client.get(reverse("workspace:activity"))

    html = response.content.decode()
    assert "Evidence: letter.pdf" in html
    assert str(document.pk) not in html
    assert "calls.document.create" not in html
