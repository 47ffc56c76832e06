"""The "My work" page every person lands on: one section per role they hold."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.domain.work import register_work_part, work_for_user
from learningcities.accounts.enums import Role
from learningcities.accounts.models import Organisation
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.enums import OutboxStatus
from learningcities.common.models import OutboxMessage
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Review, ReviewPhase
from tests.accounts.factories import PASSWORD, make_user
from tests.calls.factories import Cast, make_call, submission_in
from tests.common.test_jobs import database_queue, failed_job  # noqa: F401 - a fixture
from tests.reviews.factories import assign, make_juror, make_panel
from tests.reviews.scoring_helpers import client_for, secretary_with_totp

pytestmark = pytest.mark.django_db
S = SubmissionState
URL_NAME = "accounts:my-work"


@pytest.fixture(autouse=True)
def _private_storage_and_fast_logins(private_root, fast_password_hashing):
    return private_root


def _page(user) -> str:
    response = client_for(user).get(reverse(URL_NAME))
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def _roles(response) -> list[str]:
    return [entry.role for entry in response.context["roles"]]


def _work(response, key: str) -> dict:
    for entry in response.context["roles"]:
        for part, work in entry.parts:
            if part.key == key:
                return work
    raise AssertionError(f"no part {key}")


# --- Landing, header, access ---


def test_login_lands_on_my_work(client):
    user = make_user("ines@example.org")

    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, reverse(URL_NAME))


def test_my_work_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse(URL_NAME))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_my_work_refuses_post(client):
    client.force_login(make_user())

    assert client.post(reverse(URL_NAME)).status_code == 405


def test_header_links_my_work_first_for_logged_in_people_only(client):
    user = make_user()
    anonymous = client.get(reverse("network:directory")).content.decode()
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()

    link = f'<a href="{reverse(URL_NAME)}">My work</a>'
    assert link not in anonymous
    nav = page.split('class="user-nav"', 1)[1].split("</nav>", 1)[0]
    assert nav.index(link) < nav.index(">Profile<")


def test_my_work_without_role_points_to_profile(client):
    client.force_login(make_user())

    response = client.get(reverse(URL_NAME))

    assert response.context["roles"] == []
    content = response.content.decode()
    assert "You do not act for any organisation yet" in content
    assert f'href="{reverse("accounts:profile")}"' in content


def test_my_work_shows_one_section_per_role(client):
    cast = Cast()
    # The coordinator of a city endorses for the National Commission too.
    Cast(call=cast.call)  # another city, so the Commission exists
    commission = Organisation.objects.get(kind="national_commission", country_id="IE")
    add_affiliation(commission, user=cast.coordinator, role=Role.ENDORSER, actor=None)
    client.force_login(cast.coordinator)

    response = client.get(reverse(URL_NAME))

    assert _roles(response) == [Role.ENDORSER, Role.COORDINATOR]
    content = response.content.decode()
    assert '<h2 id="work-endorser">Endorser</h2>' in content
    assert '<h2 id="work-coordinator">City coordinator</h2>' in content


def test_register_work_part_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="Unknown role"):
        register_work_part("x", role="mayor", title="X", template="x.html", build=lambda u: {})


def test_work_for_user_leaves_out_parts_that_do_not_apply():
    coordinator = Cast().coordinator

    roles = work_for_user(coordinator)

    assert [entry.role for entry in roles] == [Role.COORDINATOR]
    # The city's practices, its peers and its progress reports apply to every
    # coordinator of a city.
    assert [part.key for part, _work in roles[0].parts] == [
        "calls.applications",
        "reports.city",
        "practices.city",
        "practices.peers",
    ]


# --- Secretariat ---


def test_secretariat_sees_applications_to_screen_per_call():
    cast = Cast()
    submission_in(cast, S.ENDORSED)
    submission_in(Cast(call=cast.call), S.ENDORSED)
    submission_in(Cast(call=cast.call), S.SUBMITTED)
    other = make_call(title="Award call")
    submission_in(Cast(call=other), S.ENDORSED)
    secretary = secretary_with_totp()

    response = client_for(secretary).get(reverse(URL_NAME))

    work = _work(response, "calls.screening")
    assert [(row["title"], row["count"]) for row in work["to_screen"]] == [
        ("Award call", 1),
        ("Membership call", 2),
    ]
    content = response.content.decode()
    url = reverse("calls:secretariat-call", kwargs={"pk": cast.call.pk}) + "?state=endorsed"
    assert f'<a href="{url}">Membership call: 2 endorsed applications to screen</a>' in content
    assert f'href="{reverse("workspace:home")}"' in content


def test_secretariat_sees_overdue_endorsements_per_call():
    cast = Cast()
    late = submission_in(cast, S.SUBMITTED)
    on_time = submission_in(Cast(call=cast.call), S.SUBMITTED)
    now = timezone.now()
    Submission.objects.filter(pk=late.pk).update(endorsement_due_at=now - dt.timedelta(days=1))
    Submission.objects.filter(pk=on_time.pk).update(endorsement_due_at=now + dt.timedelta(days=1))

    response = client_for(secretary_with_totp()).get(reverse(URL_NAME))

    work = _work(response, "calls.screening")
    assert [(row["title"], row["count"]) for row in work["overdue"]] == [("Membership call", 1)]
    assert "Membership call: 1 endorsement overdue" in response.content.decode()


def test_secretariat_sees_reviews_outstanding_per_panel_and_phase():
    cast = Cast()
    panel = make_panel(cast.call)
    first, second = make_juror(panel), make_juror(panel)
    submission = submission_in(cast, S.IN_REVIEW)
    assign(panel, submission, first)
    drafted = assign(panel, submission, second)
    Review.objects.create(assignment=drafted, state=ReviewState.DRAFT)
    done = submission_in(Cast(call=cast.call), S.IN_REVIEW)
    finished = assign(panel, done, first)
    Review.objects.create(assignment=finished, state=ReviewState.SUBMITTED)

    response = client_for(secretary_with_totp()).get(reverse(URL_NAME))

    [row] = _work(response, "reviews.jury")["panels"]
    assert (row["title"], row["phase"].name, row["not_started"], row["drafts"]) == (
        "Membership call",
        "Scoring",
        1,
        1,
    )
    assert row["url"] == reverse("reviews:panel", kwargs={"call_pk": cast.call.pk})


def test_secretariat_sees_calls_ready_to_release_only_when_every_submission_is_decided():
    ready = Cast()
    submission_in(ready, S.DECIDED)
    submission_in(Cast(call=ready.call), S.DECLINED)
    waiting = Cast(call=make_call(title="Still in review"))
    submission_in(waiting, S.DECIDED)
    submission_in(Cast(call=waiting.call), S.IN_REVIEW)
    released = Cast(call=make_call(title="Released"))
    submission_in(released, S.RELEASED)

    response = client_for(secretary_with_totp()).get(reverse(URL_NAME))

    work = _work(response, "reviews.jury")
    assert [(row["title"], row["decided"]) for row in work["ready"]] == [("Membership call", 1)]
    url = reverse("reviews:decisions", kwargs={"pk": ready.call.pk})
    assert f'<a href="{url}">Membership call: 1 decision staged, ready to release</a>' in (
        response.content.decode()
    )


def test_secretariat_sees_held_and_failed_mail():
    submission_in(Cast(), S.SUBMITTED)  # its notices wait in the outbox
    held = OutboxMessage.objects.filter(status=OutboxStatus.HELD).count()
    some = OutboxMessage.objects.order_by("pk").first()
    OutboxMessage.objects.filter(pk=some.pk).update(status=OutboxStatus.FAILED)

    response = client_for(secretary_with_totp()).get(reverse(URL_NAME))

    work = _work(response, "accounts.mail_and_jobs")
    assert (work["held_mail"], work["failed_mail"]) == (held - 1, 1)
    assert f'href="{reverse("common:outbox")}?status=failed">1 message failed</a>' in (
        response.content.decode()
    )


def test_secretariat_sees_failed_jobs_when_the_database_queue_is_in_use(database_queue):  # noqa: F811 - the fixture
    failed_job()

    response = client_for(secretary_with_totp()).get(reverse(URL_NAME))

    assert _work(response, "accounts.mail_and_jobs")["failed_jobs"] == 1
    assert f'href="{reverse("common:jobs")}?status=failed">1 background job failed</a>' in (
        response.content.decode()
    )


def test_secretariat_part_is_not_shown_to_other_roles():
    cast = Cast()
    submission_in(cast, S.ENDORSED)

    for person in (cast.coordinator, cast.endorser):
        response = client_for(person).get(reverse(URL_NAME))
        assert Role.SECRETARIAT not in _roles(response)
        assert "to screen" not in response.content.decode()


# --- Juror ---


def _jury(count: int, *, sees_identity: bool = True):
    """A juror assigned ``count`` submissions in review of one call (the first has a draft)."""
    call = make_call()
    panel = make_panel(call)
    ReviewPhase.objects.filter(panel=panel).update(sees_identity=sees_identity)
    juror = make_juror(panel)
    submissions = [submission_in(Cast(call=call), S.IN_REVIEW) for _ in range(count)]
    assignments = [assign(panel, submission, juror) for submission in submissions]
    Review.objects.create(assignment=assignments[0], state=ReviewState.DRAFT)
    return juror, submissions, panel


def test_juror_sees_assigned_reviews_with_status_and_phase_deadline():
    juror, submissions, panel = _jury(2)
    phase = panel.phases.get()

    response = client_for(juror).get(reverse(URL_NAME))

    work = _work(response, "reviews.reviews")
    assert [(row["label"], row["review_state"]) for row in work["rows"]] == [
        (submissions[0].city.name, "draft"),
        (submissions[1].city.name, "not_started"),
    ]
    assert (work["not_started"], work["drafts"], work["submitted"]) == (1, 1, 0)
    content = response.content.decode()
    review_url = reverse("reviews:jury-review", kwargs={"pk": submissions[0].pk})
    assert f'<a href="{review_url}">{submissions[0].city.name}</a>' in content
    assert "Scoring" in content
    assert phase.ends_at.strftime("%Y") in content
    assert f'href="{reverse("reviews:jury-workspace")}"' in content


def test_juror_sees_application_numbers_when_the_phase_hides_identities():
    juror, submissions, _panel = _jury(1, sees_identity=False)

    page = _page(juror)

    assert f"Application {submissions[0].pk}" in page
    assert submissions[0].city.name not in page


def test_juror_does_not_see_other_jurors_assignments():
    juror, _submissions, panel = _jury(1)
    other = submission_in(Cast(call=panel.call), S.IN_REVIEW)
    assign(panel, other, make_juror(panel))

    page = _page(juror)

    assert other.city.name not in page


# --- Endorser ---


def test_endorser_sees_queue_count_and_latest_decisions():
    cast = Cast()
    submission_in(cast, S.SUBMITTED)
    endorsed = submission_in(Cast(call=cast.call), S.ENDORSED)
    foreign = submission_in(Cast(call=cast.call, country_code="FR"), S.SUBMITTED)
    submission_in(Cast(call=cast.call, country_code="FR"), S.ENDORSED)

    response = client_for(cast.endorser).get(reverse(URL_NAME))

    work = _work(response, "calls.endorsements")
    assert (work["waiting"], work["overdue"]) == (1, 0)
    assert [row.submission for row in work["history"]] == [endorsed]
    content = response.content.decode()
    assert f'<a href="{reverse("calls:endorsement-queue")}">1 application waits' in content
    assert f'href="{reverse("calls:endorsement-history")}"' in content
    assert foreign.city.name not in content


# --- Coordinator ---


def test_coordinator_sees_applications_with_state_and_deadline_and_open_calls():
    cast = Cast()
    draft = cast.draft(complete=False)
    make_call(title="Award call")  # open, the city has not applied
    closed = make_call(
        title="Closed call",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    foreign = Cast(call=cast.call).draft(complete=False)

    response = client_for(cast.coordinator).get(reverse(URL_NAME))

    work = _work(response, "calls.applications")
    [row] = work["applications"]
    assert (row["submission"], str(row["state"]), row["deadline"]) == (
        draft,
        "Draft",
        cast.call.closes_at,
    )
    assert [item["call"].title for item in work["open_calls"]] == ["Award call"]
    content = response.content.decode()
    url = reverse("calls:city-application", kwargs={"pk": draft.pk})
    assert f'<a href="{url}">Membership call</a>' in content
    assert "(Europe/Paris)" in content
    assert foreign.city.name not in content
    assert closed.title not in content


def test_coordinator_does_not_see_withdrawn_applications():
    cast = Cast()
    submission_in(cast, S.WITHDRAWN)

    response = client_for(cast.coordinator).get(reverse(URL_NAME))

    assert _work(response, "calls.applications")["applications"] == []
    assert "Your cities have no applications yet." in response.content.decode()


# --- Query counts: the page costs the same for one item and for three ---


def _secretariat_world(count: int):
    for index in range(count):
        call = make_call(title=f"Call {index}")
        submission_in(Cast(call=call), S.ENDORSED)
        late = submission_in(Cast(call=call), S.SUBMITTED)
        Submission.objects.filter(pk=late.pk).update(
            endorsement_due_at=timezone.now() - dt.timedelta(days=1)
        )
        panel = make_panel(call)
        assign(panel, submission_in(Cast(call=call), S.IN_REVIEW), make_juror(panel))
        ready = make_call(title=f"Ready {index}")
        submission_in(Cast(call=ready), S.DECIDED)
    return secretary_with_totp()


@pytest.mark.parametrize("count", [1, 3])
def test_my_work_query_count_for_the_secretariat_does_not_grow(django_assert_num_queries, count):
    client = client_for(_secretariat_world(count))
    client.get(reverse(URL_NAME))  # warm the per-process caches

    # session, user; to screen, overdue; outstanding reviews, their phases,
    # calls ready; held and failed mail (no job query: the queue is not in use);
    # events to come, registrations to approve; practices to moderate, clusters
    # with requests to join
    with django_assert_num_queries(15):
        response = client.get(reverse(URL_NAME))

    assert len(_work(response, "calls.screening")["to_screen"]) == count
    assert len(_work(response, "reviews.jury")["panels"]) == count
    assert len(_work(response, "reviews.jury")["ready"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_work_query_count_for_a_juror_does_not_grow(django_assert_num_queries, count):
    juror, _submissions, _panel = _jury(count)
    client = client_for(juror)
    client.get(reverse(URL_NAME))

    # session, user; phases in force, the juror's ties and organisations (the
    # conflict rule), counts by review state, rows
    with django_assert_num_queries(7):
        response = client.get(reverse(URL_NAME))

    assert len(_work(response, "reviews.reviews")["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_work_query_count_for_an_endorser_does_not_grow(django_assert_num_queries, count):
    call = make_call()
    casts = [Cast(call=call) for _ in range(count)]
    for cast in casts:
        submission_in(cast, S.ENDORSED)
        submission_in(Cast(call=call), S.SUBMITTED)
    client = client_for(casts[0].endorser)
    client.get(reverse(URL_NAME))

    # session, user; queue counts, latest history; event delegations, events
    # open for registration, registrations to approve; the country's reports
    # counts and the countries' names
    with django_assert_num_queries(9):
        response = client.get(reverse(URL_NAME))

    assert len(_work(response, "calls.endorsements")["history"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_work_query_count_for_a_coordinator_does_not_grow(django_assert_num_queries, count):
    cast = Cast()
    for _ in range(count - 1):
        other = Cast(call=cast.call)
        add_affiliation(
            other.organisation, user=cast.coordinator, role=Role.COORDINATOR, actor=None
        )
        other.draft(complete=False)
    cast.draft(complete=False)
    for index in range(count):
        make_call(title=f"Open call {index}")
    client = client_for(cast.coordinator)
    client.get(reverse(URL_NAME))

    # session, user; applications, cities, open calls, cities that applied to
    # them; event delegations, events open for registration; the person's
    # cities, their practices' counts, the clusters they lead, the cities for
    # "Cities like yours" and the two revisions their cached matches are keyed by;
    # the cities' open progress reports
    with django_assert_num_queries(15):
        response = client.get(reverse(URL_NAME))

    work = _work(response, "calls.applications")
    assert (len(work["applications"]), len(work["open_calls"])) == (count, count)


def test_my_work_renders_every_part_in_french():
    cast = Cast()
    submission = submission_in(cast, S.IN_REVIEW)
    panel = make_panel(cast.call)
    juror = make_juror(panel)
    assign(panel, submission, juror)
    url = "/fr" + reverse(URL_NAME)

    for person in (cast.coordinator, cast.endorser, juror, secretary_with_totp()):
        response = client_for(person).get(url)
        assert response.status_code == 200
        assert '<html lang="fr"' in response.content.decode()
        assert response.context["roles"]
