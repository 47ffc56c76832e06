"""The jury's next steps: what each phase allows, the way to the next phase, panel settings,
adding or inviting a juror, accepting with fewer reviews than required."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Affiliation, Invitation
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Call, Submission
from learningcities.common.models import ActivityLogEntry
from learningcities.reviews.domain.decisions import finish_review
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.panels import advance_phase, set_reviews_per_submission
from learningcities.reviews.domain.queries.phases import phase_status
from learningcities.reviews.domain.queries.reviews import phase_in_force
from learningcities.reviews.models import Panel, ReviewPhase
from tests.accounts.factories import person_with_role
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review
from tests.reviews.scoring_helpers import Jury, client_for, secretary_with_totp

S = SubmissionState
pytestmark = pytest.mark.django_db


def _deliberation(panel: Panel, *, days: int = 20) -> ReviewPhase:
    """A second phase after the panel's "Scoring": the secretariat moves submissions on."""
    scoring = panel.phases.get()
    return ReviewPhase.objects.create(
        panel=panel,
        name="Deliberation",
        order=1,
        starts_at=scoring.ends_at,
        ends_at=scoring.ends_at + dt.timedelta(days=days),
        may_review=False,
        may_change_state=True,
    )


def _panel_url(name: str, call: Call, **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"call_pk": call.pk, **kwargs})


# --- what the phase allows, and the next step -----------------------------------------------


def test_phase_status_says_what_scoring_allows_and_until_when():
    panel = make_panel(membership_call())
    ReviewPhase.objects.filter(panel=panel).update(
        ends_at=dt.datetime(2099, 3, 12, 12, tzinfo=dt.UTC)
    )
    _deliberation(panel)

    status = phase_status(panel)

    assert status.summary == (
        "Scoring: jurors score their assigned applications until 12 Mar 2099."
    )
    assert status.next_step == "Close “Scoring” and open “Deliberation”"


def test_phase_status_without_a_phase_in_force_offers_to_open_the_next():
    panel = make_panel(membership_call())
    later = timezone.now() + dt.timedelta(days=30)
    panel.phases.update(starts_at=later, ends_at=later + dt.timedelta(days=5))

    status = phase_status(panel)

    assert status.current is None
    assert status.summary.startswith("No review phase is in force: “Scoring” opens on ")
    assert status.next_step == "Open “Scoring” now"


def test_advance_phase_closes_scoring_and_opens_deliberation_now():
    panel = make_panel(membership_call())
    deliberation = _deliberation(panel)
    secretary = secretary_with_totp()

    opened = advance_phase(panel, actor=secretary)

    assert opened == deliberation
    assert phase_in_force(panel) == deliberation
    assert panel.phases.get(name="Scoring").ends_at <= timezone.now()
    entry = ActivityLogEntry.objects.get(action="reviews.phase.advance")
    assert entry.changes["opened"] == ["Scoring", "Deliberation"]


def test_advance_phase_refused_when_no_phase_follows():
    panel = make_panel(membership_call())

    with pytest.raises(ReviewError) as refused:
        advance_phase(panel, actor=None)

    assert refused.value.code == "no_next_phase"
    assert phase_in_force(panel).name == "Scoring"


def test_phase_advance_view_returns_to_the_page_it_came_from():
    call = membership_call()
    panel = make_panel(call)
    _deliberation(panel)
    client = client_for(secretary_with_totp())
    ranking = reverse("reviews:ranking", kwargs={"call_pk": call.pk})

    response = client.post(_panel_url("phase-advance", call), {"next": ranking})

    assert response.status_code == 302
    assert response["Location"] == ranking
    assert phase_in_force(panel).name == "Deliberation"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "-1"])
def test_phase_advance_view_ignores_a_next_address_off_the_site(target):
    call = membership_call()
    _deliberation(make_panel(call))
    client = client_for(secretary_with_totp())

    response = client.post(_panel_url("phase-advance", call), {"next": target})

    assert response["Location"] == _panel_url("panel", call)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER])
def test_phase_advance_view_refused_to_other_roles(role):
    call = membership_call()
    panel = make_panel(call)
    _deliberation(panel)

    response = client_for(person_with_role(role, totp=True)).post(_panel_url("phase-advance", call))

    assert response.status_code == 403
    assert phase_in_force(panel).name == "Scoring"


def test_phase_advance_view_refused_to_a_juror():
    jury = Jury()
    _deliberation(jury.panel)

    response = client_for(jury.juror).post(_panel_url("phase-advance", jury.cast.call))

    assert response.status_code == 403
    assert phase_in_force(jury.panel).name == "Scoring"


@pytest.mark.parametrize(
    "name", ["panel", "ranking", "phase-create"], ids=["overview", "ranking", "phase"]
)
def test_secretariat_pages_say_the_phase_and_offer_the_next(name):
    jury = Jury()
    _deliberation(jury.panel)
    client = client_for(secretary_with_totp())

    body = client.get(_panel_url(name, jury.cast.call)).content.decode()

    assert "Scoring: jurors score their assigned applications until" in body
    assert "Close “Scoring” and open “Deliberation”" in body


