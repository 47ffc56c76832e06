"""Panels and phases (domain), the secretariat's jury pages and the juror's ties and recusal."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import OrganisationKind
from learningcities.calls.enums import SubmissionState
from learningcities.common.models import ActivityLogEntry
from learningcities.reviews.domain.conflicts import record_tie
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.panels import (
    add_phase,
    create_panel,
    remove_phase,
    update_panel_settings,
    update_phase,
)
from learningcities.reviews.enums import OtherReviews, ReviewState, TieKind, TieSource
from learningcities.reviews.models import Assignment, JurorTie, Panel, Recusal, Review
from tests.accounts.factories import organisation
from tests.calls.factories import Cast, make_call, secretary, submission_in
from tests.factories import country
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

S = SubmissionState
pytestmark = pytest.mark.django_db


def _hours(n: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=n)


# --- panels ---------------------------------------------------------------------------------


def test_create_panel_makes_panel_organisation():
    call = make_call()

    panel = create_panel(call, actor=None, max_load=12, level_descriptors={1: "Absent"})

    assert panel.organisation.kind == OrganisationKind.PANEL
    assert panel.organisation.name == f"Jury of {call}"
    assert (panel.max_load, panel.level_descriptors) == (12, {"1": "Absent"})
    assert ActivityLogEntry.objects.filter(action="reviews.panel.create").count() == 1


def test_create_panel_refuses_second_panel_for_call():
    call = make_call()
    create_panel(call, actor=None)

    with pytest.raises(ReviewError) as refused:
        create_panel(call, actor=None)

    assert refused.value.code == "panel_exists"


def test_create_panel_refuses_organisation_not_a_panel():
    with pytest.raises(ReviewError) as refused:
        create_panel(
            make_call(), organisation=organisation(OrganisationKind.SECRETARIAT), actor=None
        )

    assert refused.value.code == "not_a_panel"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"score_min": 5, "score_max": 5}, "scale_invalid"),
        ({"level_descriptors": {"6": "Beyond"}}, "descriptors_outside_scale"),
        ({"level_descriptors": {"one": "Bad"}}, "descriptors_invalid"),
        ({"max_load": 0}, "max_load_invalid"),
        ({"normalise_min_reviews": 1}, "normalise_min_invalid"),
        ({"disagreement_spread": "0"}, "spread_invalid"),
        ({"colour": "red"}, "unknown_setting"),
    ],
)
def test_create_panel_refuses_bad_settings(changes, code):
    with pytest.raises(ReviewError) as refused:
        create_panel(make_call(), actor=None, **changes)

    assert refused.value.code == code
    assert Panel.objects.count() == 0


def test_update_panel_settings_bumps_revision_for_figure_settings():
    panel = make_panel(make_call())

    update_panel_settings(panel, actor=None, disagreement_spread="2.00")

    panel.refresh_from_db()
    assert (str(panel.disagreement_spread), panel.scores_revision) == ("2.00", 1)
    assert ActivityLogEntry.objects.filter(action="reviews.panel.update").count() == 1


def test_update_panel_settings_refuses_new_scale_once_scored():
    call = make_call()
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.IN_REVIEW)
    criterion = call.framework.criteria.first()
    submitted_review(assign(panel, submission, make_juror(panel, "FR")), {criterion: 3})

    with pytest.raises(ReviewError) as refused:
        update_panel_settings(panel, actor=None, score_max=10)

    assert refused.value.code == "scale_locked"


# --- phases ---------------------------------------------------------------------------------


def test_add_phase_orders_after_last():
    panel = make_panel(make_call())

    phase = add_phase(
        panel, actor=None, name="Deliberation", starts_at=_hours(1), ends_at=_hours(5)
    )

    assert (phase.order, phase.sees_other_reviews) == (1, OtherReviews.AFTER_OWN)
    assert ActivityLogEntry.objects.filter(action="reviews.phase.add").count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"starts_at": _hours(5), "ends_at": _hours(1)}, "dates_order"),
        ({"starts_at": dt.datetime(2030, 1, 1), "ends_at": dt.datetime(2030, 2, 1)}, "dates_naive"),
        ({"name": " "}, "name_missing"),
        ({"sees_other_reviews": "sometimes"}, "sees_other_reviews_invalid"),
    ],
)
def test_add_phase_refuses_bad_input(fields, code):
    panel = make_panel(make_call())
    data = {"name": "Scoring", "starts_at": _hours(1), "ends_at": _hours(5), **fields}

    with pytest.raises(ReviewError) as refused:
        add_phase(panel, actor=None, **data)

    assert refused.value.code == code


def test_update_phase_and_remove_phase():
    panel = make_panel(make_call())
    phase = panel.phases.get()

    update_phase(phase, actor=None, sees_other_reviews=OtherReviews.ALWAYS, may_review=False)
    phase.refresh_from_db()
    remove_phase(phase, actor=None)

    assert (phase.sees_other_reviews, phase.may_review) == (OtherReviews.ALWAYS, False)
    assert panel.phases.count() == 0


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    from learningcities.accounts.domain.users import activate_totp
    from tests.accounts.factories import TOTP_SECRET

    member = secretary()
    activate_totp(member, secret=TOTP_SECRET)
    client.force_login(member)
    client.member = member
    return client


def test_panel_page_creates_panel(staff_client):
    call = make_call()
    url = reverse("reviews:panel", kwargs={"call_pk": call.pk})

    response = staff_client.post(
        url,
        {
            "form": "create",
            "organisation_name": "Expert jury 2026",
            "score_min": 1,
            "score_max": 5,
            "level_descriptors": "1: Not addressed\n5: Fully addressed",
            "max_load": 30,
            "normalise_min_reviews": 5,
            "disagreement_spread": "1.50",
        },
    )

    panel = Panel.objects.get(call=call)
    assert response.status_code == 302
    assert (panel.organisation.name, panel.max_load) == ("Expert jury 2026", 30)
    assert panel.level_descriptors == {"1": "Not addressed", "5": "Fully addressed"}


def test_panel_page_refuses_bad_descriptors_with_400(staff_client):
    panel = make_panel(make_call())
    url = reverse("reviews:panel", kwargs={"call_pk": panel.call_id})

    response = staff_client.post(
        url,
        {
            "form": "settings",
            "score_min": 1,
            "score_max": 5,
            "level_descriptors": "9: Off the scale",
            "max_load": 30,
            "normalise_min_reviews": 5,
            "disagreement_spread": "1.50",
        },
    )

    assert response.status_code == 400
    assert "outside the scale" in response.content.decode()


def _panel_with_jurors(n: int):
    call = make_call()
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.IN_REVIEW)
    jurors = []
    for _index in range(n):
        juror = make_juror(panel, "FR")
        record_tie(juror, kind=TieKind.WORK, country=country("KE"), actor=None)
        assign(panel, submission, juror)
        jurors.append(juror)
    # The last juror learns of a tie after the assignment: a conflicted assignment.
    record_tie(jurors[-1], kind=TieKind.RESIDENCE, country=country("IE"), actor=None)
    return panel, submission, jurors


@pytest.mark.parametrize("n", [1, 3])
def test_panel_page_lists_jurors_and_conflicted_assignments_in_constant_queries(
    staff_client, django_assert_num_queries, n
):
    panel, _submission, jurors = _panel_with_jurors(n)
    url = reverse("reviews:panel", kwargs={"call_pk": panel.call_id})
    staff_client.get(url)  # the session and the user are read once per request anyway

    with django_assert_num_queries(PANEL_PAGE_QUERIES):
        response = staff_client.get(url)

    body = response.content.decode()
    assert response.context["conflicted"][0][0].juror == jurors[-1]
    assert [juror.assigned for juror in response.context["jurors"]] == [1] * n
    assert body.count("Country of work: Kenya") == n


PANEL_PAGE_QUERIES = 15
SUBMISSION_PAGE_QUERIES = 13


@pytest.mark.parametrize("n", [1, 3])
def test_submission_page_explains_conflicts_in_constant_queries(
    staff_client, django_assert_num_queries, n
):
    panel, submission, _jurors = _panel_with_jurors(n)
    irish = make_juror(panel, "IE")
    url = reverse(
        "reviews:panel-submission", kwargs={"call_pk": panel.call_id, "pk": submission.pk}
    )
    staff_client.get(url)

    with django_assert_num_queries(SUBMISSION_PAGE_QUERIES):
        response = staff_client.get(url)

    rows = {row["juror"].pk: row for row in response.context["rows"]}
    assert rows[irish.pk]["conflicts"] == ["Nationality"]
    assert rows[irish.pk]["assignable"] is False
    assert "In conflict: Nationality" in response.content.decode()


def test_submission_page_assigns_juror_and_refuses_conflicted(staff_client):
    call = make_call()
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.ELIGIBLE)
    french, irish = make_juror(panel, "FR"), make_juror(panel, "IE")
    url = reverse("reviews:panel-submission", kwargs={"call_pk": call.pk, "pk": submission.pk})

    ok = staff_client.post(url, {"action": "assign", "juror": french.pk})
    refused = staff_client.post(url, {"action": "assign", "juror": irish.pk})

    submission.refresh_from_db()
    # 409 (code conflicted): the juror's ties refuse it now (common.errors.http_status).
    assert (ok.status_code, refused.status_code) == (302, 409)
    assert list(Assignment.objects.values_list("juror", flat=True)) == [french.pk]
    assert submission.state == S.IN_REVIEW
    assert "conflict of interest" in refused.content.decode()


def test_submission_page_records_recusal(staff_client):
    call = make_call()
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.IN_REVIEW)
    juror = make_juror(panel, "FR")
    assign(panel, submission, juror)
    url = reverse("reviews:panel-submission", kwargs={"call_pk": call.pk, "pk": submission.pk})

    response = staff_client.post(url, {"action": "recuse", "juror": juror.pk, "reason": "Advisor."})

    assert response.status_code == 302
    assert (Recusal.objects.get().juror, Assignment.objects.count()) == (juror, 0)


def test_auto_assign_page_shows_report(staff_client):
    call = make_call(min_reviews=2)
    panel = make_panel(call)
    submission = submission_in(Cast(call, "IE"), S.ELIGIBLE)
    make_juror(panel, "FR")
    url = reverse("reviews:auto-assign", kwargs={"call_pk": call.pk})

    response = staff_client.post(url)

    body = response.content.decode()
    assert response.status_code == 200
    assert "only 1 juror is free of conflicts with" in body
    assert str(submission.city) in body
    assert Assignment.objects.count() == 1


def test_juror_page_adds_tie_from_secretariat(staff_client):
    panel = make_panel(make_call())
    juror = make_juror(panel, "FR")
    url = reverse("reviews:panel-juror", kwargs={"call_pk": panel.call_id, "pk": juror.pk})

    response = staff_client.post(
        url, {"action": "add", "kind": TieKind.WORK, "country": "KE", "reason": ""}
    )

    tie = JurorTie.objects.get()
    assert response.status_code == 302
    assert (tie.juror, tie.country_id, tie.source) == (juror, "KE", TieSource.SECRETARIAT)


@pytest.fixture
def juror_client(client):
    panel = make_panel(make_call())
    juror = make_juror(panel, "FR")
    client.force_login(juror)
    client.juror = juror
    client.panel = panel
    return client


@pytest.mark.parametrize("n", [1, 3])
def test_own_ties_page_lists_ties_in_constant_queries(juror_client, django_assert_num_queries, n):
    juror = juror_client.juror
    codes = ["KE", "BR", "JP"][:n]
    for code in codes:
        record_tie(
            juror, kind=TieKind.DECLARED, country=country(code), reason="Family.", actor=juror
        )
    record_tie(juror, kind=TieKind.WORK, country=country("CL"), actor=secretary())
    url = reverse("reviews:ties")
    juror_client.get(url)

    with django_assert_num_queries(OWN_TIES_QUERIES):
        response = juror_client.get(url)

    assert len(response.context["declared"]) == n
    assert [tie.country_id for tie in response.context["added"]] == ["CL"]


OWN_TIES_QUERIES = 5


def test_own_ties_page_declares_tie_to_city(juror_client):
    call = make_call()
    submission = submission_in(Cast(call, "IE"), S.IN_REVIEW)

    response = juror_client.post(
        reverse("reviews:ties"),
        {
            "action": "add",
            "kind": TieKind.DECLARED,
            "city": submission.city_id,
            "reason": "Lived there.",
        },
    )

    tie = JurorTie.objects.get()
    assert response.status_code == 302
    assert (tie.city_id, tie.source, tie.recorded_by) == (
        submission.city_id,
        TieSource.JUROR,
        juror_client.juror,
    )


def test_own_ties_page_refuses_declared_tie_without_reason(juror_client):
    response = juror_client.post(
        reverse("reviews:ties"), {"action": "add", "kind": TieKind.DECLARED, "country": "KE"}
    )

    assert response.status_code == 400
    assert JurorTie.objects.count() == 0


def test_recuse_page_recuses_juror_from_assigned_submission(juror_client):
    panel = juror_client.panel
    submission = submission_in(Cast(panel.call, "IE"), S.IN_REVIEW)
    assignment = assign(panel, submission, juror_client.juror)
    Review.objects.create(assignment=assignment, state=ReviewState.DRAFT)
    url = reverse("reviews:recuse", kwargs={"pk": submission.pk})

    response = juror_client.post(url, {"reason": "My sister works for the city."})
    again = juror_client.get(url)

    assert response.status_code == 302
    assert again.status_code == 404
    assert (Recusal.objects.get().reason, Assignment.objects.count()) == (
        "My sister works for the city.",
        0,
    )


def test_recuse_page_needs_reason(juror_client):
    panel = juror_client.panel
    submission = submission_in(Cast(panel.call, "IE"), S.IN_REVIEW)
    assign(panel, submission, juror_client.juror)

    response = juror_client.post(reverse("reviews:recuse", kwargs={"pk": submission.pk}), {})

    assert response.status_code == 400
    assert Recusal.objects.count() == 0


@pytest.mark.parametrize("n", [1, 3])
def test_juror_page_lists_ties_and_assignments_in_constant_queries(
    staff_client, django_assert_num_queries, n
):
    call = make_call()
    panel = make_panel(call)
    juror = make_juror(panel, "FR")
    for code in ["IE", "DE", "IT"][:n]:
        assign(panel, submission_in(Cast(call, code), S.IN_REVIEW), juror)
    for code in ["KE", "BR", "JP"][:n]:
        record_tie(juror, kind=TieKind.WORK, country=country(code), actor=None)
    url = reverse("reviews:panel-juror", kwargs={"call_pk": call.pk, "pk": juror.pk})
    staff_client.get(url)

    with django_assert_num_queries(JUROR_PAGE_QUERIES):
        response = staff_client.get(url)

    assert (len(response.context["ties"]), len(response.context["assignments"])) == (n, n)


JUROR_PAGE_QUERIES = 8
