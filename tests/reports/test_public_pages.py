"""The public reporting rates (reports/views/public.py) and the city page's "Reporting" section."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learningcities.network.domain.memberships import hold_membership
from learningcities.reports.domain.city_section import public_standing, register_reporting_section
from learningcities.reports.domain.cycles import add_due_reports
from learningcities.reports.domain.standing import extend_report
from learningcities.reports.models import ProgressReport
from tests.factories import CityFactory, CohortFactory, country, make_member

from .factories import NARRATIVE, Network, accept, make_cycle, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registered():
    # The app's ready() calls it; calling it again changes nothing.
    register_reporting_section()


@pytest.fixture
def net():
    return Network()


@pytest.fixture
def cycle(net):
    return make_cycle(code="2025-2027", name="Progress reports 2025-2027")


def report_of(cycle, city):
    return ProgressReport.objects.get(cycle=cycle, city=city)


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_rates_page_lists_the_cycles_that_opened(client, net, cycle):
    make_cycle(
        code="2027-2029",
        name="Not open yet",
        opens_at=timezone.now() + dt.timedelta(days=3),
        due_at=timezone.now() + dt.timedelta(days=90),
    )
    submit(report_of(cycle, net.city), net.coordinator)

    html = page(client, "reports:rates")

    assert "Progress reports 2025-2027" in html
    assert reverse("reports:rates-cycle", kwargs={"code": "2025-2027"}) in html
    assert "Not open yet" not in html
    assert "<caption" in html
    assert 'class="table-scroll"' in html
    assert "100%" in html  # one expected, one received


def test_no_cycle_yet(client):
    assert "No reporting cycle has opened yet." in page(client, "reports:rates")


def test_a_cycle_page_shows_figures_tables_and_timeline_never_a_report(client, net, cycle):
    cohort = CohortFactory(name="Autumn 2019")
    make_member(
        CityFactory(country=country("KE"), name="Nakuru"), joined="2019-09-01", cohort=cohort
    )
    add_due_reports(cycle)
    submit(report_of(cycle, net.city), net.coordinator)

    html = page(client, "reports:rates-cycle", code=cycle.code)

    for text in (
        "By UNESCO region",
        "Reporting rates by country",
        "Reporting rates by cohort",
        "Africa",
        "Europe and North America",
        "Ireland",
        "Kenya",
        "Autumn 2019",
        "No cohort",
        'role="img"',
        "<polyline",
        "Show the figures as a table",
        reverse("reports:rates-csv", kwargs={"code": cycle.code}),
        reverse("reports:synthesis-pdf", kwargs={"code": cycle.code}),
    ):
        assert text in html, text
    assert "50%" in html
    assert NARRATIVE not in html
    assert net.city.name not in html
    assert "Nakuru" not in html


def test_a_cycle_not_open_or_unknown_is_not_found(client):
    later = make_cycle(
        code="later",
        opens_at=timezone.now() + dt.timedelta(days=3),
        due_at=timezone.now() + dt.timedelta(days=90),
    )
    for name in ("reports:rates-cycle", "reports:rates-csv"):
        assert client.get(reverse(name, kwargs={"code": later.code})).status_code == 404
        assert client.get(reverse(name, kwargs={"code": "no-such"})).status_code == 404


ONE_OF_ONE_RECEIVED = ["1", "1", "1", "0", "1.0000", "1.0000", "0.0000"]


def test_csv_has_a_row_per_value_and_the_total(client, net, cycle):
    submit(report_of(cycle, net.city), net.coordinator)

    response = client.get(reverse("reports:rates-csv", kwargs={"code": cycle.code}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "reporting-rates-2025-2027.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "dimension",
        "key",
        "label",
        "expected",
        "received",
        "on_time",
        "accepted",
        "received_rate",
        "on_time_rate",
        "accepted_rate",
    ]
    assert rows[1:] == [
        ["region", "europe_north_america", "Europe and North America", *ONE_OF_ONE_RECEIVED],
        ["country", "IE", "Ireland", *ONE_OF_ONE_RECEIVED],
        ["cohort", "", "No cohort", *ONE_OF_ONE_RECEIVED],
        ["total", "", "Total", *ONE_OF_ONE_RECEIVED],
    ]


def test_csv_labels_never_start_a_formula(client, net):
    cohort = CohortFactory(name="=HYPERLINK(1)")
    make_member(CityFactory(country=country("FR")), joined="2019-09-01", cohort=cohort)
    cycle = make_cycle(code="formula")

    text = client.get(reverse("reports:rates-csv", kwargs={"code": cycle.code})).content.decode()

    assert "'=HYPERLINK(1)" in text
    assert "\n=" not in text
    assert ",=" not in text


def test_an_empty_cycle_has_empty_rates_in_csv(client):
    cycle = make_cycle(code="empty")

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("reports:rates-csv", kwargs={"code": cycle.code})
                ).content.decode()
            )
        )
    )

    assert rows[1:] == [["total", "", "Total", "0", "0", "0", "0", "", "", ""]]


def test_cached_pages_follow_submissions_acceptances_and_extensions(client, net, cycle):
    report = report_of(cycle, net.city)
    url = reverse("reports:rates-cycle", kwargs={"code": cycle.code})
    assert "No report has been submitted yet." in client.get(url).content.decode()

    extend_report(
        report,
        until=cycle.due_at + dt.timedelta(days=20),
        reason="Elections",
        actor=net.coordinator,
    )
    city_url = reverse("network:city", kwargs={"pk": net.city.pk})
    due = (cycle.due_at + dt.timedelta(days=20)).astimezone(dt.UTC)
    assert str(due.year) in client.get(city_url).content.decode()

    submit(report, net.coordinator)
    assert "No report has been submitted yet." not in client.get(url).content.decode()
    assert "report received." in client.get(city_url).content.decode()

    accept(report_of(cycle, net.city), net.secretary)
    html = client.get(reverse("reports:rates")).content.decode()
    assert html.count("100%") == 3
    assert "accepted in" in client.get(city_url).content.decode()


def _first_render_queries(client, url) -> int:
    """Queries of a page drawn anew (the register's revision was just moved)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:rates", "reports:rates-cycle", "reports:rates-csv"])
def test_public_pages_read_a_constant_number_of_queries(client, net, cycle, name):
    kwargs = {} if name == "reports:rates" else {"code": cycle.code}
    url = reverse(name, kwargs=kwargs)
    cohort = CohortFactory(name="Grow")

    def grow(size):
        for i in range(size):
            make_member(
                CityFactory(country=country(("FR", "KE", "BR")[i % 3])),
                joined="2019-09-01",
                cohort=None if i % 2 else cohort,
            )
        add_due_reports(cycle)
        # A new revision: the page is drawn again.
        from learningcities.network.domain.revision import bump_network_revision

        bump_network_revision()

    grow(1)
    small = _first_render_queries(client, url)
    grow(6)
    large = _first_render_queries(client, url)
    assert small == large


def test_a_second_visit_reads_the_cache(client, net, cycle):
    url = reverse("reports:rates-cycle", kwargs={"code": cycle.code})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 2  # the cycle, the register's revision


# --- the city page --------------------------------------------------------------------------


def city_html(client, city) -> str:
    return page(client, "network:city", pk=city.pk)


def test_city_page_says_when_the_report_is_due(client, net, cycle):
    html = city_html(client, net.city)

    assert "Reporting" in html
    assert "report due on" in html
    assert "Progress reports 2025-2027" in html
    assert reverse("reports:rates") in html


def test_city_page_says_overdue_then_on_hold(net):
    cycle = make_cycle(code="past", due_in_days=-5)
    report = report_of(cycle, net.city)
    assert public_standing(report)["status"] == "overdue"

    hold_membership(net.membership, since=dt.date(2026, 1, 10), actor=None, reason="past")
    report.membership.refresh_from_db()
    standing = public_standing(report)
    assert standing == {"status": "on_hold", "date": dt.date(2026, 1, 10)}


def test_city_page_lists_accepted_cycles_by_year_never_the_content(client, net, cycle):
    report = report_of(cycle, net.city)
    submit(report, net.coordinator)
    accept(report_of(cycle, net.city), net.secretary)

    html = city_html(client, net.city)

    assert "Progress reports accepted" in html
    assert f"accepted in {timezone.now().year}" in html or "accepted in" in html
    assert NARRATIVE not in html
    assert "Steady progress" not in html  # the assessment


def test_city_without_reports_has_no_section(client):
    city = make_member(CityFactory(country=country("DE"))).city
    assert 'id="city-reporting-heading"' not in city_html(client, city)


def test_statistics_page_links_to_the_rates(client):
    assert reverse("reports:rates") in page(client, "network:statistics")
