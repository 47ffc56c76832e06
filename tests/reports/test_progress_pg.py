"""The progress page keyed from memory on PostgreSQL until a report changes (common.changes).

Writes of "another process" come from a connection of their own, so only the
notification can tell this one; each test waits on the state it expects (with
a deadline), never for a fixed time.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learningcities.reports.domain.answers import save_report_answers
from tests.common.test_changes_pg import other_process, wait_until, watching  # noqa: F401

from .factories import Network
from .test_progress import client_for, progress_url, reports_over

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
]


def queries_of(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_cached_progress_page_costs_the_session_and_the_person_only(watching):  # noqa: F811
    network = Network()
    reports_over(network, [2015], ratings=[2], figures=[10])
    client = client_for(network.coordinator)
    url = progress_url(network.city)
    # The notifications of the reports' own writes may still be on their way: once
    # they are in, the page costs the session and the person.
    wait_until(lambda: queries_of(client, url)[0] == 2, "the page is served on two queries")


def test_a_report_changed_by_another_process_shows_on_the_page(watching):  # noqa: F811
    network = Network()
    [report] = reports_over(network, [2015], ratings=[2], figures=[10])
    client = client_for(network.coordinator)
    url = progress_url(network.city)
    wait_until(lambda: queries_of(client, url)[0] == 2, "the page is served on two queries")
    figure = report.answers.get(criterion__code="1.2.1.v")

    other_process("UPDATE reports_reportanswer SET number_value = 77 WHERE id = %s", figure.pk)
    other_process("UPDATE reports_progressreport SET updated_at = now() WHERE id = %s", report.pk)

    wait_until(lambda: ">77<" in queries_of(client, url)[1], "the other process's figure shows")


def test_a_report_changed_by_this_process_shows_on_its_next_request(watching, monkeypatch):  # noqa: F811
    network = Network()
    [report] = reports_over(network, [2015], ratings=[2], figures=[10])
    client = client_for(network.coordinator)
    url = progress_url(network.city)
    wait_until(lambda: queries_of(client, url)[0] == 2, "the page is served on two queries")
    report.__class__.objects.filter(pk=report.pk).update(state="returned")  # editable again
    figure = report.answers.get(criterion__code="1.2.1.v")
    asked = []
    forget_on_commit = watching.forget_on_commit
    monkeypatch.setattr(watching, "forget_on_commit", lambda: asked.append(1) or forget_on_commit())

    save_report_answers(report, {figure.criterion: 78}, actor=network.coordinator)

    # No waiting: the writer's own process forgets at the commit (whenever the
    # notification arrives).
    assert asked
    assert ">78<" in queries_of(client, url)[1]
