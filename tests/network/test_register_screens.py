"""The secretariat's register screens: edit a city, end a membership, locate places."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.common.models import ActivityLogEntry
from learningcities.network.domain.cities import CityChangeError, place_city, update_city
from learningcities.network.domain.locations import locate_cities
from learningcities.network.domain.memberships import end_membership
from learningcities.network.domain.queries.register import places_to_locate_for_user
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.domain.queries.stats import network_stats
from learningcities.network.enums import LocationIssue, LocationSource, MembershipStatus
from learningcities.network.exceptions import NetworkError
from learningcities.network.gazetteer import resolve
from learningcities.network.models import City, Membership
from tests.accounts.factories import person_with_role
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return person_with_role(Role.SECRETARIAT, totp=True)


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def cork():
    city = CityFactory(
        name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756, population=224004
    )
    make_member(city, joined="2016-01-01")
    return city


def entries(action: str, city_or_membership) -> list[ActivityLogEntry]:
    return list(
        ActivityLogEntry.objects.filter(action=action, object_id=str(city_or_membership.pk))
    )


def city_form_data(city: City, **changes) -> dict:
    data = {
        "name": city.name,
        "local_name": city.local_name,
        "admin_area": city.admin_area,
        "latitude": "" if city.latitude is None else city.latitude,
        "longitude": "" if city.longitude is None else city.longitude,
        "population": city.population or "",
        "population_year": city.population_year or "",
        "website": city.website,
        "description": city.description,
        "contact_name": city.contact_name,
        "contact_email": city.contact_email,
    }
    data.update(changes)
    return data


# --- domain: update_city ----------------------------------------------------------


def test_update_city_records_each_change_and_bumps_revision(cork, secretary):
    revision = current_revision()

    changed = update_city(
        cork,
        actor=secretary,
        local_name="Corcaigh",
        website="https://www.corkcity.ie/",
        description="A learning city on the river Lee.",
        population=230000,
        population_year=2022,
    )

    cork.refresh_from_db()
    assert sorted(changed) == [
        "description",
        "local_name",
        "population",
        "population_year",
        "website",
    ]
    assert (cork.website, cork.population, cork.population_year) == (
        "https://www.corkcity.ie/",
        230000,
        2022,
    )
    assert current_revision() == revision + 1
    [entry] = entries("network.city.update", cork)
    assert entry.actor == secretary
    assert entry.changes["population"] == [224004, 230000]
    assert entry.changes["website"] == ["", "https://www.corkcity.ie/"]


def test_update_city_without_difference_changes_nothing(cork, secretary):
    revision = current_revision()

    changed = update_city(cork, actor=secretary, name="Cork", latitude=51.8985, longitude=-8.4756)

    assert changed == []
    assert current_revision() == revision
    assert entries("network.city.update", cork) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"website": "ftp://files.example.org/"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"latitude": 91.0, "longitude": 8.0}, "latitude"),
        ({"latitude": 50.0, "longitude": -181.0}, "longitude"),
        ({"latitude": 50.0, "longitude": None}, "longitude"),
        ({"population": 0}, "population"),
        ({"population": -5}, "population"),
        ({"contact_name": "Máire Ní Bhriain", "contact_email": ""}, "contact_email"),
        ({"name": "  "}, "name"),
    ],
)
def test_update_city_refuses_invalid_value(cork, secretary, fields, field):
    revision = current_revision()

    with pytest.raises(CityChangeError) as refusal:
        update_city(cork, actor=secretary, **fields)

    assert list(refusal.value.problems) == [field]
    assert current_revision() == revision
    cork.refresh_from_db()
    assert (cork.website, cork.latitude, cork.population) == ("", 51.8985, 224004)


def test_update_city_refuses_name_of_another_city_of_the_country(cork, secretary):
    CityFactory(name="Galway", country=country("IE"))

    with pytest.raises(CityChangeError) as refusal:
        update_city(cork, actor=secretary, name="galway")

    assert refusal.value.problems["name"] == "Ireland already has a city called Galway."


def test_update_city_rename_updates_search(cork, secretary):
    update_city(cork, actor=secretary, name="Corcaigh City")

    cork.refresh_from_db()
    assert (cork.name, cork.name_folded) == ("Corcaigh City", "corcaigh city")
    assert "corcaigh city" in cork.search_text


def test_update_city_coordinates_by_hand_take_city_off_the_worklist(secretary):
    city = CityFactory(
        name="Qwxzzy", latitude=None, longitude=None, location_issue=LocationIssue.NO_MATCH
    )
    assert list(places_to_locate_for_user(secretary)) == [city]

    update_city(city, actor=secretary, latitude=48.1, longitude=11.6)

    city.refresh_from_db()
    assert (city.location_source, city.location_issue, city.gazetteer_id) == (
        LocationSource.MANUAL,
        "",
        "",
    )
    assert list(places_to_locate_for_user(secretary)) == []


def test_update_city_unknown_field_refused(cork, secretary):
    with pytest.raises(TypeError):
        update_city(cork, actor=secretary, is_synthetic=True)


# --- domain: the worklist and the gazetteer -----------------------------------------


def test_import_records_why_a_place_was_not_resolved(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        "city,country,joined\nQwxzzy,DE,2019\nSpringfield,US,2019\nCork,IE,2016\n",
        encoding="utf-8",
    )

    call_command("import-members", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    issues = dict(City.objects.values_list("name", "location_issue"))
    assert issues == {
        "Qwxzzy": LocationIssue.NO_MATCH,
        "Springfield": LocationIssue.AMBIGUOUS,
        "Cork": "",
    }


def test_import_again_changes_nothing_for_an_unresolved_place(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("city,country,joined\nQwxzzy,DE,2019\n", encoding="utf-8")
    call_command("import-members", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    revision = current_revision()
    out = io.StringIO()

    call_command("import-members", str(path), stdout=out, stderr=io.StringIO())

    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert current_revision() == revision


def test_locate_cities_records_or_clears_why_a_place_was_not_resolved():
    nowhere = CityFactory(name="Qwxzzy", latitude=None, longitude=None)
    springfield = CityFactory(
        name="Springfield",
        country=country("US"),
        admin_area="Oregon",
        latitude=None,
        longitude=None,
        location_issue=LocationIssue.AMBIGUOUS,
    )

    result = locate_cities()

    nowhere.refresh_from_db()
    springfield.refresh_from_db()
    assert nowhere.location_issue == LocationIssue.NO_MATCH
    assert (springfield.location_issue, springfield.has_location) == ("", True)
    assert [city.name for city, _changed in result.filled] == ["Springfield"]


def test_places_to_locate_lists_unexplained_cities_last_and_leaves_out_synthetic(secretary):
    unexplained = CityFactory(name="Aaaville", latitude=None, longitude=None)
    ambiguous = CityFactory(
        name="Springfield",
        country=country("US"),
        latitude=None,
        longitude=None,
        location_issue=LocationIssue.AMBIGUOUS,
    )
    CityFactory(name="Synthetic", latitude=None, longitude=None, is_synthetic=True)
    CityFactory(name="Placed")

    assert list(places_to_locate_for_user(secretary)) == [ambiguous, unexplained]


def test_places_to_locate_empty_for_coordinator():
    CityFactory(name="Qwxzzy", latitude=None, longitude=None)
    coordinator = person_with_role(Role.COORDINATOR)

    assert list(places_to_locate_for_user(coordinator)) == []


def test_place_city_takes_gazetteer_place_and_keeps_known_population(secretary):
    city = CityFactory(
        name="Springfield",
        country=country("US"),
        latitude=None,
        longitude=None,
        population=170000,
        location_issue=LocationIssue.AMBIGUOUS,
    )
    candidate = next(c for c in resolve("Springfield", "US").candidates if c.has_location)

    changed = place_city(city, actor=secretary, place=candidate)

    city.refresh_from_db()
    assert (city.latitude, city.longitude, city.gazetteer_id) == (
        candidate.latitude,
        candidate.longitude,
        candidate.gazetteer_id,
    )
    assert city.location_issue == ""
    assert city.admin_area == candidate.admin_area
    assert city.population == 170000
    assert "population" not in changed
    assert len(entries("network.city.update", city)) == 1


# --- domain: the end of a membership and the statistics ----------------------------


def test_end_membership_records_reason_in_activity(cork, secretary):
    membership = cork.memberships.get()

    end_membership(
        membership,
        status=MembershipStatus.WITHDRAWN,
        ended_on=dt.date(2025, 3, 1),
        reason="The council left the network.",
        actor=secretary,
    )

    membership.refresh_from_db()
    assert (membership.status, membership.ended_on, membership.end_reason) == (
        MembershipStatus.WITHDRAWN,
        dt.date(2025, 3, 1),
        "The council left the network.",
    )
    [entry] = entries("network.membership.end", membership)
    assert entry.changes == {
        "status": ["active", "withdrawn"],
        "ended_on": [None, "2025-03-01"],
        "end_reason": ["", "The council left the network."],
    }


def test_statistics_count_a_withdrawn_city_before_its_end_only(cork, secretary):
    make_member(name="Galway", country=country("IE"), joined="2016-01-01", population=80000)
    assert network_stats(dt.date(2025, 3, 1)).member_cities == 2  # cached for this revision

    end_membership(
        cork.memberships.get(),
        status=MembershipStatus.WITHDRAWN,
        ended_on=dt.date(2025, 3, 1),
        reason="Left.",
        actor=secretary,
    )

    assert network_stats(dt.date(2025, 2, 28)).member_cities == 2
    assert network_stats(dt.date(2025, 2, 28)).population == 224004 + 80000
    assert network_stats(dt.date(2025, 3, 1)).member_cities == 1
    assert network_stats(dt.date(2026, 1, 1)).population == 80000


def test_end_membership_twice_refused(cork, secretary):
    membership = end_membership(
        cork.memberships.get(),
        status=MembershipStatus.LAPSED,
        ended_on=dt.date(2025, 3, 1),
        actor=secretary,
    )

    with pytest.raises(NetworkError):
        end_membership(
            membership,
            status=MembershipStatus.WITHDRAWN,
            ended_on=dt.date(2025, 4, 1),
            actor=secretary,
        )


# --- permissions ---------------------------------------------------------------------


def register_urls(city: City, membership: Membership) -> list[str]:
    return [
        reverse("network:register"),
        reverse("network:register-city", kwargs={"pk": city.pk}),
        reverse("network:register-membership-end", kwargs={"pk": membership.pk}),
        reverse("network:register-places"),
        reverse("network:register-place", kwargs={"pk": city.pk}),
    ]


def test_register_screens_send_anonymous_people_to_log_in(client, cork):
    for url in register_urls(cork, cork.memberships.get()):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_register_screens_refuse_other_roles(client, cork, role):
    client.force_login(person_with_role(role, totp=True))
    membership = cork.memberships.get()

    for url in register_urls(cork, membership):
        assert client.get(url).status_code == 403, url
    post = client.post(
        reverse("network:register-city", kwargs={"pk": cork.pk}),
        city_form_data(cork, description="Defaced"),
    )
    assert post.status_code == 403
    cork.refresh_from_db()
    assert cork.description == ""


def test_register_city_unknown_id_answers_404(secretary_client):
    assert (
        secretary_client.get(reverse("network:register-city", kwargs={"pk": 999999})).status_code
        == 404
    )


# --- views: the register list ----------------------------------------------------------


def test_register_list_searches_and_links_to_edit(secretary_client, cork):
    galway = CityFactory(name="Galway", country=country("IE"))
    CityFactory(name="Hamburg")

    page = secretary_client.get(reverse("network:register"), {"q": "irlande"}).content.decode()

    assert reverse("network:register-city", kwargs={"pk": cork.pk}) in page
    assert reverse("network:register-city", kwargs={"pk": galway.pk}) in page
    assert "Hamburg" not in page


def test_workspace_navigation_links_to_the_register(secretary_client):
    page = secretary_client.get(reverse("workspace:home")).content.decode()

    assert f'href="{reverse("network:register")}"' in page


@pytest.mark.parametrize("count", [1, 3])
def test_register_list_query_count(secretary_client, django_assert_num_queries, count):
    for index in range(count):
        CityFactory(name=f"City {index}")
    secretary_client.get(reverse("network:register"))  # session and caches warm

    with django_assert_num_queries(5):
        response = secretary_client.get(reverse("network:register"))

    assert response.content.decode().count("/workspace/register/cities/") == count


@pytest.mark.parametrize("count", [1, 3])
def test_places_list_query_count(secretary_client, django_assert_num_queries, count):
    for index in range(count):
        CityFactory(
            name=f"Nowhere {index}",
            latitude=None,
            longitude=None,
            location_issue=LocationIssue.NO_MATCH,
        )
    secretary_client.get(reverse("network:register-places"))

    with django_assert_num_queries(4):
        response = secretary_client.get(reverse("network:register-places"))

    page = response.content.decode()
    assert page.count("No place of this name in the gazetteer") == count


# --- views: editing a city ----------------------------------------------------------


def test_register_city_saves_and_public_page_shows_it_on_next_request(client, secretary, cork):
    public_url = cork.get_absolute_url()
    before = client.get(public_url).content.decode()  # cached for anonymous visitors
    assert "corkcity.ie" not in before
    client.force_login(secretary)

    response = client.post(
        reverse("network:register-city", kwargs={"pk": cork.pk}),
        city_form_data(
            cork,
            website="https://www.corkcity.ie/",
            description="A learning city on the river Lee.",
            contact_name="Learning Cork office",
            contact_email="learning@corkcity.ie",
            latitude="51.9",
            longitude="-8.47",
        ),
    )

    assert response.status_code == 302
    client.logout()
    after = client.get(public_url).content.decode()
    assert "A learning city on the river Lee." in after
    assert '<a href="https://www.corkcity.ie/" rel="nofollow noopener"' in after
    assert 'class="external">www.corkcity.ie</a>' in after
    assert "Learning Cork office" in after
    assert 'href="mailto:learning@corkcity.ie"' in after
    assert "51.9000° N" in after
    cork.refresh_from_db()
    assert cork.location_source == LocationSource.MANUAL
    [entry] = entries("network.city.update", cork)
    assert set(entry.changes) >= {"website", "description", "latitude", "longitude"}


def test_register_city_bad_input_shows_error_summary_and_changes_nothing(secretary_client, cork):
    response = secretary_client.post(
        reverse("network:register-city", kwargs={"pk": cork.pk}),
        city_form_data(cork, website="ftp://example.org/", latitude="95", population="0"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_website"' in page
    assert 'href="#id_latitude"' in page
    assert 'href="#id_population"' in page
    cork.refresh_from_db()
    assert (cork.website, cork.latitude, cork.population) == ("", 51.8985, 224004)


def test_register_city_page_has_map_wired_to_the_coordinate_fields(secretary_client, cork):
    page = secretary_client.get(
        reverse("network:register-city", kwargs={"pk": cork.pk})
    ).content.decode()

    assert 'data-latitude-input="id_latitude"' in page
    assert 'data-longitude-input="id_longitude"' in page
    assert 'id="id_latitude"' in page
    assert "network/js/location-picker" in page


def test_public_city_page_edit_link_only_for_the_secretariat_never_cached(client, secretary, cork):
    edit_url = reverse("network:register-city", kwargs={"pk": cork.pk})
    client.force_login(secretary)
    assert edit_url in client.get(cork.get_absolute_url()).content.decode()
    client.logout()

    anonymous = client.get(cork.get_absolute_url()).content.decode()
    client.force_login(person_with_role(Role.COORDINATOR))
    coordinator = client.get(cork.get_absolute_url()).content.decode()

    assert edit_url not in anonymous
    assert edit_url not in coordinator


def test_public_city_page_without_profile_shows_no_empty_entries(client, cork):
    page = client.get(cork.get_absolute_url()).content.decode()

    assert "Website" not in page
    assert "mailto:" not in page


# --- views: ending a membership --------------------------------------------------------


def test_membership_end_records_withdrawal_and_history(secretary_client, secretary, cork):
    membership = cork.memberships.get()
    url = reverse("network:register-membership-end", kwargs={"pk": membership.pk})
    assert (
        "Record a withdrawal or lapse"
        in secretary_client.get(
            reverse("network:register-city", kwargs={"pk": cork.pk})
        ).content.decode()
    )

    response = secretary_client.post(
        url,
        {
            "status": MembershipStatus.WITHDRAWN,
            "ended_on": "2025-03-01",
            "reason": "The council left the network.",
            "confirm": "on",
        },
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "network:register-city", kwargs={"pk": cork.pk}
    )
    assert "The council left the network." in page
    membership.refresh_from_db()
    assert (membership.status, membership.ended_on) == (
        MembershipStatus.WITHDRAWN,
        dt.date(2025, 3, 1),
    )
    assert entries("network.membership.end", membership)[0].actor == secretary
    assert network_stats(dt.date(2025, 3, 1)).member_cities == 0
    assert network_stats(dt.date(2025, 2, 28)).member_cities == 1


def test_membership_end_without_confirmation_or_before_start_refused(secretary_client, cork):
    membership = cork.memberships.get()
    url = reverse("network:register-membership-end", kwargs={"pk": membership.pk})

    response = secretary_client.post(
        url, {"status": MembershipStatus.LAPSED, "ended_on": "2015-01-01", "reason": "x"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_confirm"' in page
    assert 'href="#id_ended_on"' in page
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_membership_end_of_ended_membership_redirects_to_city(secretary_client, cork):
    membership = end_membership(
        cork.memberships.get(), status=MembershipStatus.LAPSED, ended_on=dt.date(2025, 1, 1)
    )

    response = secretary_client.get(
        reverse("network:register-membership-end", kwargs={"pk": membership.pk})
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("network:register-city", kwargs={"pk": cork.pk})


# --- views: the gazetteer worklist ------------------------------------------------------


def test_place_page_lists_candidates_and_picking_one_leaves_the_worklist(secretary_client):
    city = CityFactory(
        name="Springfield",
        country=country("US"),
        latitude=None,
        longitude=None,
        location_issue=LocationIssue.AMBIGUOUS,
    )
    candidate = next(c for c in resolve("Springfield", "US").candidates if c.has_location)
    url = reverse("network:register-place", kwargs={"pk": city.pk})
    places_url = reverse("network:register-places")
    assert url in secretary_client.get(places_url).content.decode()

    page = secretary_client.get(url).content.decode()
    assert f'value="{candidate.gazetteer_id}"' in page

    response = secretary_client.post(url, {"place": candidate.gazetteer_id})

    assert response.status_code == 302
    assert response["Location"] == places_url
    city.refresh_from_db()
    assert (city.latitude, city.longitude) == (candidate.latitude, candidate.longitude)
    assert url not in secretary_client.get(places_url).content.decode()


def test_place_page_unknown_choice_answers_error_summary(secretary_client):
    city = CityFactory(name="Springfield", country=country("US"), latitude=None, longitude=None)

    response = secretary_client.post(
        reverse("network:register-place", kwargs={"pk": city.pk}), {"place": "geonames:1"}
    )

    assert response.status_code == 400
    assert "Choose one of the places listed." in response.content.decode()
    city.refresh_from_db()
    assert city.latitude is None


def test_place_page_without_candidates_offers_the_edit_form(secretary_client):
    city = CityFactory(name="Qwxzzy", latitude=None, longitude=None)

    page = secretary_client.get(
        reverse("network:register-place", kwargs={"pk": city.pk})
    ).content.decode()

    assert "knows no place of this name" in page
    assert reverse("network:register-city", kwargs={"pk": city.pk}) + "#location" in page
