"""The endorser's pages: the queue of their country's applications and the decisions."""

import datetime as dt

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.calls.views import endorsement as endorsement_views
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, endorser_of, make_call, submission_in

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def cast():
    return Cast()


def _queue(client, user):
    client.force_login(user)
    return client.get(reverse("calls:endorsement-queue"))


def _detail_url(submission):
    return reverse("calls:endorsement-detail", kwargs={"pk": submission.pk})


def test_queue_lists_submitted_applications_of_own_country(client, cast):
    submission = submission_in(cast, S.SUBMITTED)

    response = _queue(client, cast.endorser)

    assert response.status_code == 200
    assert response.context["submissions"] == [submission]
    content = response.content.decode()
    assert f"<td>{cast.call.title}</td>" in content
    assert cast.city.name in content
    assert _detail_url(submission) in content


def test_queue_omits_other_countries_and_other_states(client, cast):
    submission_in(Cast(call=cast.call, country_code="FR"), S.SUBMITTED)
    other_state = Cast(call=cast.call)
    submission_in(other_state, S.ENDORSED)

    response = _queue(client, cast.endorser)

    assert list(response.context["submissions"]) == []
    assert response.context["quotas"] == []
    assert "No application is waiting" in response.content.decode()


def test_queue_highlights_overdue_endorsements(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(
        endorsement_due_at=submission.submitted_at - dt.timedelta(days=1)
    )

    response = _queue(client, cast.endorser)

    assert response.context["submissions"][0].overdue is True
    assert 'class="overdue"' in response.content.decode()


def test_queue_shows_quota_used_and_left(client, cast):
    submission_in(cast, S.ENDORSED)
    submission_in(Cast(call=cast.call), S.SUBMITTED)

    response = _queue(client, cast.endorser)

    [line] = response.context["quotas"]
    assert (line.call_title, line.country_name, line.waiting, line.used, line.left) == (
        cast.call.title,
        "Ireland",
        1,
        1,
        2,
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR, Role.SECRETARIAT])
def test_queue_refuses_people_who_are_not_endorsers(client, role):
    response = _queue(client, person_with_role(role, totp=role != Role.COORDINATOR))

    assert response.status_code == 403
    assert b"Applications to endorse" not in response.content


