"""The coordinator's part of "My work": each application's deadline, and the calls still open."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.calls.domain.queries.work import coordinator_work
from learningcities.calls.domain.timing import submission_deadline
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from tests.accounts.factories import make_user
from tests.calls.factories import Cast, make_call, submission_in

pytestmark = pytest.mark.django_db
S = SubmissionState


def _rows_by_title(work):
    return {
        row["submission"].call.title: (
            row["submission"].state,
            row["deadline"],
            str(row["deadline_label"]),
            row["deadline_passed"],
        )
        for row in work["applications"]
    }


def test_coordinator_work_is_none_for_a_person_without_a_city():
    assert coordinator_work(make_user()) is None


def test_coordinator_work_gives_the_deadline_each_application_has():
    cast = Cast(call=make_call(title="Draft call"))
    draft = cast.draft(complete=False)
    cast.call = make_call(title="Submitted call")
    submitted = submission_in(cast, S.SUBMITTED)
    cast.call = make_call(title="Late call")
    late = submission_in(cast, S.SUBMITTED)
    due = timezone.now() - dt.timedelta(hours=1)
    Submission.objects.filter(pk=late.pk).update(endorsement_due_at=due)
    cast.call = make_call(title="Review call")
    submission_in(cast, S.IN_REVIEW)
    submitted.refresh_from_db()

    work = coordinator_work(cast.coordinator)

    assert _rows_by_title(work) == {
        "Draft call": (S.DRAFT, submission_deadline(draft), "Submit by", False),
        "Submitted call": (
            S.SUBMITTED,
            submitted.endorsement_due_at,
            "Endorsement due",
            False,
        ),
        "Late call": (S.SUBMITTED, due, "Endorsement due", True),
        "Review call": (S.IN_REVIEW, None, "", False),
    }
    assert work["more"] is False


def test_coordinator_work_lists_ten_applications_and_the_calls_a_city_may_still_answer():
    cast = Cast(call=make_call(title="Call 0"))
    cast.draft(complete=False)
    for index in range(1, 11):
        cast.call = make_call(title=f"Call {index}")
        cast.draft(complete=False)
    cast.call = make_call(title="Withdrawn call")
    submission_in(cast, S.WITHDRAWN)
    make_call(title="Open call")
    make_call(
        title="Closed call",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )

    work = coordinator_work(cast.coordinator)

    assert len(work["applications"]) == 10
    assert work["more"] is True
    assert "Withdrawn call" not in _rows_by_title(work)
    assert sorted(row["call"].title for row in work["open_calls"]) == [
        "Open call",
        "Withdrawn call",
    ]
    assert {tuple(row["cities"]) for row in work["open_calls"]} == {(cast.city.name,)}
