"""A narrative of a report becomes a draft good practice of the library, once."""

import pytest
from django.urls import reverse

from learningcities.practices.enums import PracticeSource, PracticeStatus
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.domain.practices import practice_from_report
from learningcities.reports.models import ReportPractice

from .factories import NARRATIVE, Network, fill_report, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return Network()


@pytest.fixture
def report(network):
    report = make_cycle().reports.get(city=network.city)
    fill_report(report, network.coordinator)
    return report


def test_a_narrative_becomes_a_draft_practice_once(network, report):
    narrative = report.cycle.framework.criteria.get(code="1.1.0")
    practice = practice_from_report(report, narrative, actor=network.coordinator)
    assert practice.status == PracticeStatus.DRAFT
    assert practice.source == PracticeSource.REPORT
    assert practice.body == NARRATIVE
    assert practice.city_id == network.city.pk
    assert not practice.publication_consent  # the city ticks it before submitting
    assert practice_from_report(report, narrative, actor=network.coordinator) == practice
    assert ReportPractice.objects.count() == 1


def test_an_empty_answer_and_a_stranger_are_refused(network, report):
    from learningcities.practices.domain.errors import PracticeError

    rating = report.cycle.framework.criteria.get(code="1.1.2")
    with pytest.raises(ReportError, match="Only an answer with text"):
        practice_from_report(report, rating, actor=network.coordinator)
    narrative = report.cycle.framework.criteria.get(code="1.1.0")
    with pytest.raises(PracticeError):
        practice_from_report(report, narrative, actor=network.secretary)
    assert not ReportPractice.objects.exists()


def test_the_coordinator_shares_from_the_page_and_lands_on_the_practice(client, network, report):
    client.force_login(network.coordinator)
    url = reverse("reports:share-practice", kwargs={"pk": report.pk, "code": "1.1.0"})
    response = client.post(url)
    link = ReportPractice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:edit", kwargs={"pk": link.practice_id})

    other = Network(country_code="FR")
    client.force_login(other.coordinator)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code in (404, 405)


def test_the_section_page_offers_sharing_and_then_lists_the_practice(client, network, report):
    client.force_login(network.coordinator)
    section = reverse("reports:section", kwargs={"pk": report.pk, "code": "1"})
    page = client.get(section).text
    assert "Share 1.1.0 as a good practice" in page
    client.post(reverse("reports:share-practice", kwargs={"pk": report.pk, "code": "1.1.0"}))
    practice = ReportPractice.objects.get().practice
    page = client.get(section).text
    assert "Share 1.1.0 as a good practice" not in page
    assert reverse("practices:edit", kwargs={"pk": practice.pk}) in page
    overview = client.get(reverse("reports:report", kwargs={"pk": report.pk})).text
    assert "Good practices shared from this report" in overview

    client.force_login(network.endorser)  # reads the report, shares nothing
    assert "as a good practice" not in client.get(section).text
