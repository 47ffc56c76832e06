"""The public verification of a certificate by its number: no login, cached, tells revocation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from learningcities.calls.domain.release import reissue_certificate
from learningcities.calls.enums import Decision
from learningcities.calls.models import Certificate
from tests.calls.releasing import release_cohort
from tests.calls.test_release_steps import stage_as
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city

pytestmark = pytest.mark.django_db
JOINED = dt.date(2026, 12, 4)


@pytest.fixture
def certificate():
    call = membership_call(title="Membership call 2026")
    [(cast, submission)] = casts_in_review(call, ["IE"])
    rename_city(cast, "Cork")
    stage_as(cast, submission, Decision.ACCEPTED)
    release_cohort(call, actor=cast.secretary, name="2026 cohort", joined_on=JOINED)
    found = Certificate.objects.get()
    found.secretary = cast.secretary
    return found


def _page(client, number):
    return client.get(reverse("calls:certificate", kwargs={"number": number}))


def test_certificate_page_says_city_cohort_date_and_valid(client, certificate):
    response = _page(client, certificate.number)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This certificate is valid." in page
    assert "Cork" in page
    assert "Ireland" in page
    assert "2026 cohort" in page
    assert "Membership of the network" in page
    assert date_format(JOINED, "DATE_FORMAT") in page


def test_certificate_page_answers_a_lowercase_number(client, certificate):
    response = _page(client, certificate.number.lower())

    assert response.status_code == 200
    assert "This certificate is valid." in response.content.decode()


def test_certificate_page_needs_no_login_and_is_cached_for_visitors(
    client, certificate, django_assert_num_queries
):
    _page(client, certificate.number)

    with django_assert_num_queries(1):  # the register's revision
        response = _page(client, certificate.number)

    assert response.status_code == 200
    assert "Cork" in response.content.decode()


def test_certificate_page_of_a_replaced_certificate_says_so_and_links_the_new_one(
    client, certificate
):
    _page(client, certificate.number)  # cached before the re-issue
    new = reissue_certificate(certificate, actor=certificate.secretary, reason="Name corrected.")

    old_page = _page(client, certificate.number).content.decode()
    new_page = _page(client, new.number).content.decode()

    assert "This certificate is no longer valid: it was replaced on" in old_page
    assert "This certificate is valid." not in old_page
    assert reverse("calls:certificate", kwargs={"number": new.number}) in old_page
    assert "This certificate is valid." in new_page
    assert "Name corrected." not in old_page  # the reason stays with the secretariat


def test_certificate_page_of_an_unknown_number_is_404_with_the_form(client, certificate):
    response = _page(client, "LC-1999-0000-000000")

    assert response.status_code == 404
    page = response.content.decode()
    assert "No certificate has the number LC-1999-0000-000000." in page
    assert 'name="number"' in page
    assert 'value="LC-1999-0000-000000"' in page


def test_lookup_form_sends_to_the_certificate_page(client, certificate):
    form = client.get(reverse("calls:certificate-lookup"))
    response = client.get(
        reverse("calls:certificate-lookup"), {"number": f"  {certificate.number.lower()} "}
    )

    assert form.status_code == 200
    assert '<label for="certificate-number">Certificate number</label>' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "calls:certificate", kwargs={"number": certificate.number}
    )


def test_certificate_page_in_french(client, certificate):
    response = client.get(f"/fr/certificates/{certificate.number}/")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
