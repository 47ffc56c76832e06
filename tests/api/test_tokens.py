"""API tokens: scopes, expiry, revocation, the maker's role, the usage log, a partner's writes
(a report's answers, a delegation)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from learningcities.accounts.domain.errors import TokenError
from learningcities.accounts.domain.organisations import remove_affiliation
from learningcities.accounts.domain.tokens import (
    create_token,
    hash_key,
    revoke_token,
    token_for_key,
)
from learningcities.accounts.enums import Scope
from learningcities.accounts.models import Affiliation, ApiToken, ApiTokenUse
from learningcities.common.models.activity import ActivityLogEntry
from learningcities.events.models import Delegation
from learningcities.reports.models import ProgressReport
from tests.events.factories_events import EventFactory
from tests.reports.factories import Network, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return Network()


@pytest.fixture
def report(net):
    cycle = make_cycle()
    return ProgressReport.objects.get(cycle=cycle, city=net.city)


def token_of(net, *scopes, days=30):
    return create_token(
        net.organisation, actor=net.coordinator, name="City dashboard", scopes=scopes, days=days
    )


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def answers_url(report) -> str:
    return f"/api/v1/reports/{report.pk}/answers"


def put(client, url, body):
    return client.put(url, body, content_type="application/json")


# --- making and keeping tokens -------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(net):
    token, key = token_of(net, Scope.REPORTS_READ)

    assert key.startswith("lc_")
    assert len(key) > 40
    assert token.key_hash == hash_key(key)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    entry = ActivityLogEntry.objects.get(action="accounts.token.create")
    assert key not in str(entry.changes)
    assert entry.changes["scopes"] == [None, ["reports:read"]]


def test_a_token_gets_only_the_scopes_its_maker_s_role_allows(net):
    endorsers = net.endorser.affiliations.get().organisation

    with pytest.raises(TokenError) as refused:
        create_token(
            endorsers, actor=net.endorser, name="NatCom", scopes=["reports:write"], days=30
        )
    assert refused.value.code == "not_permitted"
    with pytest.raises(TokenError) as outsider:
        create_token(
            net.organisation, actor=net.endorser, name="x", scopes=["reports:read"], days=30
        )
    assert outsider.value.code == "not_permitted"


@pytest.mark.parametrize(
    ("name", "scopes", "days"),
    [("", ["reports:read"], 30), ("x", [], 30), ("x", ["admin"], 30), ("x", ["reports:read"], 0)],
)
def test_a_token_needs_a_name_a_known_scope_and_a_lifetime(net, name, scopes, days):
    with pytest.raises(TokenError) as refused:
        create_token(net.organisation, actor=net.coordinator, name=name, scopes=scopes, days=days)

    assert refused.value.code == "invalid"
    assert not ApiToken.objects.exists()


# --- using them ---------------------------------------------------------------------------


def test_a_token_reads_what_its_maker_may_read(net, report):
    _token, key = token_of(net, Scope.REPORTS_READ)

    response = bearer(key).get("/api/v1/reports")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [report.pk]


def test_a_token_without_the_scope_is_refused(net, report):
    _token, key = token_of(net, Scope.REPORTS_READ)

    response = put(
        bearer(key), answers_url(report), {"answers": [{"criterion": "1.1.0", "value": "x"}]}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert not report.answers.exists()
    assert bearer(key).get("/api/v1/submissions").json()["code"] == "insufficient_scope"


def test_an_expired_token_is_refused(net, report):
    token, key = token_of(net, Scope.REPORTS_READ)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))

    response = bearer(key).get("/api/v1/reports")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_is_refused_from_its_next_request(net, report):
    token, key = token_of(net, Scope.REPORTS_READ)
    assert bearer(key).get("/api/v1/reports").status_code == 200

    revoke_token(token, actor=net.coordinator)

    response = bearer(key).get("/api/v1/reports")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    with pytest.raises(TokenError):
        revoke_token(token, actor=net.coordinator)


def test_only_its_organisation_and_the_secretariat_may_revoke_a_token(net):
    token, _key = token_of(net, Scope.REPORTS_READ)

    with pytest.raises(TokenError) as refused:
        revoke_token(token, actor=net.endorser)
    assert refused.value.code == "not_permitted"
    revoke_token(token, actor=net.secretary)


def test_a_token_stops_when_its_maker_loses_the_role(net, report):
    _token, key = token_of(net, Scope.REPORTS_READ)
    affiliation = Affiliation.objects.get(user=net.coordinator, organisation=net.organisation)

    remove_affiliation(affiliation, actor=None)

    with pytest.raises(TokenError) as refused:
        token_for_key(key)
    assert refused.value.code == "invalid_token"
    assert bearer(key).get("/api/v1/reports").status_code == 401


@pytest.mark.parametrize("key", ["lc_unknown", "not-ours", "lc_" + "x" * 200])
def test_an_unknown_key_is_refused_with_401(net, key):
    response = bearer(key).get("/api/v1/reports")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_every_request_with_a_token_is_logged_with_its_answer(net, report):
    token, key = token_of(net, Scope.REPORTS_READ)
    client = bearer(key)
    client.get("/api/v1/reports")
    client.get("/api/v1/reports/999999")

    uses = list(ApiTokenUse.objects.filter(token=token).order_by("pk"))

    assert [(u.method, u.path, u.status) for u in uses] == [
        ("GET", "/api/v1/reports", 200),
        ("GET", "/api/v1/reports/999999", 404),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_is_not_a_session(net, report):
    _token, key = token_of(net, Scope.REPORTS_READ)

    # Pages know nothing of tokens: a program cannot reach them with one.
    response = bearer(key).get("/account/my-work/")

    assert response.status_code == 302


# --- a partner writes a section of a report ------------------------------------------------


def test_a_partner_writes_a_section_of_a_report(net, report):
    _token, key = token_of(net, Scope.REPORTS_WRITE)

    response = put(
        bearer(key),
        answers_url(report),
        {
            "answers": [
                {"criterion": "1.1.0", "value": "Adult learning centres in every district."},
                {
                    "criterion": "1.2.1.v",
                    "value": 12,
                    "data_year": 2025,
                    "source": "City statistics office",
                },
            ]
        },
    )

    assert response.status_code == 200, response.content
    answers = {a["criterion"]: a for a in response.json()["answers"]}
    assert answers["1.1.0"]["value"] == "Adult learning centres in every district."
    assert answers["1.2.1.v"]["data_year"] == 2025
    entry = ActivityLogEntry.objects.get(action="reports.answer.update")
    assert entry.actor == net.coordinator


def test_a_write_with_one_bad_answer_saves_nothing(net, report):
    _token, key = token_of(net, Scope.REPORTS_WRITE)

    unknown = put(
        bearer(key),
        answers_url(report),
        {"answers": [{"criterion": "1.1.0", "value": "Good"}, {"criterion": "9.9", "value": 1}]},
    )
    wrong = put(
        bearer(key),
        answers_url(report),
        {
            "answers": [
                {"criterion": "1.1.0", "value": "Good"},
                {"criterion": "1.2.1.v", "value": "many"},
            ]
        },
    )

    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid")
    assert wrong.json()["code"] == "wrong_type"
    assert not report.answers.exists()


def test_another_city_s_token_cannot_write_the_report(net, report):
    other = Network("DE")
    _token, key = create_token(
        other.organisation,
        actor=other.coordinator,
        name="Other city",
        scopes=[Scope.REPORTS_WRITE],
        days=30,
    )

    response = put(
        bearer(key), answers_url(report), {"answers": [{"criterion": "1.1.0", "value": "x"}]}
    )

    assert response.status_code == 404
    assert not report.answers.exists()


# --- a partner registers a delegation ------------------------------------------------------


def delegations_url(event) -> str:
    return f"/api/v1/events/{event.slug}/delegations"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_partner_registers_its_city_s_delegation_once(net):
    event = EventFactory()
    _token, key = token_of(net, Scope.REGISTRATIONS_WRITE)

    response = post(bearer(key), delegations_url(event), {"kind": "city"})
    again = post(bearer(key), delegations_url(event), {"kind": "city"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["city"]["id"], body["country"]) == ("city", net.city.pk, "IE")
    delegation = Delegation.objects.get()
    assert (delegation.head, delegation.organisation) == (net.coordinator, net.organisation)
    assert body["url"].endswith(f"/delegations/{delegation.pk}/")
    assert (again.status_code, again.json()["code"]) == (409, "delegation_exists")


def test_a_national_commission_s_token_registers_the_country_s_delegation_only(net):
    event = EventFactory()
    commission = net.endorser.affiliations.get().organisation
    _token, key = create_token(
        commission,
        actor=net.endorser,
        name="NatCom system",
        scopes=[Scope.REGISTRATIONS_WRITE],
        days=30,
    )

    city = post(bearer(key), delegations_url(event), {"kind": "city"})
    country = post(bearer(key), delegations_url(event), {"kind": "country"})

    assert (city.status_code, city.json()["code"]) == (403, "not_permitted")
    assert country.status_code == 201
    assert Delegation.objects.get().organisation == commission


def test_registering_a_delegation_needs_the_scope_and_an_open_event(net):
    closed = EventFactory(status="planned")
    _read, read_key = token_of(net, Scope.REGISTRATIONS_READ)
    _write, write_key = token_of(net, Scope.REGISTRATIONS_WRITE)

    unscoped = post(bearer(read_key), delegations_url(EventFactory()), {"kind": "city"})
    not_open = post(bearer(write_key), delegations_url(closed), {"kind": "city"})
    missing = post(bearer(write_key), "/api/v1/events/no-such-event/delegations", {"kind": "city"})

    assert (unscoped.status_code, unscoped.json()["code"]) == (403, "insufficient_scope")
    assert (not_open.status_code, not_open.json()["code"]) == (403, "not_permitted")
    assert missing.status_code == 404
    assert not Delegation.objects.exists()