def test_juror_pages_say_the_phase_without_the_button():
    jury = Jury()
    _deliberation(jury.panel)
    client = client_for(jury.juror)

    for url in (
        reverse("reviews:jury-workspace"),
        reverse("reviews:jury-review", kwargs={"pk": jury.submission.pk}),
    ):
        body = client.get(url).content.decode()
        assert "Scoring: jurors score their assigned applications until" in body, url
        assert "open “Deliberation”" not in body, url


def test_finish_reviews_during_scoring_answers_one_message_and_the_way_forward():
    call = membership_call()
    panel = make_panel(call)
    _deliberation(panel)
    casts = casts_in_review(call, ["IE", "FR", "DE", "KE"])
    client = client_for(secretary_with_totp())

    response = client.post(
        reverse("reviews:decisions-finish", kwargs={"pk": call.pk}),
        {"submission": [submission.pk for _cast, submission in casts], "reason": "On paper."},
    )

    body = response.content.decode()
    assert response.status_code == 409
    refusal = "The phase “Scoring” does not allow finishing reviews or staging decisions."
    assert body.count(refusal) == 1
    assert "Close “Scoring” and open “Deliberation”" in body
    assert set(Submission.objects.filter(call=call).values_list("state", flat=True)) == {
        S.IN_REVIEW
    }


def test_finish_reviews_after_advancing_the_phase_succeeds():
    call = membership_call()
    panel = make_panel(call)
    _deliberation(panel)
    [(_cast, submission)] = casts_in_review(call, ["IE"])
    secretary = secretary_with_totp()
    client = client_for(secretary)
    client.post(_panel_url("phase-advance", call))

    response = client.post(
        reverse("reviews:decisions-finish", kwargs={"pk": call.pk}),
        {"submission": [submission.pk], "reason": "On paper."},
    )

    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).state == S.REVIEWED


# --- accepting with fewer reviews than required ---------------------------------------------


def _reviewed_with_one_review(call):
    panel = make_panel(call)
    _deliberation(panel, days=20)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    rename_city(cast, "Cork")
    submitted_review(assign(panel, submission, make_juror(panel, "BR")), {}, comment="Good.")
    advance_phase(panel, actor=None)
    finish_review(submission, actor=cast.secretary, reason="One juror fell ill.")
    return submission


def test_accept_with_fewer_reviews_without_reason_asks_for_one():
    call = membership_call(min_reviews=2)
    submission = _reviewed_with_one_review(call)
    client = client_for(secretary_with_totp())

    response = client.post(
        reverse("reviews:decisions-decide", kwargs={"pk": call.pk}),
        {"submission": submission.pk, "decision": "accepted"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Cork has 1 submitted reviews of the 2 the call asks for" in body
    assert f'href="#id_reason-{submission.pk}"' in body
    assert f'id="id_reason-{submission.pk}"' in body
    assert Submission.objects.get(pk=submission.pk).state == S.REVIEWED


def test_accept_with_fewer_reviews_and_a_reason_records_it_in_the_activity_log():
    call = membership_call(min_reviews=2)
    submission = _reviewed_with_one_review(call)
    client = client_for(secretary_with_totp())

    response = client.post(
        reverse("reviews:decisions-decide", kwargs={"pk": call.pk}),
        {"submission": submission.pk, "decision": "accepted", "reason": "Outstanding dossier."},
    )

    assert response.status_code == 302
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.DECIDED, Decision.ACCEPTED)
    entry = ActivityLogEntry.objects.get(action="reviews.decision.few_reviews")
    assert entry.changes == {"reviews": [2, 1], "reason": [None, "Outstanding dossier."]}
    assert entry.organisation is None


def test_reject_with_fewer_reviews_needs_no_reason():
    call = membership_call(min_reviews=2)
    submission = _reviewed_with_one_review(call)
    client = client_for(secretary_with_totp())

    response = client.post(
        reverse("reviews:decisions-decide", kwargs={"pk": call.pk}),
        {"submission": submission.pk, "decision": "rejected"},
    )

    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).decision == Decision.REJECTED


# --- panel settings -------------------------------------------------------------------------


def _settings(**overrides) -> dict:
    return {
        "form": "settings",
        "score_min": 1,
        "score_max": 5,
        "level_descriptors": "",
        "max_load": 30,
        "normalise_min_reviews": 5,
        "disagreement_spread": "1.50",
        "min_reviews": 3,
        "reminder_days": 3,
        **overrides,
    }


def test_panel_page_sets_reviews_per_submission_and_reminder_days():
    call = membership_call()
    panel = make_panel(call)
    client = client_for(secretary_with_totp())

    response = client.post(_panel_url("panel", call), _settings(min_reviews=4, reminder_days=0))

    assert response.status_code == 302
    assert Call.objects.get(pk=call.pk).min_reviews == 4
    assert Panel.objects.get(pk=panel.pk).reminder_days == 0
    entry = ActivityLogEntry.objects.get(action="reviews.panel.reviews_per_submission")
    assert entry.changes == {"min_reviews": [3, 4]}


