"""The quota holds when endorsers act at the same moment (really concurrent on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import EndorsementQuota, Submission

from .factories import Cast, make_call, submission_in

S = SubmissionState

# SQLite's test database lives in memory with a shared cache, where a second
# writer fails at once ("table is locked") instead of waiting: it cannot run
# two endorsements at the same moment. PostgreSQL (CI) runs this test.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite cannot run two writers concurrently"
    ),
]


def test_concurrent_endorsements_never_exceed_the_quota():
    call = make_call(quota_per_country=3)
    casts = [Cast(call=call) for _ in range(5)]
    submissions = [submission_in(cast, S.SUBMITTED) for cast in casts]
    barrier = threading.Barrier(len(casts))
    outcomes: list[str] = []

    def endorse(cast, submission):
        try:
            barrier.wait()
            cast.move(submission, S.ENDORSED)
            outcomes.append("endorsed")
        except SubmissionError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=endorse, args=pair) for pair in zip(casts, submissions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["endorsed"] * 3 + ["quota_exhausted"] * 2
    assert Submission.objects.filter(state=S.ENDORSED).count() == 3
    assert EndorsementQuota.objects.get(call=call, country_id="IE").used == 3
