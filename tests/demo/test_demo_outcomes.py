"""Demo history: the outcome documents adopted at the International Conferences."""

import datetime as dt

import pytest

from learningcities.demo.domain.event_outcomes import ensure_outcome_history
from learningcities.demo.domain.events import ensure_demo_events
from learningcities.events.enums import EventKind, OutcomeStatus
from learningcities.events.models import OutcomeDocument
from tests.events.factories_events import EventFactory

pytestmark = pytest.mark.django_db


def _rows():
    return list(
        OutcomeDocument.objects.order_by("event__edition", "pk").values_list(
            "event__edition", "title", "status", "adopted_on"
        )
    )


def test_outcome_history_names_each_conferences_documents_adopted_on_its_last_day():
    ensure_demo_events()

    result = ensure_outcome_history()

    assert [(edition, title) for edition, title, _status, _on in _rows()] == [
        (1, "Beijing Declaration on Building Learning Cities"),
        (1, "Key Features of Learning Cities"),
        (2, "Mexico City Statement"),
        (3, "Cork Call to Action"),
        (4, "Medellin Manifesto"),
        (5, "Yeonsu Declaration"),
    ]
    assert {status for _e, _t, status, _on in _rows()} == {OutcomeStatus.ADOPTED}
    adopted = {edition: on for edition, _t, _s, on in _rows()}
    assert (adopted[1], adopted[3], adopted[5]) == (
        dt.date(2013, 10, 23),
        dt.date(2017, 9, 20),
        dt.date(2021, 10, 30),
    )
    # ensure_demo_events made them already: this second run finds all six.
    assert (len(result.created), result.skipped_editions) == (0, [])


def test_outcome_history_copies_no_text_and_attaches_no_file():
    ensure_demo_events()

    ensure_outcome_history()

    cork = OutcomeDocument.objects.get(title="Cork Call to Action")
    assert cork.summary == "Adopted at the 3rd International Conference on Learning Cities, Cork."
    assert OutcomeDocument.objects.filter(files__isnull=False).count() == 0


def test_outcome_history_twice_changes_nothing():
    ensure_demo_events()
    ensure_outcome_history()
    before = list(OutcomeDocument.objects.order_by("pk").values_list("pk", "title", "adopted_on"))

    again = ensure_outcome_history()

    after = list(OutcomeDocument.objects.order_by("pk").values_list("pk", "title", "adopted_on"))
    assert (after, again.created, again.changed) == (before, [], False)


def test_outcome_history_skips_conferences_missing_from_the_installation():
    EventFactory(
        kind=EventKind.CONFERENCE,
        edition=3,
        slug="cork-only",
        title="3rd International Conference on Learning Cities",
        starts_on=dt.date(2017, 9, 18),
        ends_on=dt.date(2017, 9, 20),
        status="held",
    )

    result = ensure_outcome_history()

    assert [title for _e, title, _s, _on in _rows()] == ["Cork Call to Action"]
    assert result.skipped_editions == [1, 2, 4, 5]