def test_panel_page_refuses_zero_reviews_per_submission_with_a_summary():
    call = membership_call()
    make_panel(call)
    client = client_for(secretary_with_totp())

    response = client.post(_panel_url("panel", call), _settings(min_reviews=0))

    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert Call.objects.get(pk=call.pk).min_reviews == 3


def test_set_reviews_per_submission_refuses_out_of_range():
    panel = make_panel(membership_call())

    with pytest.raises(ReviewError) as refused:
        set_reviews_per_submission(panel, actor=None, count=21)

    assert refused.value.code == "min_reviews_invalid"


# --- adding or inviting a juror -------------------------------------------------------------


def test_juror_add_page_finds_a_juror_of_another_panel_by_e_mail_and_adds_them():
    call = membership_call()
    panel = make_panel(call)
    other_panel = make_panel(membership_call(title="Another call"))
    expert = make_juror(other_panel, "DE", email="ada.expert@example.org", name="Ada Expert")
    client = client_for(secretary_with_totp())

    found = client.get(_panel_url("juror-add", call), {"q": "ada.expert"})
    response = client.post(_panel_url("juror-add", call), {"action": "add", "person": expert.pk})

    assert "Ada Expert" in found.content.decode()
    assert response.status_code == 302
    assert Affiliation.objects.filter(
        user=expert, organisation=panel.organisation, role=Role.JUROR
    ).exists()
    assert ActivityLogEntry.objects.filter(action="reviews.panel.juror_add").count() == 1


def test_juror_add_refuses_a_person_without_the_juror_role():
    call = membership_call()
    panel = make_panel(call)
    coordinator = person_with_role(Role.COORDINATOR)
    client = client_for(secretary_with_totp())

    found = client.get(_panel_url("juror-add", call), {"q": coordinator.email})
    response = client.post(
        _panel_url("juror-add", call), {"action": "add", "person": coordinator.pk}
    )

    assert found.context["candidates"] == []
    assert "Nobody with the juror role matches" in found.content.decode()
    assert response.status_code == 400
    assert not Affiliation.objects.filter(user=coordinator, organisation=panel.organisation)


def test_juror_add_page_invites_a_new_juror_to_the_panel_organisation():
    call = membership_call()
    panel = make_panel(call)
    client = client_for(secretary_with_totp())

    response = client.post(
        _panel_url("juror-add", call), {"action": "invite", "email": "new.juror@example.org"}
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.juror@example.org")
    assert (invitation.organisation, invitation.role) == (panel.organisation, Role.JUROR)


def test_juror_add_page_shows_a_bad_address_in_the_error_summary():
    call = membership_call()
    make_panel(call)
    client = client_for(secretary_with_totp())

    response = client.post(_panel_url("juror-add", call), {"action": "invite", "email": "nope"})

    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body
    assert 'href="#id_email"' in body
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_juror_add_page_refused_to_other_roles(role):
    call = membership_call()
    make_panel(call)
    client = client_for(person_with_role(role, totp=True))

    assert client.get(_panel_url("juror-add", call)).status_code == 403
    response = client.post(
        _panel_url("juror-add", call), {"action": "invite", "email": "x@example.org"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_juror_add_search_queries_do_not_grow_with_candidates(count, django_assert_num_queries):
    call = membership_call()
    make_panel(call)
    other_panel = make_panel(membership_call(title="Another call"))
    for index in range(count):
        make_juror(other_panel, "DE", email=f"expert{index}@example.org")
    client = client_for(secretary_with_totp())
    url = _panel_url("juror-add", call)
    client.get(url, {"q": "expert"})

    with django_assert_num_queries(JUROR_ADD_QUERIES):
        response = client.get(url, {"q": "expert"})

    assert len(response.context["candidates"]) == count


# The person, the call, its panel, the candidates, the jurors: whatever the candidates.
JUROR_ADD_QUERIES = 6


def test_cached_ranking_page_shows_the_new_phase_after_advancing():
    jury = Jury()
    _deliberation(jury.panel)
    client = client_for(secretary_with_totp())
    url = reverse("reviews:ranking", kwargs={"call_pk": jury.cast.call.pk})
    client.get(url)  # drawn and cached under Scoring

    client.post(_panel_url("phase-advance", jury.cast.call), {"next": url})
    client.get(url)  # with the success message: drawn afresh, not cached
    body = client.get(url).content.decode()

    assert "Deliberation: the secretariat finishes the reviews and stages the decisions" in body
    assert "Close “Scoring”" not in body


def test_cached_ranking_page_carries_each_persons_own_csrf_token():
    jury = Jury()
    _deliberation(jury.panel)
    url = reverse("reviews:ranking", kwargs={"call_pk": jury.cast.call.pk})
    clients = []
    for _index in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(secretary_with_totp())
        clients.append(client)
    first, second = clients
    first.get(url)  # drawn for the first person, then served from the cache

    body = second.get(url).content.decode()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = second.post(
        _panel_url("phase-advance", jury.cast.call), {"next": url, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert phase_in_force(jury.panel).name == "Deliberation"
