"""Logged-in pages kept from memory on PostgreSQL until what they read changes (common.changes).

The progress page, served from the cache, reads the session, the person and
its key: each process keeps all three until PostgreSQL notifies a write to
their tables. Writes of "another process" come from a connection of their
own, so only the notification can tell this one; each test waits on the
state it expects (with a deadline), never for a fixed time.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learningcities.accounts.domain.organisations import remove_affiliation
from learningcities.accounts.enums import Role
from learningcities.common.sessions import VERSION_KEY, SessionStore, version_cookie_name
from learningcities.reports.domain.answers import save_report_answers
from learningcities.reports.models import ProgressReport
from tests.watching import other_process, wait_until

from .factories import Network
from .test_progress import client_for, progress_url, reports_over

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
]


def visit(client, url) -> tuple[int, int, str]:
    """Return the status, the number of queries and the text of a visit."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), response.content.decode()


def served_without_a_query(client, url) -> None:
    # The notifications of the set-up's own writes may still be on their way:
    # once they are in, the page costs no query.
    wait_until(lambda: visit(client, url)[:2] == (200, 0), "the page is served without a query")


@pytest.fixture
def followed(watching):
    network = Network()
    [report] = reports_over(network, [2015], ratings=[2], figures=[10])
    client = client_for(network.coordinator)
    url = progress_url(network.city)
    served_without_a_query(client, url)
    return network, report, client, url


def test_a_report_changed_by_another_process_shows_on_the_page(followed):
    _network, report, client, url = followed
    figure = report.answers.get(criterion__code="1.2.1.v")

    other_process("UPDATE reports_reportanswer SET number_value = 77 WHERE id = %s", figure.pk)
    other_process("UPDATE reports_progressreport SET updated_at = now() WHERE id = %s", report.pk)

    wait_until(lambda: ">77<" in visit(client, url)[2], "the other process's figure shows")


def test_a_report_changed_by_this_process_shows_on_its_next_request(
    followed,
    watching,
    monkeypatch,
):
    network, report, client, url = followed
    ProgressReport.objects.filter(pk=report.pk).update(state="returned")  # editable again
    figure = report.answers.get(criterion__code="1.2.1.v")
    asked = []
    forget_on_commit = watching.forget_on_commit
    monkeypatch.setattr(watching, "forget_on_commit", lambda: asked.append(1) or forget_on_commit())

    save_report_answers(report, {figure.criterion: 78}, actor=network.coordinator)

    # No waiting: the writer's own process forgets at the commit (whenever the
    # notification arrives).
    assert asked
    assert ">78<" in visit(client, url)[2]


def test_a_session_ended_by_another_process_is_refused_once_heard(followed):
    _network, _report, client, url = followed
    key = client.session.session_key

    other_process("DELETE FROM django_session WHERE session_key = %s", key)

    wait_until(lambda: visit(client, url)[0] == 302, "the page asks to log in")


def test_a_role_revoked_by_another_process_counts_once_heard(followed):
    network, _report, client, url = followed

    # As accounts.signals does in the writer's transaction.
    other_process(
        "WITH gone AS (DELETE FROM accounts_affiliation WHERE user_id = %s)"
        " UPDATE accounts_user SET access_version = access_version + 1 WHERE id = %s",
        network.coordinator.pk,
        network.coordinator.pk,
    )

    wait_until(lambda: visit(client, url)[0] == 404, "the former coordinator is refused")


def test_a_role_revoked_in_this_process_counts_on_its_next_request(
    followed,
    watching,
    monkeypatch,
):
    network, _report, client, url = followed
    asked = []
    forget_on_commit = watching.forget_on_commit
    monkeypatch.setattr(watching, "forget_on_commit", lambda: asked.append(1) or forget_on_commit())
    affiliation = network.coordinator.affiliations.get(role=Role.COORDINATOR)

    remove_affiliation(affiliation, actor=None)

    assert asked
    assert visit(client, url)[0] == 404


def test_logging_out_ends_the_session_at_once(followed, watching, monkeypatch):
    _network, _report, client, url = followed
    asked = []
    forget_on_commit = watching.forget_on_commit
    monkeypatch.setattr(watching, "forget_on_commit", lambda: asked.append(1) or forget_on_commit())
    cookie = client.cookies.get("sessionid").value

    client.logout()

    assert asked
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert visit(client, url)[0] == 302


def test_a_session_changed_in_another_process_is_read_again_when_the_browser_presents_it(
    followed, watching, monkeypatch
):
    _network, _report, client, _url = followed
    key = client.cookies["sessionid"].value
    presented = client.cookies[version_cookie_name()].value
    kept = SessionStore(key)
    kept.expected_version = presented
    data = kept.load()
    assert data[VERSION_KEY] == presented
    # This process hears nothing from here on: only the version can tell it.
    monkeypatch.setattr(watching, "forget", lambda: None)

    # The browser's last request, served by another process, changed its session.
    data.update({VERSION_KEY: "saved-elsewhere", "marker": 1})
    other_process(
        "UPDATE django_session SET session_data = %s WHERE session_key = %s",
        kept.encode(data),
        key,
    )

    older = SessionStore(key)
    older.expected_version = presented
    assert "marker" not in older.load()  # kept in memory: what the browser presented
    newer = SessionStore(key)
    newer.expected_version = "saved-elsewhere"
    assert newer.load()["marker"] == 1  # read again, at once
