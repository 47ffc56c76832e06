"""The reports' PDFs: a report, a city's progress, the network's synthesis of a cycle.

Text is read with pypdf (as the calls' dossier tests do); the Arabic PDF in
reading order with ``reading_text`` of tests/calls/test_pdf_languages.py.
"""

import datetime as dt
import io
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from learningcities.accounts.domain.users import activate_totp
from learningcities.reports.domain.answers import save_report_answers
from learningcities.reports.interfaces import pdfs
from learningcities.reports.interfaces.charts import BarGroup, bar_chart, fit, nice_ticks
from learningcities.reports.interfaces.pdfs import synthesis_context
from tests.accounts.factories import TOTP_SECRET, make_user
from tests.calls.factories import city_with_coordinator, endorser_of
from tests.calls.test_pdf_languages import fonts_drawing, reading_text, translated
from tests.factories import make_member

from .factories import NARRATIVE, Network, accept, criteria, make_cycle, submit

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get_pdf(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def rated(report, coordinator, rating: int):
    """Rate the report's feature 1.1.2 and submit it (the figure given by ``submit``)."""
    save_report_answers(report, {criteria(report)["1.1.2"]: rating}, actor=coordinator)
    return submit(report, coordinator)


def report_pdf_url(report) -> str:
    return reverse("reports:report-pdf", kwargs={"pk": report.pk})


# --- one report -------------------------------------------------------------------------


def test_the_report_pdf_has_its_cover_answers_figures_and_assessment():
    network = Network()
    report = make_cycle().reports.get(city=network.city)
    report = rated(report, network.coordinator, 2)
    report = accept(report, network.secretary, assessment_text="Steady progress on adult learning.")

    response = client_for(network.coordinator).get(report_pdf_url(report))

    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(get_pdf(client_for(network.coordinator), report_pdf_url(report)))
    assert f"Progress report of {network.city.name}" in text
    assert "Progress reports 2025-2027" in text
    assert "Accepted" in text
    assert "Period covered" in text
    assert NARRATIVE[:40] in text
    assert "2: Mid" in text
    assert "12 km2" in text
    assert "Year of the figure: 2025" in text
    assert "City statistics office" in text
    assert "The secretariat's assessment" in text
    assert "Good progress" in text
    assert "Steady progress on adult learning." in text


def test_a_report_not_accepted_shows_no_assessment():
    network = Network()
    report = submit(make_cycle().reports.get(city=network.city), network.coordinator)

    text = pdf_text(get_pdf(client_for(network.coordinator), report_pdf_url(report)))

    assert "Submitted" in text
    assert "The secretariat's assessment" not in text


def test_the_report_pdf_is_for_whoever_may_read_the_report():
    network = Network("IE")
    report = make_cycle().reports.get(city=network.city)
    url = report_pdf_url(report)
    activate_totp(network.secretary, secret=TOTP_SECRET)

    assert client_for(network.endorser).get(url).status_code == 200
    assert client_for(network.secretary).get(url).status_code == 200
    assert client_for(city_with_coordinator("IE")[1]).get(url).status_code == 404
    assert client_for(endorser_of("FR")).get(url).status_code == 404
    assert client_for(make_user()).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    missing = reverse("reports:report-pdf", kwargs={"pk": 999_999})
    assert client_for(network.secretary).get(missing).status_code == 404


def test_the_report_pdf_in_arabic_reads_right_to_left_with_an_arabic_city_name():
    organisation, coordinator = city_with_coordinator("EG", name="أسوان")
    make_member(organisation.city)
    report = make_cycle().reports.get(city=organisation.city)
    with translation.override("ar"):
        url = report_pdf_url(report)

    content = get_pdf(client_for(coordinator), url)

    lines = reading_text(content, right_to_left=True).splitlines()
    assert any("أسوان" in line for line in lines)
    city_row = next(line for line in lines if line.startswith(translated("ar", "City")))
    assert city_row == f"{translated('ar', 'City')} أسوان"
    heading = translated("ar", "Progress report of %(city)s").split("%(city)s")[0].strip()
    assert heading
    assert heading in lines[0]  # the heading, in Arabic


# --- a city's progress ------------------------------------------------------------------


def test_the_progress_pdf_draws_the_charts_and_their_tables_in_any_script():
    organisation, coordinator = city_with_coordinator("CN", name="武汉")
    make_member(organisation.city)
    for year, rating in ((2021, 1), (2023, 3)):
        cycle = make_cycle(
            code=f"{year}-{year + 2}",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year + 1, 12, 31),
        )
        rated(cycle.reports.get(city=organisation.city), coordinator, rating)
    url = reverse("reports:progress-pdf", kwargs={"city_id": organisation.city.pk})

    content = get_pdf(client_for(coordinator), url)

    text = pdf_text(content)
    assert "Progress of 武汉" in text
    assert "Self-assessment: Results" in text  # the chart's heading and its table
    assert "First area" in text
    assert "1.2.1.v A figure" in text
    assert "City statistics office" in text
    assert "2021-2023" in text
    assert "2023-2025" in text
    assert any("CJK" in font for font in fonts_drawing(content, CJK))