def test_queue_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("calls:endorsement-queue"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def _waiting(count: int) -> list:
    """``count`` submitted applications from Ireland to one call, the most urgent first."""
    call = make_call()
    casts = [Cast(call=call) for _ in range(count)]
    submissions = [submission_in(cast, S.SUBMITTED) for cast in casts]
    for index, submission in enumerate(submissions):
        Submission.objects.filter(pk=submission.pk).update(
            endorsement_due_at=submission.submitted_at + dt.timedelta(days=index + 1)
        )
    return casts[0].endorser, submissions


@pytest.mark.parametrize("count", [1, 3])
def test_queue_query_count_does_not_grow(client, django_assert_num_queries, count):
    endorser, _submissions = _waiting(count)
    client.force_login(endorser)

    # session, user, calls' revisions, register revision (the endorsed
    # countries come from the session's snapshot); then, to draw it: waiting
    # by call and country, quotas used, page (the quota lines give the
    # paginator its total)
    with django_assert_num_queries(7):
        drawn = client.get(reverse("calls:endorsement-queue"))
    # from the cache: the first four alone
    with django_assert_num_queries(4):
        cached = client.get(reverse("calls:endorsement-queue"))

    assert len(drawn.context["submissions"]) == count
    # The page's main part (the header differs: its logout form has a new CSRF mask).
    assert cached.content.split(b"<main")[1] == drawn.content.split(b"<main")[1]


def test_queue_second_page_has_the_rest_and_the_same_query_count(
    client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(endorsement_views, "QUEUE_PAGE_SIZE", 2)
    endorser, submissions = _waiting(3)
    client.force_login(endorser)

    with django_assert_num_queries(7):
        first = client.get(reverse("calls:endorsement-queue"))
    with django_assert_num_queries(7):
        second = client.get(reverse("calls:endorsement-queue") + "?page=2")
    with django_assert_num_queries(4):
        client.get(reverse("calls:endorsement-queue") + "?page=2")

    assert first.context["submissions"] == submissions[:2]
    assert second.context["submissions"] == [submissions[2]]
    # The quotas cover the whole queue on every page.
    assert [(line.waiting, line.used, line.left) for line in second.context["quotas"]] == [
        (3, 0, 3)
    ]
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()


def test_queue_page_out_of_range_shows_the_last_page(client):
    endorser, submissions = _waiting(1)
    client.force_login(endorser)

    response = client.get(reverse("calls:endorsement-queue") + "?page=9")

    assert response.status_code == 200
    assert response.context["submissions"] == submissions


def test_detail_shows_profile_answers_and_documents(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.get(_detail_url(submission))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Aoife Byrne" in content
    assert "Libraries, schools and employers run a shared programme." in content
    letter = submission.documents.get(kind="commitment_letter")
    assert reverse("common:document", kwargs={"document_id": letter.document_id}) in content
    assert "letter.pdf" in content
    assert "evidence.pdf" in content
    for criterion in submission.call.framework.criteria.all():
        assert criterion.title in content
    assert 'value="endorse"' in content


def test_detail_of_another_country_is_404(client, cast):
    hidden = submission_in(Cast(call=cast.call, country_code="FR"), S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.get(_detail_url(hidden))

    assert response.status_code == 404
    assert hidden.city.name.encode() not in response.content


def test_detail_of_a_draft_is_404(client, cast):
    draft = cast.draft()
    client.force_login(cast.endorser)

    response = client.get(_detail_url(draft))

    assert response.status_code == 404


def _document_url(submission, kind: str) -> str:
    link = submission.documents.filter(kind=kind).first()
    return reverse("common:document", kwargs={"document_id": link.document_id})


@pytest.mark.parametrize("kind", ["commitment_letter", "evidence"])
def test_endorser_opens_the_letter_and_evidence_of_their_country(client, cast, kind):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.get(_document_url(submission, kind))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("kind", ["commitment_letter", "evidence"])
def test_endorser_cannot_open_documents_of_another_country_or_of_a_draft(client, cast, kind):
    foreign = submission_in(Cast(call=cast.call, country_code="FR"), S.SUBMITTED)
    draft = cast.draft()
    client.force_login(cast.endorser)

    foreign_response = client.get(_document_url(foreign, kind))
    draft_response = client.get(_document_url(draft, kind))

    assert (foreign_response.status_code, draft_response.status_code) == (404, 404)


def test_detail_refuses_the_city_coordinator(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.coordinator)

    response = client.get(_detail_url(submission))

    assert response.status_code == 403


def test_endorse_moves_the_application_and_uses_the_quota(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.post(_detail_url(submission), {"action": "endorse"}, follow=True)

    submission.refresh_from_db()
    assert submission.state == S.ENDORSED
    assert response.redirect_chain[-1][0] == reverse("calls:endorsement-queue")
    assert "Endorsed" in response.content.decode()
    assert submission.transitions.last().actor == cast.endorser


def test_return_needs_comments(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.post(_detail_url(submission), {"action": "return", "return-comment": " "})

    submission.refresh_from_db()
    assert response.status_code == 400
    assert submission.state == S.SUBMITTED
    assert "Say why" in response.content.decode()
    assert 'aria-describedby="id_return-comment_error"' in response.content.decode()


def test_return_with_comments_sends_it_back_to_the_city(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    client.post(_detail_url(submission), {"action": "return", "return-comment": "Add the budget."})

    submission.refresh_from_db()
    assert submission.state == S.RETURNED
    assert submission.transitions.last().comment == "Add the budget."


def test_decline_needs_a_reason(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.post(_detail_url(submission), {"action": "decline"})

    submission.refresh_from_db()
    assert response.status_code == 400
    assert submission.state == S.SUBMITTED


def test_decline_with_a_reason_declines(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    client.post(_detail_url(submission), {"action": "decline", "decline-comment": "Not now."})

    submission.refresh_from_db()
    assert submission.state == S.DECLINED


def test_endorse_when_quota_exhausted_shows_the_domain_error(client):
    cast = Cast(call=make_call(quota_per_country=1))
    submission_in(cast, S.ENDORSED)
    waiting = submission_in(Cast(call=cast.call), S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.post(_detail_url(waiting), {"action": "endorse"})

    waiting.refresh_from_db()
    assert response.status_code == 409
    assert waiting.state == S.SUBMITTED
    assert "used all 1 endorsements" in response.content.decode()


def test_endorse_after_the_window_closed_shows_the_domain_error(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(
        endorsement_due_at=submission.submitted_at - dt.timedelta(minutes=1)
    )
    client.force_login(cast.endorser)

    response = client.post(_detail_url(submission), {"action": "endorse"})

    submission.refresh_from_db()
    assert response.status_code == 409
    assert submission.state == S.SUBMITTED
    assert "endorsement deadline" in response.content.decode()


def test_unknown_action_is_refused_with_a_message(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)

    response = client.post(_detail_url(submission), {"action": "approve"})

    assert response.status_code == 400
    assert "Choose to endorse, return or decline" in response.content.decode()


def test_endorser_of_another_country_cannot_post(client, cast):
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(endorser_of("FR"))

    response = client.post(_detail_url(submission), {"action": "endorse"})

    submission.refresh_from_db()
    assert response.status_code == 404
    assert submission.state == S.SUBMITTED


# --- The Commission's history: what it endorsed, returned or declined, and the outcome ---


def _history(client, user, **query):
    client.force_login(user)
    return client.get(reverse("calls:endorsement-history"), query)


def test_history_lists_endorsed_returned_and_declined_newest_first(client, cast):
    endorsed = submission_in(cast, S.ENDORSED)
    returned = submission_in(Cast(call=cast.call), S.RETURNED)
    declined = submission_in(Cast(call=cast.call), S.DECLINED)
    submission_in(Cast(call=cast.call), S.SUBMITTED)  # waiting: not history yet

    response = _history(client, cast.endorser)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.submission, row.to_state) for row in rows] == [
        (declined, S.DECLINED),
        (returned, S.RETURNED),
        (endorsed, S.ENDORSED),
    ]
    content = response.content.decode()
    for submission in (endorsed, returned, declined):
        assert f'<a href="{_detail_url(submission)}">{submission.city.name}</a>' in content
    assert "Returned to the city" in content


def test_history_omits_other_countries(client, cast):
    foreign = submission_in(Cast(call=cast.call, country_code="FR"), S.ENDORSED)
    own = submission_in(cast, S.DECLINED)

    response = _history(client, cast.endorser)

    assert [row.submission for row in response.context["rows"]] == [own]
    assert foreign.city.name not in response.content.decode()


def test_history_shows_the_outcome_once_released(client, cast):
    admitted = submission_in(cast, S.RELEASED)
    rejected = Cast(call=cast.call)
    not_admitted = rejected.draft()
    for step in ("submitted", "endorsed", "eligible", "in_review", "reviewed"):
        rejected.move(not_admitted, step)
    rejected.move(not_admitted, S.DECIDED, decision="rejected")
    rejected.move(not_admitted, S.RELEASED)

    response = _history(client, cast.endorser)

    outcomes = {row.submission: row.outcome for row in response.context["rows"]}
    assert outcomes == {admitted: "Admitted", not_admitted: "Not admitted"}
    assert "<strong>Admitted</strong>" in response.content.decode()


def test_history_says_winner_or_not_selected_for_an_award_call(client):
    cast = Cast(call=make_call(kind="award", title="Award call"))
    winner = submission_in(cast, S.RELEASED)

    response = _history(client, cast.endorser)

    [row] = response.context["rows"]
    assert (row.submission, row.outcome) == (winner, "Winner")
    assert "<strong>Winner</strong>" in response.content.decode()


@pytest.mark.parametrize("state", [S.REVIEWED, S.DECIDED])
def test_history_never_shows_a_staged_decision(client, cast, state):
    staged = submission_in(cast, state)  # decided: accepted, not yet released

    response = _history(client, cast.endorser)

    [row] = response.context["rows"]
    assert (row.submission, row.outcome, row.now_state) == (staged, "", "In review")
    content = response.content.decode()
    for word in ("Admitted", "Not admitted", "Decided", "Reviewed", "Accepted"):
        assert word not in content


def test_history_is_paginated(client, cast, monkeypatch):
    monkeypatch.setattr(endorsement_views, "HISTORY_PAGE_SIZE", 2)
    first = submission_in(cast, S.ENDORSED)
    for _ in range(2):
        submission_in(Cast(call=cast.call), S.ENDORSED)

    response = _history(client, cast.endorser, page="2")

    assert [row.submission for row in response.context["rows"]] == [first]
    assert "Page 2 of 2" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_history_query_count_does_not_grow(client, django_assert_num_queries, count):
    call = make_call()
    casts = [Cast(call=call) for _ in range(count)]
    for cast in casts:
        submission_in(cast, S.RELEASED)
    client.force_login(casts[0].endorser)
    client.get(reverse("calls:endorsement-history"))

    # session, user; count, page (with submission, call, city and actor)
    with django_assert_num_queries(4):
        response = client.get(reverse("calls:endorsement-history"))

    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR, Role.SECRETARIAT])
def test_history_refuses_people_who_are_not_endorsers(client, role):
    response = _history(client, person_with_role(role, totp=role != Role.COORDINATOR))

    assert response.status_code == 403
    assert b"History of your endorsements" not in response.content


def test_history_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("calls:endorsement-history"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_queue_and_history_link_to_each_other(client, cast):
    submission_in(cast, S.SUBMITTED)

    queue = _queue(client, cast.endorser).content.decode()
    history = client.get(reverse("calls:endorsement-history")).content.decode()

    assert f'href="{reverse("calls:endorsement-history")}"' in queue
    assert f'<a href="{reverse("calls:endorsement-queue")}">Waiting for your decision</a>' in (
        history
    )


@pytest.mark.parametrize(
    "state", [S.DECLINED, S.ENDORSED, S.IN_REVIEW, S.DECIDED, S.RELEASED, S.WITHDRAWN]
)
def test_endorser_keeps_reading_an_application_after_the_decision(client, cast, state):
    submission = submission_in(cast, state) if state != S.WITHDRAWN else None
    if submission is None:
        submission = submission_in(cast, S.ENDORSED)
        cast.move(submission, S.WITHDRAWN)
    client.force_login(cast.endorser)

    response = client.get(_detail_url(submission))

    assert response.status_code == 200
    assert response.context["can_act"] is False
    assert "Your decision" not in response.content.decode()


def test_detail_shows_the_outcome_only_once_released(client, cast):
    decided = submission_in(cast, S.DECIDED)
    released = submission_in(Cast(call=cast.call), S.RELEASED)
    client.force_login(cast.endorser)

    staged_page = client.get(_detail_url(decided)).content.decode()
    released_page = client.get(_detail_url(released)).content.decode()

    assert "Admitted" not in staged_page
    assert "<dt>Outcome</dt><dd><strong>Admitted</strong></dd>" in released_page


def test_endorser_of_another_country_cannot_read_a_released_application(client, cast):
    submission = submission_in(cast, S.RELEASED)
    client.force_login(endorser_of("FR"))

    response = client.get(_detail_url(submission))

    assert response.status_code == 404


def test_cached_queue_shows_the_jury_link_to_an_endorser_who_is_also_a_juror(client, cast):
    from learningcities.accounts.domain.organisations import add_affiliation
    from learningcities.accounts.domain.users import activate_totp
    from tests.accounts.factories import TOTP_SECRET, organisation

    submission_in(cast, S.SUBMITTED)
    both = endorser_of("IE")
    add_affiliation(organisation("panel"), user=both, role=Role.JUROR, actor=None)
    activate_totp(both, secret=TOTP_SECRET)  # jurors log in with a second factor
    _queue(client, cast.endorser)  # draws and caches the page for the plain endorser
    jury_link = f'href="{reverse("reviews:jury-workspace")}"'

    plain = _queue(client, cast.endorser).content.decode()
    juror = _queue(client, both).content.decode()

    assert jury_link not in plain
    assert jury_link in juror
