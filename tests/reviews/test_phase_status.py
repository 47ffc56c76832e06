"""Where a panel's jury work stands, in every case: in force, to come, ended, none set."""

import datetime as dt

import pytest

from learningcities.reviews.domain.queries.phases import phase_status, phase_statuses
from learningcities.reviews.models import ReviewPhase
from tests.reviews.decision_helpers import membership_call
from tests.reviews.factories import make_panel

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _panel_with(*spans, **flags):
    """A panel whose phases run over ``spans`` (start, end) days from NOW, in that order."""
    panel = make_panel(membership_call())
    panel.phases.all().delete()
    for order, (start, end) in enumerate(spans):
        ReviewPhase.objects.create(
            panel=panel,
            name=f"Phase {order}",
            order=order,
            starts_at=NOW + start * DAY,
            ends_at=NOW + end * DAY,
            **flags,
        )
    return panel


def _seen(status):
    return (
        status.current.name if status.current else None,
        status.following.name if status.following else None,
        status.summary,
        status.next_step,
        status.may_review,
        status.may_change_state,
        status.changes_at,
    )


def test_phase_status_without_any_phase_asks_for_one():
    panel = _panel_with()

    assert _seen(phase_status(panel, now=NOW)) == (
        None,
        None,
        "No review phase is set: add one so that jurors can work.",
        "",
        False,
        False,
        None,
    )


def test_phase_status_after_every_phase_says_so():
    panel = _panel_with((-10, -5), (-5, -1))

    assert _seen(phase_status(panel, now=NOW)) == (
        None,
        None,
        "Every review phase has ended.",
        "",
        False,
        False,
        None,
    )


def test_phase_status_of_the_last_phase_offers_no_next_step_and_changes_at_its_end():
    panel = _panel_with((-10, -5), (-5, 3), may_review=False, may_change_state=True)

    assert _seen(phase_status(panel, now=NOW)) == (
        "Phase 1",
        None,
        "Phase 1: the secretariat finishes the reviews and stages the decisions until 4 Jun 2030.",
        "",
        False,
        True,
        NOW + 3 * DAY,
    )


@pytest.mark.parametrize(
    ("may_review", "may_change_state", "allows"),
    [
        (
            True,
            True,
            "jurors score their assigned applications and the secretariat may stage decisions",
        ),
        (True, False, "jurors score their assigned applications"),
        (False, False, "jurors read the applications; reviews cannot change"),
    ],
)
def test_phase_status_says_what_the_phase_allows(may_review, may_change_state, allows):
    panel = _panel_with(
        (-1, 2), (2, 5), (6, 9), may_review=may_review, may_change_state=may_change_state
    )

    status = phase_status(panel, now=NOW)

    assert status.summary == f"Phase 0: {allows} until 3 Jun 2030."
    assert status.next_step == "Close “Phase 0” and open “Phase 1”"
    assert (status.may_review, status.may_change_state) == (may_review, may_change_state)
    assert status.changes_at == NOW + 2 * DAY


def test_phase_status_between_phases_changes_when_the_next_starts():
    panel = _panel_with((-5, -1), (4, 8))

    status = phase_status(panel, now=NOW)

    assert (status.current, status.following.name) == (None, "Phase 1")
    assert status.summary == "No review phase is in force: “Phase 1” opens on 5 Jun 2030."
    assert status.changes_at == NOW + 4 * DAY


def test_phase_statuses_reads_every_panel_at_once(django_assert_num_queries):
    first = _panel_with((-1, 2))
    second = _panel_with()
    panels = [first, second]
    for panel in panels:
        panel.call  # noqa: B018 - read before counting

    with django_assert_num_queries(1):
        statuses = phase_statuses(panels, now=NOW)

    assert [status.current.name if status.current else None for status in statuses] == [
        "Phase 0",
        None,
    ]
