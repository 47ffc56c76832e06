"""The error summary at the top of a form with errors (templates/includes/error_summary.html)."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse


class PlaceForm(forms.Form):
    name = forms.CharField(label="Name")
    population = forms.IntegerField(label="Population")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The place cannot be saved.")


def test_error_summary_links_each_field_error_to_its_field():
    form = PlaceForm({"name": "", "population": "many", "token": "t"})

    html = render_to_string("includes/error_summary.html", {"form": form})

    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_population"' in html
    assert "The place cannot be saved." in html
    assert "autofocus" in html
    assert 'tabindex="-1"' in html


def test_error_summary_renders_nothing_for_a_valid_or_unbound_form():
    assert render_to_string("includes/error_summary.html", {"form": PlaceForm()}).strip() == ""


def test_error_summary_links_errors_of_a_dict_by_name():
    errors = {"score-3": ["Choose a score."], "__all__": ["Not now."]}

    html = render_to_string(
        "includes/error_summary.html", {"errors": errors, "ids_are_names": True}
    )

    assert 'href="#score-3"' in html
    assert "Not now." in html
    assert 'href="#__all__"' not in html


@pytest.mark.django_db
def test_login_with_a_wrong_password_shows_the_error_summary(client):
    response = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"}
    )

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


@pytest.mark.django_db
def test_profile_form_with_errors_shows_the_error_summary(client):
    from tests.accounts.factories import make_user

    client.force_login(make_user())

    response = client.post(reverse("accounts:profile"), {"name": ""})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
