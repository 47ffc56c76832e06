"""The reports API: reporting cycles and rates (public); reports (the people who may read them)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from learningcities.accounts.domain.users import activate_totp
from learningcities.reports.models import ProgressReport
from tests.accounts.factories import TOTP_SECRET
from tests.calls.factories import city_with_coordinator, endorser_of
from tests.factories import make_member

from .factories import Network, accept, criteria, make_cycle, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    network = Network()
    activate_totp(network.secretary, secret=TOTP_SECRET)  # the secretariat has a second factor
    return network


@pytest.fixture
def cycle(net):
    return make_cycle(code="2025-2027", name="Progress reports 2025-2027")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def report_of(cycle, city):
    return ProgressReport.objects.get(cycle=cycle, city=city)


# --- cycles (public) --------------------------------------------------------------------------


def test_cycles_list_with_rates(client, net, cycle):
    make_cycle(
        code="later",
        opens_at=timezone.now() + dt.timedelta(days=2),
        due_at=timezone.now() + dt.timedelta(days=60),
    )
    submit(report_of(cycle, net.city), net.coordinator)

    body = get(client, "/api/v1/reporting-cycles")

    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == "2025-2027"
    assert item["name"] == "Progress reports 2025-2027"
    assert item["time_zone"] == "Europe/Paris"
    assert item["url"].endswith("/reporting/2025-2027/")
    assert item["rates"] == {
        "expected": 1,
        "received": 1,
        "on_time": 1,
        "accepted": 0,
        "received_rate": 1.0,
        "on_time_rate": 1.0,
        "accepted_rate": 0.0,
    }


def test_cycles_list_pages(client, net):
    for year in (2021, 2023, 2025):
        make_cycle(
            code=f"c{year}",
            opens_at=timezone.now() - dt.timedelta(days=3000 - year),
            due_at=timezone.now() - dt.timedelta(days=2900 - year),
        )

    body = get(client, "/api/v1/reporting-cycles?page_size=2")

    assert body["count"] == 3
    assert [item["code"] for item in body["results"]] == ["c2025", "c2023"]  # latest due first
    assert "page=2" in body["next"]
    second = get(client, "/api/v1/reporting-cycles?page=2&page_size=2")
    assert [item["code"] for item in second["results"]] == ["c2021"]


def test_one_cycle_with_rates_by_region(client, net, cycle):
    make_member(city_with_coordinator("KE")[0].city, joined="2019-05-01")
    from learningcities.reports.domain.cycles import add_due_reports

    add_due_reports(cycle)

    body = get(client, "/api/v1/reporting-cycles/2025-2027")

    assert body["rates"]["expected"] == 2
    assert [(row["key"], row["rates"]["expected"]) for row in body["by_region"]] == [
        ("africa", 1),
        ("europe_north_america", 1),
    ]
    get(client, "/api/v1/reporting-cycles/no-such", status=404)


def test_rates_by_country_and_cohort(client, net, cycle):
    body = get(client, "/api/v1/reporting-cycles/2025-2027/rates?by=country")
    assert body["by"] == "country"
    assert body["rows"][0]["key"] == "IE"
    assert body["total"]["expected"] == 1

    body = get(client, "/api/v1/reporting-cycles/2025-2027/rates?by=cohort")
    assert body["rows"][0] == {
        "key": "",
        "label": "No cohort",
        "rates": {
            "expected": 1,
            "received": 0,
            "on_time": 0,
            "accepted": 0,
            "received_rate": 0.0,
            "on_time_rate": 0.0,
            "accepted_rate": 0.0,
        },
    }
    assert get(client, "/api/v1/reporting-cycles/2025-2027/rates")["by"] == "region"


def test_rates_by_something_else_is_refused(client, cycle):
    body = get(client, "/api/v1/reporting-cycles/2025-2027/rates?by=city", status=422)
    assert body["detail"][0]["loc"][-1] == "by"


def test_a_cycle_not_open_yet_is_not_found(client):
    make_cycle(
        code="later",
        opens_at=timezone.now() + dt.timedelta(days=2),
        due_at=timezone.now() + dt.timedelta(days=60),
    )
    get(client, "/api/v1/reporting-cycles/later", status=404)
    get(client, "/api/v1/reporting-cycles/later/rates", status=404)


# --- reports (permissioned) -------------------------------------------------------------------


@pytest.fixture
def two_countries(net, cycle):
    """Ireland's member (``net``) and a French member, both with a report in the cycle."""
    organisation, coordinator = city_with_coordinator("FR")
    make_member(organisation.city, joined="2019-05-01")
    from learningcities.reports.domain.cycles import add_due_reports

    add_due_reports(cycle)
    return {
        "ie": report_of(cycle, net.city),
        "fr": report_of(cycle, organisation.city),
        "fr_coordinator": coordinator,
        "fr_endorser": endorser_of("FR"),
    }


