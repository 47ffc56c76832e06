"""The activity log reads in words: action labels, field names, choices and names of objects."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from learningcities.calls.enums import SubmissionState
from learningcities.common.activity_labels import action_label
from learningcities.common.models import ActivityLogEntry
from learningcities.reviews.domain.conflicts import recuse
from learningcities.reviews.domain.panels import create_panel
from tests.calls.factories import Cast
from tests.reviews.scoring_helpers import UNIQUE_CITY, Jury, client_for, secretary_with_totp

pytestmark = pytest.mark.django_db

# The arrow between a field's old and new value (mirrored in right-to-left pages).
ARROW = '<span class="icon-arrow">→</span>'

SOURCE = Path(__file__).resolve().parents[2] / "src" / "learningcities"
# record_activity("code", ...) and the reviews' _log("code", ...), on one line or the next.
RECORDED = re.compile(r'(?:record_activity|_log)\(\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"')


def recorded_codes() -> set[str]:
    codes = set()
    for path in SOURCE.rglob("*.py"):
        codes.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return codes


def workspace_page(**params) -> str:
    response = client_for(secretary_with_totp()).get(reverse("workspace:activity"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_action_the_code_records_has_a_label():
    codes = recorded_codes()

    assert len(codes) > 40  # the scan finds the calls, not nothing
    assert sorted(code for code in codes if action_label(code) == code) == []


def test_a_transition_is_labelled_with_the_state_it_reaches():
    assert action_label("calls.submission.endorsed") == "Application: Endorsed"
    assert action_label("calls.submission.returned") == "Application: Returned to the city"
    assert action_label("calls.submission.nonsense") == "calls.submission.nonsense"
    assert all(
        action_label(f"calls.submission.{state}") != f"calls.submission.{state}"
        for state in SubmissionState.values
    )


def test_changes_name_fields_choices_and_objects_in_words():
    cast = Cast()
    cast.draft()

    page = workspace_page(action="calls.submission.create")

    assert "Application started" in page
    assert f"<strong>Call</strong>: — {ARROW} {cast.call.title}" in page
    assert f"<strong>City</strong>: — {ARROW} {cast.city.name}" in page
    assert f"<strong>State</strong>: — {ARROW} Draft" in page


def test_a_transition_reads_from_state_to_state():
    cast = Cast()
    submission = cast.draft()
    cast.move(submission, SubmissionState.SUBMITTED)

    page = workspace_page(action="calls.submission.submitted")

    assert "Application: Submitted" in page
    assert f"<strong>State</strong>: Draft {ARROW} Submitted" in page


def test_the_secretariat_reads_who_was_assigned_to_which_application():
    jury = Jury()
    recuse(jury.submission, jury.juror, reason="Family there.", actor=jury.cast.secretary)

    page = workspace_page(action="reviews.recusal")

    assert "Juror stepped back" in page
    assert f"<strong>Juror</strong>: — {ARROW} {jury.juror}" in page
    assert f"<strong>Submission</strong>: — {ARROW} {UNIQUE_CITY} · {jury.cast.call.title}" in page


def test_outside_the_workspace_an_application_is_named_by_its_number():
    jury = Jury()
    recuse(jury.submission, jury.juror, reason="Family there.", actor=jury.juror)

    page = client_for(jury.juror).get(reverse("accounts:activity")).content.decode()

    assert f"<strong>Submission</strong>: — {ARROW} application {jury.submission.pk}" in page


@pytest.mark.parametrize(
    "key",
    [
        "987654",  # an object gone since
        "not-a-key",  # a key the field cannot read
    ],
)
def test_a_reference_without_its_object_is_shown_by_its_key(key):
    cast = Cast()
    cast.draft()
    entry = ActivityLogEntry.objects.get(action="calls.submission.create")
    entry.changes["call"] = [None, key]
    entry.save(update_fields=["changes"])

    page = workspace_page(action="calls.submission.create")

    assert f"<strong>Call</strong>: — {ARROW} #{key}" in page


def test_dates_yes_no_and_one_to_one_references_read_in_words():
    cast = Cast()
    create_panel(cast.call, actor=cast.secretary)  # logs the call the panel serves
    submission = cast.draft()
    cast.move(submission, SubmissionState.SUBMITTED)
    submission.refresh_from_db()

    panels = workspace_page(action="reviews.panel.create")
    submitted = workspace_page(action="calls.submission.submitted")

    assert f"<strong>Call</strong>: — {ARROW} {cast.call.title}" in panels
    moment = date_format(timezone.localtime(submission.submitted_at), "SHORT_DATETIME_FORMAT")
    assert f"<strong>Submitted</strong>: — {ARROW} {moment}" in submitted
    accounts = workspace_page(action="accounts.user.create")
    assert f"<strong>Superuser status</strong>: — {ARROW} no" in accounts