def test_the_progress_pdf_is_as_private_as_the_page():
    network = Network("IE")
    url = reverse("reports:progress-pdf", kwargs={"city_id": network.city.pk})

    assert client_for(network.endorser).get(url).status_code == 200
    assert client_for(endorser_of("FR")).get(url).status_code == 404
    assert client_for(city_with_coordinator("IE")[1]).get(url).status_code == 404


# --- the synthesis ----------------------------------------------------------------------


def test_the_synthesis_pdf_gives_rates_charts_and_self_assessment_without_names():
    ireland = Network("IE", joined="2019-05-01")
    kenya = Network("KE", joined="2019-05-01")
    Network("KE", joined="2019-05-01")  # due, never reports
    cycle = make_cycle()
    report = rated(cycle.reports.get(city=ireland.city), ireland.coordinator, 3)
    accept(report, ireland.secretary)
    rated(cycle.reports.get(city=kenya.city), kenya.coordinator, 1)
    url = reverse("reports:synthesis-pdf", kwargs={"code": cycle.code})

    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Synthesis of the progress reports: Progress reports 2025-2027" in text
    assert "Reporting rates" in text
    html = render_to_string("reports/pdf/synthesis.html", synthesis_context(cycle))
    for chart in ("rates-region-2", "assessment-region-2", "timeline", "assessment-network"):
        assert '<svg class="chart report-chart" viewBox' in html
        assert f'id="{chart}"' in html
    assert '<title id="rates-region-1-title">Reports in Africa</title>' in html
    assert "Kenya" in text
    assert "Ireland" in text
    assert "Reports received over time" in text
    assert "Self-assessment per area: Africa" in text
    assert "Cities reporting on each area" in text
    assert "67%" in text  # two of three reports received
    assert ireland.city.name not in text
    assert kenya.city.name not in text
    assert NARRATIVE[:30] not in text


def test_the_synthesis_of_a_cycle_not_yet_open_is_not_found():
    Network()
    cycle = make_cycle(
        opens_at=timezone.now() + dt.timedelta(days=5),
        due_at=timezone.now() + dt.timedelta(days=60),
    )
    url = reverse("reports:synthesis-pdf", kwargs={"code": cycle.code})
    assert Client().get(url).status_code == 404
    assert (
        Client().get(reverse("reports:synthesis-pdf", kwargs={"code": "nope"})).status_code == 404
    )


# --- the charts -------------------------------------------------------------------------


def test_a_bar_chart_is_an_image_with_a_title_and_escapes_its_labels():
    svg = bar_chart(
        "c",
        title="Rates <b>",
        desc="What it shows",
        groups=[BarGroup(label="<script>", values=[50.0, None], texts=["50%", "none"])],
        series=["One", "Two"],
        maximum=100,
    )
    assert svg.startswith('<svg class="chart report-chart"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Rates &lt;b&gt;</title>' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_chart_helpers():
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(5) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(100)[-1] == 100
    assert fit("Individual empowerment and social cohesion", 20).endswith("…")
    assert len(fit("武汉" * 20, 10)) <= 5


def test_the_synthesis_is_rendered_again_only_when_a_report_changes(monkeypatch):
    network = Network()
    cycle = make_cycle()
    rendered = []
    real = pdfs.render_synthesis_pdf

    def counting(cycle):
        rendered.append(cycle.pk)
        return real(cycle)

    monkeypatch.setattr(pdfs, "render_synthesis_pdf", counting)
    first = pdfs.synthesis_pdf(cycle)
    assert pdfs.synthesis_pdf(cycle) == first
    assert len(rendered) == 1

    submit(cycle.reports.get(city=network.city), network.coordinator)

    assert pdf_text(pdfs.synthesis_pdf(cycle)) != pdf_text(first)
    assert len(rendered) == 2
    with translation.override("fr"):
        pdfs.synthesis_pdf(cycle)
    assert len(rendered) == 3
