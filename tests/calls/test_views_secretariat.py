"""The secretariat's calls: list, new call, dashboard, CSV export and screening."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.domain.eligibility import manual_check_code
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, ManualCheck, Submission
from learningcities.calls.views import secretariat as secretariat_views
from learningcities.common.models import ActivityLogEntry
from learningcities.network.enums import Region
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, endorser_of, make_call, small_framework, submission_in

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _dashboard_url(call, **query):
    url = reverse("calls:secretariat-call", kwargs={"pk": call.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _screening_url(submission):
    return reverse("calls:secretariat-submission", kwargs={"pk": submission.pk})


# Call list


def test_call_list_shows_calls_with_counts_by_state(client, cast, staff):
    submission_in(cast, S.SUBMITTED)
    submission_in(Cast(call=cast.call), S.ENDORSED)

    response = client.get(reverse("calls:secretariat-calls"))

    assert response.status_code == 200
    [call] = response.context["calls"]
    counts = dict(call.state_counts)
    assert (call.n_total, counts[S.SUBMITTED.label], counts[S.ENDORSED.label]) == (2, 1, 1)
    assert _dashboard_url(cast.call) in response.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_call_pages_refuse_everyone_but_the_secretariat(client, cast, role):
    submission = submission_in(cast, S.ENDORSED)
    person = endorser_of("IE") if role == Role.ENDORSER else None
    client.force_login(person or person_with_role(role, totp=role == Role.JUROR))

    urls = [
        reverse("calls:secretariat-calls"),
        reverse("calls:secretariat-call-create"),
        _dashboard_url(cast.call),
        reverse("calls:secretariat-call-export", kwargs={"pk": cast.call.pk}),
        _screening_url(submission),
    ]

    assert [client.get(url).status_code for url in urls] == [403] * 5


@pytest.mark.parametrize("count", [1, 3])
def test_call_list_query_count_does_not_grow(client, staff, django_assert_num_queries, count):
    framework = small_framework()
    for index in range(count):
        call = make_call(framework=framework, title=f"Call {index}")
        submission_in(Cast(call=call), S.SUBMITTED)
    client.get(reverse("calls:secretariat-calls"))

    # session, user, calls with counts (the roles and the second factor come
    # from the session's snapshot)
    with django_assert_num_queries(3):
        response = client.get(reverse("calls:secretariat-calls"))

    assert len(response.context["calls"]) == count


# New call


def _call_data(**overrides):
    return {
        "kind": "membership",
        "title": "Membership 2027",
        "framework": small_framework().pk,
        "opens": "2027-01-10T09:00",
        "closes": "2027-03-31T23:59",
        "time_zone": "Asia/Tokyo",
        "language": "fr",
        "endorsement_days": "21",
        "deadline_action": "escalate",
        "quota_per_country": "2",
        "population_minimum": "50000",
        "require_not_member": "on",
        "manual_checks": "Mayor's letter signed\n\nBudget attached\n",
        **overrides,
    }


def test_call_create_form_is_shown_with_labels(client, staff):
    response = client.get(reverse("calls:secretariat-call-create"))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_time_zone"' in content
    assert 'value="Europe/Paris"' in content


def test_call_create_makes_the_call_in_its_time_zone(client, staff):
    response = client.post(reverse("calls:secretariat-call-create"), _call_data())

    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _dashboard_url(call)
    assert call.opens_at == dt.datetime(2027, 1, 10, 0, 0, tzinfo=dt.UTC)
    assert call.closes_at == dt.datetime(2027, 3, 31, 14, 59, tzinfo=dt.UTC)
    assert (call.time_zone, call.language, call.endorsement_days) == ("Asia/Tokyo", "fr", 21)
    assert (call.deadline_action, call.quota_per_country) == ("escalate", 2)
    assert (call.population_minimum, call.require_not_member) == (50000, True)
    assert call.manual_checks == ["Mayor's letter signed", "Budget attached"]
    assert ActivityLogEntry.objects.filter(action="calls.call.create", actor=staff).exists()


def test_call_create_refuses_a_window_that_closes_before_it_opens(client, staff):
    response = client.post(
        reverse("calls:secretariat-call-create"), _call_data(closes="2026-12-01T00:00")
    )

    assert response.status_code == 400
    assert not Call.objects.exists()
    assert "The call must close after it opens." in response.content.decode()


def test_call_create_shows_the_domain_error(client, staff):
    response = client.post(
        reverse("calls:secretariat-call-create"),
        _call_data(manual_checks="Letter signed\nletter   signed"),
    )

    assert response.status_code == 400
    assert not Call.objects.exists()
    assert "are the same check" in response.content.decode()


def test_call_create_names_a_missing_title(client, staff):
    response = client.post(reverse("calls:secretariat-call-create"), _call_data(title=""))

    assert response.status_code == 400
    assert 'aria-describedby="id_title_error"' in response.content.decode()


# Dashboard


def _spread(call):
    """Submissions of ``call``: IE submitted and endorsed, FR submitted, JP a draft."""
    irish = submission_in(Cast(call=call), S.SUBMITTED)
    endorsed = submission_in(Cast(call=call), S.ENDORSED)
    french = submission_in(Cast(call=call, country_code="FR"), S.SUBMITTED)
    japanese = Cast(call=call, country_code="JP").draft(complete=False)
    return irish, endorsed, french, japanese


def test_dashboard_counts_by_state_region_and_country(client, staff):
    call = make_call()
    _spread(call)

    response = client.get(_dashboard_url(call))

    counts = response.context["counts"]
    states = dict(counts.by_state)
    assert (states[S.SUBMITTED.label], states[S.ENDORSED.label], states[S.DRAFT.label]) == (
        2,
        1,
        1,
    )
    assert dict(counts.by_region) == {
        Region.EUROPE_NORTH_AMERICA.label: 3,
        Region.ASIA_PACIFIC.label: 1,
    }
    assert dict(counts.by_country) == {"Ireland": 2, "France": 1, "Japan": 1}
    assert counts.total == 4
    content = response.content.decode()
    assert "<tr><td>France</td><td>1</td></tr>" in content
    assert reverse("calls:secretariat-call-export", kwargs={"pk": call.pk}) in content


def test_dashboard_counts_follow_a_transition(client, staff):
    call = make_call()
    irish, _endorsed, _french, _japanese = _spread(call)
    before = client.get(_dashboard_url(call))
    Cast(call=call).move(irish, S.ENDORSED)

    after = client.get(_dashboard_url(call))

    by_state_before = dict(before.context["counts"].by_state)
    by_state_after = dict(after.context["counts"].by_state)
    assert (by_state_before[S.ENDORSED.label], by_state_after[S.ENDORSED.label]) == (1, 2)
    assert before.context["counts"].digest != after.context["counts"].digest
    # The cached tables are drawn again for the new counts, not served stale.
    endorsed_row = f"<tr><td>{S.ENDORSED.label}</td><td>2</td></tr>"
    assert endorsed_row not in before.content.decode()
    assert endorsed_row in after.content.decode()


def test_dashboard_counts_tables_follow_the_language(client, staff):
    call = make_call()
    _spread(call)
    english = client.get(_dashboard_url(call))

    french = client.get("/fr" + _dashboard_url(call))

    assert "<tr><td>Ireland</td><td>2</td></tr>" in english.content.decode()
    assert "<tr><td>Irlande</td><td>2</td></tr>" in french.content.decode()
    assert "<tr><td>Ireland</td>" not in french.content.decode()


def test_dashboard_lists_overdue_endorsements(client, staff):
    call = make_call()
    _irish, _endorsed, french, _draft = _spread(call)
    Submission.objects.filter(pk=french.pk).update(
        endorsement_due_at=french.submitted_at - dt.timedelta(hours=1)
    )

    response = client.get(_dashboard_url(call))

    assert [row["pk"] for row in response.context["overdue"]] == [french.pk]
    assert response.context["overdue"][0]["country_name"] == "France"
    assert "No endorsement is overdue" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "submitted"}, {"irish", "french"}),
        ({"region": "asia_pacific"}, {"japanese"}),
        ({"country": "fr"}, {"french"}),
        ({"state": "submitted", "country": "IE"}, {"irish"}),
        ({}, {"irish", "endorsed", "french", "japanese"}),
    ],
)
def test_dashboard_filters_the_list(client, staff, query, expected):
    call = make_call()
    names = dict(zip(("irish", "endorsed", "french", "japanese"), _spread(call), strict=True))

    response = client.get(_dashboard_url(call, **query))

    page = response.context["page"]
    assert {row["pk"] for row in page.object_list} == {names[key].pk for key in expected}
    assert page.paginator.count == len(expected)


def test_dashboard_list_rows_show_city_country_and_state(client, staff):
    call = make_call()
    irish, *_others = _spread(call)

    response = client.get(_dashboard_url(call, country="IE", state="submitted"))

    [row] = response.context["page"].object_list
    assert (row["city_name"], row["country_name"], row["state_label"]) == (
        irish.city.name,
        "Ireland",
        S.SUBMITTED.label,
    )
    assert row["submitted"] == timezone.localtime(irish.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert row["due"] == timezone.localtime(irish.endorsement_due_at).strftime("%Y-%m-%d %H:%M")
    assert f'<a href="{_screening_url(irish)}">{irish.city.name}</a>' in response.content.decode()


def test_dashboard_of_a_missing_call_is_404(client, staff):
    response = client.get(reverse("calls:secretariat-call", kwargs={"pk": 999_999}))

    assert response.status_code == 404


def test_dashboard_with_invalid_filters_shows_their_errors_and_never_caches_them(client, staff):
    call = make_call()
    submission_in(Cast(call=call), SubmissionState.SUBMITTED)
    bad = _dashboard_url(call, state="nonsense", country="Ireland")

    first, again = client.get(bad), client.get(bad)
    plain = client.get(_dashboard_url(call)).content.decode()

    for response in (first, again):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Select a valid choice. nonsense is not one of the available choices." in page
        assert "Ensure this value has at most 2 characters" in page
    assert "Select a valid choice" not in plain


def _overdue_submissions(call, count: int) -> list[Submission]:
    """``count`` submitted applications of ``call`` (IE, FR, JP...), all past their deadline."""
    submissions = []
    for index in range(count):
        cast = Cast(call=call, country_code=("IE", "FR", "JP")[index % 3])
        submission = submission_in(cast, S.SUBMITTED)
        Submission.objects.filter(pk=submission.pk).update(
            endorsement_due_at=submission.submitted_at - dt.timedelta(hours=1 + index)
        )
        submissions.append(submission)
    return submissions


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count_does_not_grow(client, staff, django_assert_num_queries, count):
    call = make_call()
    _overdue_submissions(call, count)

    # session, user, the call's key columns, register revision; then, to draw
    # it: the call, by state, by region, by country, overdue, page (the counts
    # give the paginator its total), next deadline
    with django_assert_num_queries(11):
        drawn = client.get(_dashboard_url(call))
    # from the cache: the first four alone
    with django_assert_num_queries(4):
        cached = client.get(_dashboard_url(call))

    assert len(drawn.context["page"].object_list) == count
    assert len(drawn.context["overdue"]) == count
    # The page's main part (the header differs: its logout form has a new CSRF mask).
    assert cached.content.split(b"<main")[1] == drawn.content.split(b"<main")[1]


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_filtered_by_region_query_count_does_not_grow(
    client, staff, django_assert_num_queries, count
):
    call = make_call()
    _overdue_submissions(call, count)
    url = _dashboard_url(call, region="europe_north_america")

    # as above, and the paginator counts the region's submissions
    with django_assert_num_queries(12):
        response = client.get(url)
    with django_assert_num_queries(4):
        client.get(url)

    # IE; then IE, FR (Europe and North America) and JP (Asia and the Pacific)
    assert response.context["page"].paginator.count == {1: 1, 3: 2}[count]


def test_dashboard_second_page_keeps_the_filters_and_the_query_count(
    client, staff, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(secretariat_views, "PAGE_SIZE", 2)
    call = make_call()
    submissions = _overdue_submissions(call, 3)

    with django_assert_num_queries(11):
        first = client.get(_dashboard_url(call, state="submitted"))
    with django_assert_num_queries(11):
        second = client.get(_dashboard_url(call, state="submitted", page=2))
    with django_assert_num_queries(4):
        client.get(_dashboard_url(call, state="submitted", page=2))

    by_name = sorted(submissions, key=lambda s: (s.city.name, s.pk))
    assert [row["pk"] for row in first.context["page"].object_list] == [s.pk for s in by_name[:2]]
    assert [row["pk"] for row in second.context["page"].object_list] == [by_name[2].pk]
    first_content = first.content.decode()
    assert 'href="?state=submitted&amp;page=2" rel="next"' in first_content
    assert 'aria-label="Pages"' in first_content
    assert "Page 1 of 2" in first_content
    assert 'href="?state=submitted&amp;page=1" rel="prev"' in second.content.decode()


def test_dashboard_reads_no_answers(client, staff):
    call = make_call()
    _overdue_submissions(call, 3)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_dashboard_url(call))

    assert response.status_code == 200
    assert [q["sql"] for q in queries if "calls_answer" in q["sql"]] == []
    assert [q["sql"] for q in queries if '"motivation"' in q["sql"]] == []


# CSV export


def _export_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_one_row_per_submission(client, staff):
    call = make_call()
    irish, _endorsed, _french, japanese = _spread(call)

    response = client.get(reverse("calls:secretariat-call-export", kwargs={"pk": call.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="call-{call.pk}-submissions.csv"'
    )
    rows = _export_rows(response)
    assert len(rows) == 4
    by_id = {int(row["submission_id"]): row for row in rows}
    assert by_id[irish.pk]["city"] == irish.city.name
    assert by_id[irish.pk]["country_code"] == "IE"
    assert by_id[irish.pk]["region"] == "europe_north_america"
    assert by_id[irish.pk]["state"] == "submitted"
    assert by_id[irish.pk]["submitted_at"] == irish.submitted_at.isoformat(timespec="seconds")
    assert by_id[irish.pk]["completeness"] == "complete"
    assert by_id[japanese.pk]["completeness"] == "incomplete"
    assert int(by_id[japanese.pk]["missing_items"]) > 0
    assert by_id[japanese.pk]["submitted_at"] == ""


def test_export_streams_every_submission_past_the_page_size(client, staff, monkeypatch):
    monkeypatch.setattr(secretariat_views, "PAGE_SIZE", 2)
    monkeypatch.setattr(secretariat_views, "EXPORT_CHUNK", 2)
    call = make_call()
    submissions = [*_spread(call), *_overdue_submissions(call, 1)]

    response = client.get(reverse("calls:secretariat-call-export", kwargs={"pk": call.pk}))

    assert response.streaming is True
    rows = _export_rows(response)
    assert sorted(int(row["submission_id"]) for row in rows) == sorted(s.pk for s in submissions)


# Screening


def _screening_cast(**call_fields):
    cast = Cast(call=make_call(**call_fields))
    return cast, submission_in(cast, S.ENDORSED)


def test_screening_shows_checklist_manual_checks_and_history(client, staff):
    _cast, submission = _screening_cast(population_minimum=100_000, manual_checks=["Letter signed"])

    response = client.get(_screening_url(submission))

    content = response.content.decode()
    assert response.status_code == 200
    codes = [check.code for check in response.context["checklist"]]
    assert "population_minimum" in codes
    assert "manual.letter-signed" in codes
    assert "Letter signed" in content
    assert "To be checked" in content
    assert "Passed" in content
    assert 'value="eligible"' in content
    assert response.context["transitions"].count() == 2


def test_screening_of_a_missing_submission_is_404(client, staff):
    response = client.get(reverse("calls:secretariat-submission", kwargs={"pk": 999_999}))

    assert response.status_code == 404


def test_manual_check_is_recorded(client, staff):
    _cast, submission = _screening_cast(manual_checks=["Letter signed"])
    code = manual_check_code("Letter signed")

    response = client.post(
        _screening_url(submission),
        {
            "form": "manual",
            "code": code,
            f"{code}-code": code,
            f"{code}-passed": "yes",
            f"{code}-note": "Signed on 2 May.",
        },
    )

    row = ManualCheck.objects.get(submission=submission)
    assert response.status_code == 302
    assert (row.passed, row.note, row.checked_by) == (True, "Signed on 2 May.", staff)


def test_manual_check_needs_an_outcome(client, staff):
    _cast, submission = _screening_cast(manual_checks=["Letter signed"])
    code = manual_check_code("Letter signed")

    response = client.post(
        _screening_url(submission), {"form": "manual", "code": code, f"{code}-code": code}
    )

    assert response.status_code == 400
    assert not ManualCheck.objects.exists()


def test_manual_check_of_an_unknown_code_shows_the_domain_error(client, staff):
    _cast, submission = _screening_cast(manual_checks=["Letter signed"])

    response = client.post(
        _screening_url(submission),
        {
            "form": "manual",
            "code": "manual.x",
            "manual.x-code": "manual.x",
            "manual.x-passed": "no",
        },
    )

    assert response.status_code == 409
    assert "has no manual check" in response.content.decode()


def test_mark_eligible_when_every_check_passed(client, staff):
    _cast, submission = _screening_cast()

    response = client.post(_screening_url(submission), {"action": "eligible"})

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.state == S.ELIGIBLE


def test_mark_eligible_with_a_pending_check_shows_the_domain_error(client, staff):
    _cast, submission = _screening_cast(manual_checks=["Letter signed"])

    response = client.post(_screening_url(submission), {"action": "eligible"})

    submission.refresh_from_db()
    assert response.status_code == 409
    assert submission.state == S.ENDORSED
    assert "not eligible until every check passes" in response.content.decode()


def test_mark_ineligible_needs_a_reason(client, staff):
    _cast, submission = _screening_cast()

    response = client.post(_screening_url(submission), {"action": "ineligible"})

    submission.refresh_from_db()
    assert response.status_code == 400
    assert submission.state == S.ENDORSED
    assert "Say why" in response.content.decode()


def test_mark_ineligible_with_a_reason(client, staff):
    _cast, submission = _screening_cast()

    client.post(
        _screening_url(submission),
        {"action": "ineligible", "ineligible-comment": "Too small."},
    )

    submission.refresh_from_db()
    assert submission.state == S.INELIGIBLE
    assert submission.transitions.last().comment == "Too small."


def test_needs_changes_sends_it_back_with_comments(client, staff):
    _cast, submission = _screening_cast()

    client.post(
        _screening_url(submission),
        {"action": "needs_changes", "needs_changes-comment": "Sign the letter."},
    )

    submission.refresh_from_db()
    assert submission.state == S.NEEDS_CHANGES


def test_screening_action_out_of_state_shows_the_domain_error(client, staff, cast):
    submission = submission_in(cast, S.SUBMITTED)

    response = client.post(_screening_url(submission), {"action": "eligible"})

    submission.refresh_from_db()
    assert response.status_code == 409
    assert submission.state == S.SUBMITTED
    assert "cannot go from" in response.content.decode()


def test_unknown_screening_action_is_refused(client, staff):
    _cast, submission = _screening_cast()

    response = client.post(_screening_url(submission), {"action": "approve"})

    assert response.status_code == 400
    assert "Choose eligible, ineligible or needs changes" in response.content.decode()


def _escalated(call_fields=None):
    cast = Cast(call=make_call(deadline_action="escalate", **(call_fields or {})))
    submission = submission_in(cast, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(
        endorsement_due_at=submission.submitted_at - dt.timedelta(hours=1)
    )
    return cast, submission


def test_escalated_submission_offers_the_commission_decisions(client, staff):
    _cast, submission = _escalated()

    response = client.get(_screening_url(submission))

    content = response.content.decode()
    assert "Escalated endorsement" in content
    assert 'value="endorse"' in content
    assert 'value="eligible"' not in content


def test_secretariat_endorses_an_escalated_submission(client, staff):
    _cast, submission = _escalated()

    response = client.post(_screening_url(submission), {"action": "endorse"})

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.state == S.ENDORSED
    assert submission.transitions.last().actor == staff


def test_secretariat_cannot_endorse_before_escalation(client, staff, cast):
    submission = submission_in(cast, S.SUBMITTED)

    response = client.post(_screening_url(submission), {"action": "endorse"})

    submission.refresh_from_db()
    # The move the page does not offer gets the state machine's refusal (the
    # error model's status for not permitted).
    assert response.status_code == 403
    assert submission.state == S.SUBMITTED
    assert "You may not move this submission" in response.content.decode()
    assert "Escalated endorsement" not in response.content.decode()
