"""The jury's work stays out of the activity pages of the people it concerns.

An application's city sees its own organisation's activity (``/activity/``);
a juror sees the entries of the jury's organisation. Neither may read there who
reviews which application, who stepped back from one, or, for a juror, the
name of a city whose application they are not assigned to.
"""

import pytest
from django.urls import reverse

from learningcities.reviews.domain.assignments import assign_submission, unassign_submission
from learningcities.reviews.domain.conflicts import recuse
from learningcities.reviews.models import Assignment
from tests.reviews.factories import make_juror
from tests.reviews.scoring_helpers import UNIQUE_CITY, Jury, client_for, secretary_with_totp

pytestmark = pytest.mark.django_db

JUROR_NAME = "Zebulon Quartermaine"


def own_activity(user) -> str:
    response = client_for(user).get(reverse("accounts:activity"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def jury():
    jury = Jury()
    named = make_juror(jury.panel, "DE", name=JUROR_NAME)
    assign_submission(jury.panel, jury.submission, named, actor=jury.cast.secretary)
    jury.named = named
    return jury


def test_city_does_not_read_who_reviews_its_application(jury):
    assert JUROR_NAME not in own_activity(jury.cast.coordinator)


def test_city_does_not_read_who_was_unassigned_or_stepped_back(jury):
    assignment = Assignment.objects.get(juror=jury.named)
    unassign_submission(assignment, actor=jury.cast.secretary)
    recuse(jury.submission, jury.named, reason="I taught there.", actor=jury.cast.secretary)

    page = own_activity(jury.cast.coordinator)

    assert JUROR_NAME not in page
    assert "I taught there." not in page


def test_another_juror_does_not_read_the_city_of_an_assignment_not_theirs(jury):
    other = make_juror(jury.panel, "IE")  # Irish: in conflict with the Irish city

    assert UNIQUE_CITY not in own_activity(other)


def test_the_secretariat_reads_every_assignment_and_recusal(jury):
    recuse(jury.submission, jury.named, reason="I taught there.", actor=jury.named)

    page = client_for(secretary_with_totp()).get(reverse("workspace:activity")).content.decode()

    assert page.count(JUROR_NAME) >= 2
    assert UNIQUE_CITY in page


def test_the_juror_reads_their_own_recusal(jury):
    recuse(jury.submission, jury.named, reason="I taught there.", actor=jury.named)

    assert UNIQUE_CITY in own_activity(jury.named)


@pytest.mark.django_db(transaction=True)
def test_migration_takes_recorded_assignments_out_of_the_city_organisation():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from learningcities.common.models import ActivityLogEntry

    jury = Jury()
    assign_submission(
        jury.panel, jury.submission, make_juror(jury.panel, "DE"), actor=jury.cast.secretary
    )
    city = jury.submission.organisation
    # As recorded before the fix: under the city's organisation.
    ActivityLogEntry.objects.filter(action__startswith="reviews.assignment").update(
        organisation=city
    )
    kept = ActivityLogEntry.objects.filter(organisation=city).exclude(action__startswith="reviews.")
    kept_count = kept.count()
    executor = MigrationExecutor(connection)
    executor.migrate([("reviews", "0003_panel_aggregated_revision")])
    try:
        executor.loader.build_graph()
        executor.migrate([("reviews", "0004_activity_of_assignments_not_for_cities")])
    finally:
        # Back to the latest schema: the later tests of this worker need it.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert not ActivityLogEntry.objects.filter(
        action__startswith="reviews.assignment", organisation__isnull=False
    ).exists()
    assert kept_count > 0
    assert kept.count() == kept_count
