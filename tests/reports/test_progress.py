"""A city's progress over its cycles: the queries, the page, who may open it, its query count."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.domain.users import activate_totp
from learningcities.accounts.enums import Role
from learningcities.frameworks.domain.loading import load_framework
from learningcities.reports.domain.answers import Figure, save_report_answers
from learningcities.reports.domain.queries.progress import (
    city_progress,
    network_assessment,
    progress_city_for_user,
)
from learningcities.reports.domain.transitions import move_report
from learningcities.reports.enums import CITY, ReportState
from learningcities.reports.models import ProgressReport
from tests.accounts.factories import TOTP_SECRET, make_user
from tests.calls.factories import city_with_coordinator, endorser_of
from tests.factories import make_member

from .factories import Network, accept, criteria, fill_report, make_cycle, report_document

pytestmark = pytest.mark.django_db


def cycle_of(year: int, **overrides):
    """A cycle covering ``year`` and the next (the cycles of a test differ by their period)."""
    return make_cycle(
        code=f"{year}-{year + 2}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 12, 31),
        **overrides,
    )


def send(report, coordinator, *, rating=None, figure=None, year=2024, source="", submit=True):
    """Fill ``report``, rate 1.1.2 and give the figure 1.2.1.v, then submit it."""
    fill_report(report, coordinator)
    found = criteria(report)
    values, figures = {}, {}
    if rating is not None:
        values[found["1.1.2"]] = rating
    if figure is not None:
        values[found["1.2.1.v"]] = figure
        figures[found["1.2.1.v"].pk] = Figure(data_year=year, source=source)
    if values:
        save_report_answers(report, values, actor=coordinator, figures=figures)
    if submit:
        move_report(report, ReportState.SUBMITTED, actor=coordinator, role=CITY)
    report.refresh_from_db()
    return report


def reports_over(network, years, *, ratings, figures):
    """One submitted report of the network's city per year, rated and figured as given."""
    reports = []
    for year, rating, figure in zip(years, ratings, figures, strict=True):
        cycle = cycle_of(year)
        report = cycle.reports.get(city=network.city)
        reports.append(
            send(
                report,
                network.coordinator,
                rating=rating,
                figure=figure,
                year=year + 1,
                source=f"Statistics office {year}",
            )
        )
    return reports


def client_for(user) -> Client:
    if user.affiliations.filter(role=Role.SECRETARIAT).exists():
        activate_totp(user, secret=TOTP_SECRET)
    client = Client()
    client.force_login(user)
    return client


def progress_url(city) -> str:
    return reverse("reports:progress", kwargs={"city_id": city.pk})


# --- the queries ------------------------------------------------------------------------


def test_progress_compares_the_self_assessment_and_figures_of_each_cycle():
    network = Network()
    first, second = reports_over(network, [2021, 2023], ratings=[1, 3], figures=[12, 15])

    progress = city_progress(network.coordinator, network.city)

    assert [entry.report for entry in progress.entries] == [first, second]
    assert progress.scale_max == 3
    (section,) = progress.sections
    (area,) = section.areas
    assert (area.code, str(area.title)) == ("1.1", "First area")
    assert area.means == [Decimal("1.00"), Decimal("3.00")]
    assert area.rated == [1, 1]
    (series,) = progress.indicators
    assert (series.code, series.unit) == ("1.2.1.v", "km2")
    assert [(p.value, p.data_year, p.source) for p in series.points] == [
        (Decimal("12"), 2022, "Statistics office 2021"),
        (Decimal("15"), 2024, "Statistics office 2023"),
    ]


def test_a_draft_is_listed_but_not_compared():
    network = Network()
    (sent,) = reports_over(network, [2021], ratings=[2], figures=[10])
    draft = cycle_of(2023).reports.get(city=network.city)

    progress = city_progress(network.coordinator, network.city)

    assert [entry.report for entry in progress.entries] == [sent, draft]
    assert [entry.report for entry in progress.counted] == [sent]
    assert progress.sections[0].areas[0].means == [Decimal("2.00")]
    assert [point.value for point in progress.indicators[0].points] == [Decimal("10")]


def test_features_are_compared_by_code_across_versions_of_the_questionnaire():
    network = Network()
    (old,) = reports_over(network, [2021], ratings=[1], figures=[5])
    document = copy.deepcopy(report_document())
    document["version"] = "2.0"
    area = document["sections"][0]["areas"][0]
    area["title"] = "First area, revised"
    framework = load_framework(document, record=True).framework
    new_cycle = cycle_of(2023, framework=framework)
    new = send(new_cycle.reports.get(city=network.city), network.coordinator, rating=3, figure=7)

    progress = city_progress(network.coordinator, network.city)

    assert [entry.report for entry in progress.counted] == [old, new]
    (section,) = progress.sections
    (area,) = section.areas
    # One row for the area, titled as the newest version says.
    assert str(area.title) == "First area, revised"
    assert area.means == [Decimal("1.00"), Decimal("3.00")]
    assert [point.value for point in progress.indicators[0].points] == [Decimal("5"), Decimal("7")]


def test_who_may_follow_a_city():
    network = Network("IE")
    other_coordinator = city_with_coordinator("IE")[1]
    foreign_endorser = endorser_of("FR")

    assert progress_city_for_user(network.coordinator, network.city.pk) == network.city
    assert progress_city_for_user(network.endorser, network.city.pk) == network.city
    assert progress_city_for_user(network.secretary, network.city.pk) == network.city
    assert progress_city_for_user(other_coordinator, network.city.pk) is None
    assert progress_city_for_user(foreign_endorser, network.city.pk) is None
    assert progress_city_for_user(make_user(), network.city.pk) is None
    assert progress_city_for_user(network.secretary, "not-a-number") is None