def ids(body) -> list[int]:
    return [item["id"] for item in body["results"]]


def test_reports_need_a_session(client, two_countries):
    assert get(client, "/api/v1/reports", status=401)["detail"]
    get(client, f"/api/v1/reports/{two_countries['ie'].pk}", status=401)


def test_the_secretariat_reads_every_report(net, two_countries):
    body = get(as_user(net.secretary), "/api/v1/reports")
    assert body["count"] == 2
    assert set(ids(body)) == {two_countries["ie"].pk, two_countries["fr"].pk}

    only_fr = get(as_user(net.secretary), "/api/v1/reports?country=fr")
    assert ids(only_fr) == [two_countries["fr"].pk]
    assert "country=FR" in (only_fr["next"] or "country=FR")


def test_a_coordinator_reads_its_city_s_reports_only(net, two_countries):
    client = as_user(net.coordinator)

    body = get(client, "/api/v1/reports")

    assert ids(body) == [two_countries["ie"].pk]
    item = body["results"][0]
    assert item["city"] == {"id": net.city.pk, "name": net.city.name, "country": "IE"}
    assert item["state"] == "draft"
    assert item["standing"] == "due"
    get(client, f"/api/v1/reports/{two_countries['fr'].pk}", status=404)


def test_an_endorser_reads_its_country_s_reports_only(net, two_countries):
    client = as_user(net.endorser)
    assert ids(get(client, "/api/v1/reports")) == [two_countries["ie"].pk]
    get(client, f"/api/v1/reports/{two_countries['fr'].pk}", status=404)

    other = as_user(two_countries["fr_endorser"])
    assert ids(get(other, "/api/v1/reports")) == [two_countries["fr"].pk]
    get(other, f"/api/v1/reports/{two_countries['ie'].pk}", status=404)


def test_someone_without_a_role_reads_no_report(two_countries):
    from tests.accounts.factories import make_user

    client = as_user(make_user())
    assert get(client, "/api/v1/reports")["count"] == 0
    get(client, f"/api/v1/reports/{two_countries['ie'].pk}", status=404)
    get(client, "/api/v1/reports/999999", status=404)


def test_reports_filter_by_cycle_and_state(net, two_countries, cycle):
    submit(two_countries["ie"], net.coordinator)
    client = as_user(net.secretary)

    assert ids(get(client, "/api/v1/reports?state=submitted")) == [two_countries["ie"].pk]
    assert get(client, "/api/v1/reports?cycle=2025-2027")["count"] == 2
    assert get(client, "/api/v1/reports?cycle=other")["count"] == 0
    for bad in ("state=sent", "country=FRA", "cycle=a%20b"):
        body = get(client, f"/api/v1/reports?{bad}", status=422)
        assert body["detail"][0]["loc"][-1] == bad.split("=")[0]


def test_one_report_with_its_answers(net, two_countries):
    report = two_countries["ie"]
    submit(report, net.coordinator)
    accept(report_of(report.cycle, net.city), net.secretary)

    body = get(as_user(net.coordinator), f"/api/v1/reports/{report.pk}")

    assert body["state"] == "accepted"
    assert body["assessment"] == "good"
    answers = {answer["criterion"]: answer for answer in body["answers"]}
    assert answers["1.1.0"]["answer_type"] == "text"
    assert answers["1.1.0"]["value"].startswith("The city opened")
    figure = answers["1.2.1.v"]
    assert figure["value"] == 12
    assert figure["data_year"] == 2025
    assert figure["source"] == "City statistics office"
    assert figure["unchanged"] is False
    order = [c.code for c in sorted(criteria(report).values(), key=lambda c: c.order)]
    assert [a["criterion"] for a in body["answers"]] == [c for c in order if c in answers]


def test_the_assessment_is_not_given_before_acceptance(net, two_countries):
    report = two_countries["ie"]
    ProgressReport.objects.filter(pk=report.pk).update(assessment="good", assessment_text="Draft")

    body = get(as_user(net.secretary), f"/api/v1/reports/{report.pk}")

    assert body["assessment"] == ""
    assert body["assessment_text"] == ""
