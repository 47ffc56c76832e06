"""The synthetic call of the benchmark: reproducible, counted right, constant queries."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learningcities.accounts.models import User
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.enums import SubmissionState, endorsed_states
from learningcities.calls.models import Answer, EndorsementQuota, Submission
from learningcities.demo.domain.synthetic_call import QUOTA, generate_call
from learningcities.demo.domain.synthetic_network import generate_network
from learningcities.frameworks.models import Criterion

pytestmark = pytest.mark.django_db


def _signature(call) -> list[tuple[str, str, int]]:
    return [
        (row.city.name, row.state, row.answers.count())
        for row in Submission.objects.filter(call=call)
        .select_related("city")
        .order_by("city__name")
    ]


def _generated_signature(submissions: int) -> list[tuple[str, str, int]]:
    with transaction.atomic():
        generate_network(cities=80, seed=1, cohorts=3)
        result = generate_call(submissions=submissions, seed=1)
        signature = _signature(result.call)
        transaction.set_rollback(True)
    return signature


def test_generate_call_same_seed_gives_same_call():
    first = _generated_signature(30)
    second = _generated_signature(30)

    assert len(first) == 30
    assert first == second


def test_generate_call_counts_submissions_answers_and_quotas():
    generate_network(cities=80, seed=1, cohorts=3)

    result = generate_call(submissions=30, seed=1)

    criteria = Criterion.objects.filter(framework=result.call.framework).count()
    submissions = Submission.objects.filter(call=result.call)
    endorsed = Counter(
        submissions.filter(state__in=endorsed_states).values_list("country_id", flat=True)
    )
    quotas = dict(
        EndorsementQuota.objects.filter(call=result.call).values_list("country_id", "used")
    )
    assert criteria == 42
    assert result.submissions == submissions.count() == 30
    assert result.answers == Answer.objects.filter(submission__call=result.call).count() == 30 * 42
    assert all(city.is_synthetic for city in (s.city for s in submissions))
    assert {code: used for code, used in quotas.items() if used} == dict(endorsed)
    assert max(quotas.values()) <= QUOTA
    assert len(result.states) >= 3
    assert submissions.filter(state=SubmissionState.SUBMITTED).exists()


def test_generate_call_counts_quota_slots_as_the_calls_app_does():
    # An application sent back for changes holds no quota slot (calls.enums.endorsed_states):
    # the generator once counted it, and its quota rows disagreed with the calls app's.
    generate_network(cities=80, seed=1, cohorts=3)

    result = generate_call(submissions=70, seed=1)

    submissions = Submission.objects.filter(call=result.call)
    needs_changes = submissions.filter(state=SubmissionState.NEEDS_CHANGES)
    assert needs_changes.exists()
    assert SubmissionState.NEEDS_CHANGES not in endorsed_states
    used = dict(EndorsementQuota.objects.filter(call=result.call).values_list("country_id", "used"))
    for code, count in used.items():
        assert count == submissions.filter(country_id=code, state__in=endorsed_states).count()


def test_generate_call_needs_enough_cities():
    generate_network(cities=5, seed=1, cohorts=1)

    with pytest.raises(SubmissionError, match="run generate-network with more cities"):
        generate_call(submissions=30, seed=1)


def _queries_of_views(submissions: int) -> tuple[int, int, int]:
    """Generate a call, then count the queries of its dashboard and the endorser's queue."""
    with transaction.atomic():
        generate_network(cities=80, seed=1, cohorts=3)
        result = generate_call(submissions=submissions, seed=1)
        secretariat, endorser = Client(), Client()
        secretariat.force_login(User.objects.get(email=result.secretariat_email))
        endorser.force_login(User.objects.get(email=result.endorser_email))
        dashboard_url = reverse("calls:secretariat-call", args=[result.call.pk])
        queue_url = reverse("calls:endorsement-queue")
        secretariat.get(dashboard_url)  # warm caches shared by every page
        endorser.get(queue_url)
        with CaptureQueriesContext(connection) as dashboard_queries:
            dashboard = secretariat.get(dashboard_url)
        with CaptureQueriesContext(connection) as queue_queries:
            queue = endorser.get(queue_url)
        assert dashboard.status_code == 200
        assert queue.status_code == 200
        assert result.call.title in dashboard.content.decode()
        waiting = Submission.objects.filter(
            call=result.call, country_id=result.busy_country, state=SubmissionState.SUBMITTED
        ).count()
        transaction.set_rollback(True)
    return len(dashboard_queries), len(queue_queries), waiting


def test_synthetic_call_views_keep_a_constant_number_of_queries():
    dashboard_10, queue_10, _waiting_10 = _queries_of_views(10)
    dashboard_30, queue_30, waiting_30 = _queries_of_views(30)

    assert waiting_30 >= 1
    assert dashboard_10 == dashboard_30
    assert queue_10 == queue_30


def test_generate_call_command_reports_the_accounts():
    generate_network(cities=40, seed=2, cohorts=2)
    out = StringIO()

    call_command("generate-call", "--submissions", "12", "--seed", "2", stdout=out)

    assert "with 12 submissions" in out.getvalue()
    assert "synthetic-secretariat-2@example.org" in out.getvalue()
    assert Submission.objects.count() == 12


def test_generate_call_command_refuses_too_few_cities():
    generate_network(cities=3, seed=2, cohorts=1)

    with pytest.raises(CommandError, match="synthetic member cities"):
        call_command("generate-call", "--submissions", "12", "--seed", "2")