def test_the_network_assessment_averages_ratings_per_area_and_region():
    ireland = Network("IE")  # Europe and North America
    kenya = Network("KE")  # Africa
    silent = Network("IE")
    cycle = cycle_of(2023)
    send(cycle.reports.get(city=ireland.city), ireland.coordinator, rating=3)
    send(cycle.reports.get(city=kenya.city), kenya.coordinator, rating=2)
    # A draft does not count.
    send(cycle.reports.get(city=silent.city), silent.coordinator, rating=1, submit=False)

    assessment = network_assessment(cycle)

    assert assessment.received == 2
    first, second = assessment.areas
    assert first.rateable
    assert not second.rateable
    assert first.mean == Decimal("2.50")
    assert first.by_region == {"europe_north_america": Decimal("3.00"), "africa": Decimal("2.00")}
    assert (first.rated_by, first.reported_by) == (2, 2)
    assert (second.rated_by, second.reported_by) == (0, 2)
    assert [code for code, _label in assessment.regions] == ["africa", "europe_north_america"]


# --- the page ---------------------------------------------------------------------------


def test_the_progress_page_charts_each_cycle_with_a_table_and_links():
    network = Network()
    first, second = reports_over(network, [2021, 2023], ratings=[1, 3], figures=[12, 15])
    accept(second, network.secretary)

    response = client_for(network.coordinator).get(progress_url(network.city))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 2  # the self-assessment of section 1, the figure
    assert '<title id="self-assessment-1-title">Self-assessment: Results</title>' in html
    assert "<caption" in html
    assert "First area" in html
    assert "3.0" in html
    assert "1.0" in html
    assert "12 km2" in html
    assert "Statistics office 2021" in html
    assert reverse("reports:report", kwargs={"pk": first.pk}) in html
    assert reverse("reports:report", kwargs={"pk": second.pk}) in html
    assert reverse("reports:progress-pdf", kwargs={"city_id": network.city.pk}) in html
    assert reverse("reports:report-pdf", kwargs={"pk": first.pk}) in html
    assert "Good progress" in html  # the accepted report's assessment
    assert reverse("reports:mine") in html


def test_the_progress_page_before_any_report_is_submitted():
    network = Network()
    cycle_of(2023)

    response = client_for(network.coordinator).get(progress_url(network.city))

    assert response.status_code == 200
    assert "Nothing to compare yet" in response.content.decode()
    assert 'role="img"' not in response.content.decode()


def test_the_progress_page_is_its_city_s_commission_s_and_the_secretariat_s():
    network = Network("IE")
    reports_over(network, [2023], ratings=[2], figures=[3])
    url = progress_url(network.city)

    assert client_for(network.endorser).get(url).status_code == 200
    assert client_for(network.secretary).get(url).status_code == 200
    assert client_for(city_with_coordinator("IE")[1]).get(url).status_code == 404
    assert client_for(endorser_of("FR")).get(url).status_code == 404
    assert client_for(make_user()).get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    missing = reverse("reports:progress", kwargs={"city_id": 999_999})
    assert client_for(network.secretary).get(missing).status_code == 404


@pytest.mark.parametrize("cycles", [2, 5])
def test_the_progress_page_reads_a_constant_number_of_queries(cycles, django_assert_num_queries):
    network = Network()
    years = [2015 + 2 * i for i in range(cycles)]
    reports_over(network, years, ratings=[2] * cycles, figures=[10] * cycles)
    # More cities in the network do not count either.
    for _ in range(2):
        make_member(joined="2019-01-01")
    client = client_for(network.coordinator)
    client.get(progress_url(network.city))  # the session's first request sets it up
    # A change of one of its reports draws the page afresh.
    ProgressReport.objects.filter(city=network.city).update(updated_at=timezone.now())

    with django_assert_num_queries(PROGRESS_QUERIES):
        response = client.get(progress_url(network.city))
    assert response.status_code == 200
    assert response.content.decode().count("<svg") == 2

    # Drawn once: until one of its reports changes, the charts come from the cache.
    with django_assert_num_queries(CACHED_PROGRESS_QUERIES):
        again = client.get(progress_url(network.city))
    assert again.content.decode().count("<svg") == 2


def test_the_progress_page_is_drawn_again_when_a_report_changes():
    network = Network()
    [report] = reports_over(network, [2015], ratings=[2], figures=[10])
    client = client_for(network.coordinator)
    assert "2015" in client.get(progress_url(network.city)).content.decode()
    ProgressReport.objects.filter(pk=report.pk).update(state="returned")
    figure = report.answers.get(criterion__code="1.2.1.v")
    save_report_answers(report, {figure.criterion: 77}, actor=network.coordinator)
    page = client.get(progress_url(network.city)).content.decode()
    assert "77" in page


# Drawn: the session, the person, the page's key (the city's country and organisation,
# its reports' count and last change), the city, its reports, the criteria of their
# questionnaires, the answers that count, and the person's cities for the frame.
PROGRESS_QUERIES = 8
# From the cache: the session, the person, the page's key.
CACHED_PROGRESS_QUERIES = 3
