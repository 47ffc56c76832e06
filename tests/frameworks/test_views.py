import pytest
from django.urls import reverse

from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.models import Area, Criterion, Framework, Indicator, Section

from .helpers import small_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_frameworks():
    # Frameworks have no delete path in the domain; the test empties the tables
    # itself, bottom up, to count list rows from zero.
    for model in (Indicator, Criterion, Area, Section, Framework):
        model.objects.all().delete()


@pytest.mark.parametrize("n", [1, 3])
def test_framework_list_query_count_does_not_grow_with_rows(
    client, no_frameworks, django_assert_num_queries, n
):
    for i in range(n):
        load_framework(small_document(version=f"{i + 1}.0"))

    with django_assert_num_queries(1):
        response = client.get(reverse("frameworks:list"))

    assert response.status_code == 200
    assert response.content.decode().count('href="/frameworks/test-framework/') == n


def test_framework_list_shows_shipped_frameworks(client):
    response = client.get(reverse("frameworks:list"))

    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="/frameworks/key-features/2013-short/"' in text
    assert 'href="/frameworks/learning-city-award/2024/"' in text


@pytest.mark.parametrize(
    ("code", "version"), [("learning-city-award", "2024"), ("key-features", "2013-short")]
)
def test_framework_detail_constant_queries(client, django_assert_num_queries, code, version):
    with django_assert_num_queries(5):
        response = client.get(reverse("frameworks:detail", args=[code, version]))

    framework = Framework.objects.get(code=code, version=version)
    text = response.content.decode()
    assert text.count("<h4>") == framework.criteria.count()
    assert f"<h1>{framework.name}</h1>" in text


def test_framework_detail_shows_answer_forms_and_measurements(client):
    response = client.get(reverse("frameworks:detail", args=["key-features", "2013-short"]))

    text = " ".join(response.content.decode().split())
    assert "<h2 id=" in text
    assert "2.3 Effective learning for and in the workplace</h3>" in text
    assert "text, up to 200 words" in text
    assert "a rating from 1 to 5" in text
    assert "a number (% of households)" in text
    assert "<li>Households with broadband internet</li>" in text


def test_framework_detail_french_page_translated_url(client):
    response = client.get("/fr/frameworks/key-features/2013-short/")

    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_framework_detail_unknown_version_404(client):
    response = client.get(reverse("frameworks:detail", args=["key-features", "1999"]))

    assert response.status_code == 404
    assert Framework.objects.filter(code="key-features", version="1999").count() == 0
