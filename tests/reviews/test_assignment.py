"""Manual and automatic assignment: refusals, the solver's promises, the report."""

import itertools
from collections import Counter, deque

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.reviews.domain.assignments import (
    ASSIGNMENT_MAIL,
    assign_submission,
    auto_assign,
    conflicted_assignments,
    plan_assignments,
    unassign_submission,
)
from learningcities.reviews.domain.conflicts import record_tie
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.enums import AssignmentMethod, ReviewState, TieKind
from learningcities.reviews.models import Assignment, Recusal, Review
from tests.calls.factories import Cast, make_call, submission_in
from tests.factories import country
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

S = SubmissionState
pytestmark = pytest.mark.django_db


def eligible(call, country_code: str = "IE", state: str = S.ELIGIBLE):
    """A submission of a new city of ``country_code`` to ``call``, in ``state``, and its cast."""
    cast = Cast(call, country_code)
    return submission_in(cast, state), cast


@pytest.fixture
def jury():
    """A call asking 2 reviews, a panel (load limit 2) and one Irish eligible submission."""
    call = make_call(min_reviews=2)
    panel = make_panel(call, max_load=2)
    submission, cast = eligible(call, "IE")
    return panel, submission, cast


# --- manual ---------------------------------------------------------------------------------


def test_assign_submission_creates_assignment_and_moves_to_review(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "FR")

    assignment = assign_submission(panel, submission, juror, actor=cast.secretary)

    submission.refresh_from_db()
    assert (assignment.juror, assignment.method, assignment.created_by) == (
        juror,
        AssignmentMethod.MANUAL,
        cast.secretary,
    )
    assert submission.state == S.IN_REVIEW
    assert ActivityLogEntry.objects.filter(action="reviews.assignment.add").count() == 1


def test_assign_submission_refuses_conflicted_juror(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "IE")

    with pytest.raises(ReviewError) as refused:
        assign_submission(panel, submission, juror, actor=cast.secretary)

    assert refused.value.code == "conflicted"
    assert "Nationality" in str(refused.value)
    assert Assignment.objects.count() == 0


def test_assign_submission_refuses_person_not_juror_of_panel(jury):
    panel, submission, cast = jury
    other_panel = make_panel(make_call(title="Other call"))
    stranger = make_juror(other_panel, "FR")

    with pytest.raises(ReviewError) as refused:
        assign_submission(panel, submission, stranger, actor=cast.secretary)

    assert refused.value.code == "not_a_juror"


def test_assign_submission_refuses_submission_not_eligible(jury):
    panel, _submission, cast = jury
    submitted, _cast = eligible(panel.call, "DE", S.SUBMITTED)
    juror = make_juror(panel, "FR")

    with pytest.raises(ReviewError) as refused:
        assign_submission(panel, submitted, juror, actor=cast.secretary)

    assert refused.value.code == "not_assignable"


def test_assign_submission_refuses_juror_at_max_load(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "FR")
    for code in ("DE", "IT"):
        other, _cast = eligible(panel.call, code)
        assign(panel, other, juror)

    with pytest.raises(ReviewError) as refused:
        assign_submission(panel, submission, juror, actor=cast.secretary)

    assert refused.value.code == "max_load"


def test_assign_submission_refuses_same_juror_twice(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "FR")
    assign_submission(panel, submission, juror, actor=cast.secretary)

    with pytest.raises(ReviewError) as refused:
        assign_submission(panel, submission, juror, actor=cast.secretary)

    assert refused.value.code == "assigned_already"


def test_unassign_submission_refused_once_review_submitted(jury):
    panel, submission, cast = jury
    assignment = assign(panel, submission, make_juror(panel, "FR"))
    submitted_review(assignment, {})

    with pytest.raises(ReviewError) as refused:
        unassign_submission(assignment, actor=cast.secretary)

    assert refused.value.code == "review_submitted"
    assert Assignment.objects.count() == 1


def test_unassign_submission_removes_draft(jury):
    panel, submission, cast = jury
    assignment = assign(panel, submission, make_juror(panel, "FR"))
    Review.objects.create(assignment=assignment, state=ReviewState.DRAFT)

    unassign_submission(assignment, actor=cast.secretary)

    assert (Assignment.objects.count(), Review.objects.count()) == (0, 0)


# --- automatic ------------------------------------------------------------------------------


def test_auto_assign_gives_k_reviewers_and_moves_to_review(jury):
    panel, submission, cast = jury
    jurors = [make_juror(panel, code) for code in ("FR", "KE", "BR")]

    report = auto_assign(panel, actor=cast.secretary)

    submission.refresh_from_db()
    assigned = set(Assignment.objects.filter(submission=submission).values_list("juror", flat=True))
    assert len(assigned) == 2
    assert assigned <= {juror.pk for juror in jurors}
    assert submission.state == S.IN_REVIEW
    assert (report.created, report.kept, report.moved_to_review, report.short) == (2, 0, 1, [])
    entry = ActivityLogEntry.objects.get(action="reviews.assignment.auto")
    assert entry.changes["created"] == [None, 2]


def test_auto_assign_keeps_existing_assignments(jury):
    panel, submission, cast = jury
    kept = make_juror(panel, "FR")
    make_juror(panel, "KE")
    make_juror(panel, "BR")
    existing = assign(panel, submission, kept)

    report = auto_assign(panel, actor=cast.secretary)

    assert Assignment.objects.filter(pk=existing.pk).exists()
    assert Assignment.objects.filter(submission=submission).count() == 2
    assert (report.kept, report.created) == (1, 1)


def test_auto_assign_twice_changes_nothing(jury):
    panel, _submission, cast = jury
    for code in ("FR", "KE", "BR"):
        make_juror(panel, code)
    auto_assign(panel, actor=cast.secretary)
    before = set(Assignment.objects.values_list("pk", flat=True))

    report = auto_assign(panel, actor=cast.secretary)

    assert set(Assignment.objects.values_list("pk", flat=True)) == before
    assert (report.kept, report.created, report.dropped) == (2, 0, 0)


def test_auto_assign_never_assigns_conflicted_juror(jury):
    panel, _submission, cast = jury
    irish = make_juror(panel, "IE")
    living_in_ireland = make_juror(panel, "FR")
    record_tie(living_in_ireland, kind=TieKind.RESIDENCE, country=country("IE"), actor=None)
    make_juror(panel, "KE")
    make_juror(panel, "BR")

    auto_assign(panel, actor=cast.secretary)

    assigned = set(Assignment.objects.values_list("juror", flat=True))
    assert assigned.isdisjoint({irish.pk, living_in_ireland.pk})
    assert len(assigned) == 2


def test_auto_assign_respects_max_load():
    call = make_call(min_reviews=1)
    panel = make_panel(call, max_load=2)
    submissions = [eligible(call, code)[0] for code in ("IE", "DE", "IT", "ES")]
    jurors = [make_juror(panel, "FR"), make_juror(panel, "KE")]

    report = auto_assign(panel, actor=make_user_secretary())

    loads = Counter(Assignment.objects.values_list("juror", flat=True))
    assert loads == {jurors[0].pk: 2, jurors[1].pk: 2}
    assert report.short == []
    assert len(submissions) == Assignment.objects.values("submission").distinct().count()


def make_user_secretary():
    from tests.calls.factories import secretary

    return secretary()


def test_auto_assign_spreads_regions():
    call = make_call(min_reviews=2)
    panel = make_panel(call, max_load=10)
    submission, cast = eligible(call, "IE")
    # Two European jurors, one African: a spread pair has one of each.
    europeans = {make_juror(panel, "FR").pk, make_juror(panel, "DE").pk}
    african = make_juror(panel, "KE")

    auto_assign(panel, actor=cast.secretary)

    assigned = set(Assignment.objects.filter(submission=submission).values_list("juror", flat=True))
    assert african.pk in assigned
    assert len(assigned & europeans) == 1


def test_auto_assign_balances_loads():
    call = make_call(min_reviews=1)
    panel = make_panel(call, max_load=10)
    for code in ("IE", "DE", "IT", "ES"):
        eligible(call, code)
    jurors = [make_juror(panel, "FR"), make_juror(panel, "FR")]

    auto_assign(panel, actor=make_user_secretary())

    loads = Counter(Assignment.objects.values_list("juror", flat=True))
    assert loads == {jurors[0].pk: 2, jurors[1].pk: 2}


def test_auto_assign_reports_infeasible_submission_with_reasons(jury):
    panel, submission, cast = jury
    make_juror(panel, "IE")
    make_juror(panel, "IE")
    only = make_juror(panel, "FR")

    report = auto_assign(panel, actor=cast.secretary)

    assert [short.submission_id for short in report.short] == [submission.pk]
    short = report.short[0]
    assert (short.required, short.assigned, short.free_of_conflict) == (2, 1, 1)
    assert short.conflicts == {"nationality": 2}
    assert short.reasons[0] == (
        f"only 1 juror is free of conflicts with {submission.city} (Ireland)"
    )
    assert list(Assignment.objects.values_list("juror", flat=True)) == [only.pk]


def test_auto_assign_reports_jurors_at_load_limit():
    call = make_call(min_reviews=1)
    panel = make_panel(call, max_load=1)
    first, cast = eligible(call, "IE")
    second, _cast = eligible(call, "DE")
    make_juror(panel, "FR")

    report = auto_assign(panel, actor=cast.secretary)

    assert len(report.short) == 1
    assert report.short[0].reasons == ["every other juror without a conflict is at the load limit"]
    assert {first.pk, second.pk} - {report.short[0].submission_id} == {
        Assignment.objects.get().submission_id
    }


def test_auto_assign_drops_conflicted_assignment_and_fills_gap(jury):
    panel, submission, cast = jury
    tied = make_juror(panel, "FR")
    make_juror(panel, "KE")
    make_juror(panel, "BR")
    assign_submission(panel, submission, tied, actor=cast.secretary)
    record_tie(tied, kind=TieKind.WORK, country=country("IE"), actor=None)

    assert [a.juror for a, _reasons in conflicted_assignments(panel)] == [tied]
    report = auto_assign(panel, actor=cast.secretary)

    assigned = set(Assignment.objects.filter(submission=submission).values_list("juror", flat=True))
    assert tied.pk not in assigned
    assert len(assigned) == 2
    assert report.dropped == 1
    assert conflicted_assignments(panel) == []


def test_auto_assign_keeps_conflicted_assignment_with_submitted_review(jury):
    panel, submission, cast = jury
    tied = make_juror(panel, "FR")
    make_juror(panel, "KE")
    make_juror(panel, "BR")
    submitted_review(assign(panel, submission, tied), {})
    record_tie(tied, kind=TieKind.WORK, country=country("IE"), actor=None)

    report = auto_assign(panel, actor=cast.secretary)

    assert Assignment.objects.filter(juror=tied).exists()
    assert Assignment.objects.filter(submission=submission).exclude(juror=tied).count() == 2
    assert (report.conflicted_kept, report.dropped) == (1, 0)


def test_auto_assign_leaves_other_states_alone(jury):
    panel, _submission, cast = jury
    submitted, _cast = eligible(panel.call, "DE", S.SUBMITTED)
    make_juror(panel, "FR")
    make_juror(panel, "KE")

    auto_assign(panel, actor=cast.secretary)

    assert not Assignment.objects.filter(submission=submitted).exists()


# --- properties of the solver (no database) -------------------------------------------------


def max_flow_bound(needs, capacity, allowed) -> int:
    """The most reviews any assignment can make, by plain augmenting paths (Edmonds-Karp)."""
    source, sink = ("source",), ("sink",)
    residual: dict = {}

    def add(u, v, c):
        residual.setdefault(u, {}).setdefault(v, 0)
        residual.setdefault(v, {}).setdefault(u, 0)
        residual[u][v] += c

    for s, need in needs.items():
        add(source, ("s", s), need)
        for j in allowed.get(s, ()):
            add(("s", s), ("j", j), 1)
    for j, cap in capacity.items():
        add(("j", j), sink, cap)
    total = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, c in residual.get(u, {}).items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return total
        v = sink
        while parent[v] is not None:
            u = parent[v]
            residual[u][v] -= 1
            residual[v][u] += 1
            v = u
        total += 1


@st.composite
def instances(draw):
    countries = ["IE", "FR", "KE", "BR", "JP"]
    regions = {"IE": "EU", "FR": "EU", "KE": "AF", "BR": "LA", "JP": "AP"}
    n_jurors = draw(st.integers(1, 6))
    n_submissions = draw(st.integers(1, 8))
    k = draw(st.integers(1, 3))
    max_load = draw(st.integers(1, 4))
    nationality = draw(st.lists(st.sampled_from(countries), min_size=n_jurors, max_size=n_jurors))
    origin = draw(
        st.lists(st.sampled_from(countries), min_size=n_submissions, max_size=n_submissions)
    )
    ties = draw(
        st.sets(st.tuples(st.integers(0, n_jurors - 1), st.sampled_from(countries)), max_size=4)
    )
    existing = draw(
        st.sets(
            st.tuples(st.integers(0, n_submissions - 1), st.integers(0, n_jurors - 1)), max_size=3
        )
    )
    tied = {(j, c) for j, c in ties} | set(enumerate(nationality))
    conflicted = {
        (s, j)
        for s, j in itertools.product(range(n_submissions), range(n_jurors))
        if (j, origin[s]) in tied
    }
    existing = {(s, j) for s, j in existing if (s, j) not in conflicted}
    load = Counter(j for _s, j in existing)
    existing = {(s, j) for s, j in existing if load[j] <= max_load}
    load = Counter(j for _s, j in existing)
    have = Counter(s for s, _j in existing)
    return {
        "needs": {s: max(0, k - have[s]) for s in range(n_submissions)},
        "capacity": {j: max(0, max_load - load[j]) for j in range(n_jurors)},
        "allowed": {
            s: [j for j in range(n_jurors) if (s, j) not in conflicted and (s, j) not in existing]
            for s in range(n_submissions)
        },
        "juror_region": {j: regions[nationality[j]] for j in range(n_jurors)},
        "current_load": dict(load),
        "conflicted": conflicted,
    }


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plan_assignments_is_safe_and_maximal(instance):
    conflicted = instance.pop("conflicted")

    plan = plan_assignments(**instance)

    pairs = [(s, j) for s, jurors in plan.new.items() for j in jurors]
    assert len(pairs) == len(set(pairs))
    assert not set(pairs) & conflicted
    assert all(j in instance["allowed"][s] for s, j in pairs)
    loads = Counter(j for _s, j in pairs)
    assert all(loads[j] <= instance["capacity"][j] for j in loads)
    assert all(len(plan.new.get(s, [])) <= need for s, need in instance["needs"].items())
    bound = max_flow_bound(instance["needs"], instance["capacity"], instance["allowed"])
    assert len(pairs) == bound
    if bound == sum(instance["needs"].values()):
        assert all(
            len(plan.new.get(s, [])) == need for s, need in instance["needs"].items() if need
        )


def test_plan_assignments_with_nobody_free_returns_empty_plan():
    plan = plan_assignments(needs={1: 3}, capacity={7: 0}, allowed={1: [7]})

    assert plan.new == {}


# --- properties of the whole run (database) -------------------------------------------------

COUNTRIES = ("IE", "FR", "KE", "BR")


@st.composite
def juries(draw):
    n_jurors = draw(st.integers(1, 4))
    n_submissions = draw(st.integers(1, 4))
    return {
        "k": draw(st.integers(1, 3)),
        "max_load": draw(st.integers(1, 3)),
        "nationalities": draw(
            st.lists(st.sampled_from(COUNTRIES), min_size=n_jurors, max_size=n_jurors)
        ),
        "origins": draw(
            st.lists(st.sampled_from(COUNTRIES), min_size=n_submissions, max_size=n_submissions)
        ),
        "ties": draw(
            st.sets(st.tuples(st.integers(0, n_jurors - 1), st.sampled_from(COUNTRIES)), max_size=3)
        ),
    }


@pytest.fixture
def base():
    """What every example shares: the test framework and a secretary."""
    from tests.calls.factories import secretary, small_framework

    return {"framework": small_framework(), "secretary": secretary()}


def _eligible_row(call, code: str):
    """An eligible submission row from a new city of ``code`` (set-up, no screening)."""
    from learningcities.accounts.enums import OrganisationKind
    from learningcities.accounts.models import Organisation
    from learningcities.calls.models import Submission
    from tests.factories import CityFactory

    city = CityFactory(country=country(code))
    organisation = Organisation.objects.create(
        kind=OrganisationKind.CITY, name=str(city), city=city, country_id=code
    )
    return Submission.objects.create(
        call=call, city=city, organisation=organisation, country_id=code, state=S.ELIGIBLE
    )


@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(jury=juries())
def test_auto_assign_property_no_conflict_loads_within_limit_k_when_feasible(base, jury):
    from django.db import transaction

    with transaction.atomic():
        call = make_call(framework=base["framework"], min_reviews=jury["k"])
        panel = make_panel(call, max_load=jury["max_load"])
        jurors = [make_juror(panel, code) for code in jury["nationalities"]]
        for index, code in sorted(jury["ties"]):
            record_tie(jurors[index], kind=TieKind.WORK, country=country(code), actor=None)
        submissions = [_eligible_row(call, code) for code in jury["origins"]]
        tied = {(j, code) for j, code in jury["ties"]} | set(enumerate(jury["nationalities"]))
        allowed = {
            s: [j for j in range(len(jurors)) if (j, jury["origins"][s]) not in tied]
            for s in range(len(submissions))
        }
        bound = max_flow_bound(
            dict.fromkeys(range(len(submissions)), jury["k"]),
            dict.fromkeys(range(len(jurors)), jury["max_load"]),
            allowed,
        )

        report = auto_assign(panel, actor=base["secretary"])

        pairs = set(Assignment.objects.values_list("submission_id", "juror_id"))
        index_of = {juror.pk: j for j, juror in enumerate(jurors)}
        position = {submission.pk: s for s, submission in enumerate(submissions)}
        assert all(index_of[j] in allowed[position[s]] for s, j in pairs)
        assert max(Counter(j for _s, j in pairs).values(), default=0) <= jury["max_load"]
        assert len(pairs) == bound == report.created
        short = {item.submission_id for item in report.short}
        got = Counter(s for s, _j in pairs)
        assert short == {sub.pk for sub in submissions if got[sub.pk] < jury["k"]}
        assert all(item.reasons for item in report.short)
        if bound == jury["k"] * len(submissions):
            assert report.short == []
        transaction.set_rollback(True)


def test_auto_assign_replaces_assignment_of_person_no_longer_juror(jury):
    from learningcities.accounts.models import Affiliation

    panel, submission, cast = jury
    leaving = make_juror(panel, "FR")
    make_juror(panel, "KE")
    make_juror(panel, "BR")
    assign(panel, submission, leaving)
    Affiliation.objects.filter(user=leaving).delete()

    report = auto_assign(panel, actor=cast.secretary)

    assigned = set(Assignment.objects.filter(submission=submission).values_list("juror", flat=True))
    assert leaving.pk not in assigned
    assert (len(assigned), report.dropped) == (2, 1)


# --- the juror's notice ---------------------------------------------------------------------


def assignment_mails():
    return list(OutboxMessage.objects.filter(template_code=ASSIGNMENT_MAIL).order_by("pk"))


def test_assign_submission_mails_the_juror_without_naming_the_city(jury):
    panel, submission, cast = jury
    cast.city.name = "Qwyxlborough"
    cast.city.save(update_fields=["name"])
    panel.phases.update(sees_identity=False)
    juror = make_juror(panel, "FR")

    assign_submission(panel, submission, juror, actor=cast.secretary)

    [mail] = assignment_mails()
    assert (mail.recipients, mail.language) == ([juror.email], "en")
    assert f"{settings.LC_SITE_URL}{reverse('reviews:jury-workspace')}" in mail.body
    assert f"1 application of the call “{cast.call.title}” was assigned" in mail.body
    assert f"Application {submission.pk}" in mail.body
    assert "Qwyxlborough" not in mail.subject + mail.body


def test_assign_submission_mails_the_juror_in_their_language(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "FR")
    juror.language = "fr"
    juror.save(update_fields=["language"])

    assign_submission(panel, submission, juror, actor=cast.secretary)

    [mail] = assignment_mails()
    assert mail.language == "fr"
    assert f"{settings.LC_SITE_URL}/fr/jury/" in mail.body
    assert f"Candidature {submission.pk}" in mail.body


def test_assign_submission_refused_mails_nobody(jury):
    panel, submission, cast = jury
    juror = make_juror(panel, "IE")  # conflicted: same nationality as the city

    with pytest.raises(ReviewError):
        assign_submission(panel, submission, juror, actor=cast.secretary)

    assert assignment_mails() == []


def test_unassign_submission_mails_nobody(jury):
    panel, submission, cast = jury
    assignment = assign(panel, submission, make_juror(panel, "FR"))

    unassign_submission(assignment, actor=cast.secretary)

    assert assignment_mails() == []


def test_auto_assign_mails_each_juror_once_with_the_count():
    call = make_call(min_reviews=2)
    panel = make_panel(call, max_load=3)
    submissions = [eligible(call, code)[0] for code in ("IE", "DE", "IT")]
    jurors = [make_juror(panel, "FR"), make_juror(panel, "KE")]

    auto_assign(panel, actor=make_user_secretary())

    mails = assignment_mails()
    assert sorted(mail.recipients[0] for mail in mails) == sorted(j.email for j in jurors)
    numbers = ", ".join(f"Application {s.pk}" for s in sorted(submissions, key=lambda s: s.pk))
    for mail in mails:
        assert f"3 applications of the call “{call.title}” were assigned" in mail.body
        assert numbers in mail.body
        assert all(str(s.city) not in mail.subject + mail.body for s in submissions)


def test_auto_assign_twice_mails_only_the_first_time(jury):
    panel, _submission, cast = jury
    for code in ("FR", "KE"):
        make_juror(panel, code)
    auto_assign(panel, actor=cast.secretary)

    auto_assign(panel, actor=cast.secretary)

    assert len(assignment_mails()) == 2


# --- the exact result of a run on a fixed input ---------------------------------------------


def _fixed_jury():
    """A call asking 2 reviews of 8 submissions, 7 jurors (load limit 2) and a history.

    Ties, a recusal, a city tie, kept, conflicted and former jurors'
    assignments with and without submitted reviews: every branch of a run.
    """
    from learningcities.accounts.models import Affiliation
    from tests.calls.factories import secretary

    call = make_call(min_reviews=2)
    panel = make_panel(call, max_load=2)
    origins = ("IE", "FR", "KE", "BR", "DE", "JP", "IE", "KE")
    submissions = [_eligible_row(call, code) for code in origins]
    submissions[6].state = S.IN_REVIEW
    submissions[6].save(update_fields=["state"])
    # Named in creation order: the run breaks ties by name, and factory names'
    # numbers depend on the tests run before ("person10" sorts before "person9").
    jurors = [
        make_juror(panel, code, name=f"Juror {index}")
        for index, code in enumerate(("FR", "FR", "KE", "BR", "DE", "JP", "IE"))
    ]
    record_tie(jurors[2], kind=TieKind.WORK, country=country("BR"), actor=None)
    record_tie(
        jurors[3],
        kind=TieKind.DECLARED,
        city=submissions[4].city,
        reason="Former adviser.",
        actor=None,
    )
    Recusal.objects.create(submission=submissions[2], juror=jurors[0], reason="A friend.")
    assign(panel, submissions[0], jurors[1])  # kept
    assign(panel, submissions[1], jurors[0])  # conflicted (nationality), draft: dropped
    submitted_review(assign(panel, submissions[2], jurors[2]), {})  # conflicted, kept
    former = [make_juror(panel, "JP", name=f"Juror {index}") for index in (7, 8)]
    submitted_review(assign(panel, submissions[5], former[0]), {})  # counts
    assign(panel, submissions[7], former[1])  # dropped
    Affiliation.objects.filter(user__in=former).delete()
    return panel, submissions, jurors + former, secretary()


def _index_of(objects) -> dict[int, int]:
    """Return ``{pk: position}``: results named by position, whatever the ids."""
    return {obj.pk: position for position, obj in enumerate(objects)}


def _pair_rows(s_index: dict, j_index: dict) -> list[tuple[int, int]]:
    pairs = Assignment.objects.values_list("submission", "juror")
    return sorted((s_index[s], j_index[j]) for s, j in pairs)


def _short_rows(report, s_index: dict) -> list[tuple]:
    return [
        (
            s_index[item.submission_id],
            item.required,
            item.assigned,
            item.jurors,
            item.free_of_conflict,
            item.conflicts,
            item.at_limit,
            item.reasons,
        )
        for item in report.short
    ]


def _load_rows(report, j_index: dict) -> list[tuple]:
    return [
        (j_index[load.juror_id], load.region, load.load, load.new, load.max_load)
        for load in report.loads
    ]


def _mail_rows(jurors, j_index: dict) -> list[tuple[int, int]]:
    """Return ``(juror, applications named)`` of each assignment mail, by juror."""
    by_email = {juror.email: juror.pk for juror in jurors}
    return sorted(
        (j_index[by_email[mail.recipients[0]]], mail.body.count("Application "))
        for mail in assignment_mails()
    )


def test_auto_assign_exact_result_on_fixed_input():
    panel, submissions, jurors, actor = _fixed_jury()
    s_index, j_index = _index_of(submissions), _index_of(jurors)

    report = auto_assign(panel, actor=actor)

    pairs = _pair_rows(s_index, j_index)
    methods = Counter(Assignment.objects.values_list("method", flat=True))
    states = list(Submission.objects.order_by("pk").values_list("state", flat=True))
    counts = (
        report.submissions,
        report.required,
        report.kept,
        report.created,
        report.dropped,
        report.moved_to_review,
        report.conflicted_kept,
    )
    short = _short_rows(report, s_index)
    loads = _load_rows(report, j_index)
    mails = _mail_rows(jurors, j_index)
    entry = ActivityLogEntry.objects.get(action="reviews.assignment.auto")
    assert pairs == [
        (0, 1), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3), (3, 0), (3, 5),
        (4, 6), (5, 0), (5, 7), (6, 2), (6, 4), (7, 5), (7, 6),
    ]  # fmt: skip
    assert methods == {AssignmentMethod.AUTOMATIC: 12, AssignmentMethod.MANUAL: 3}
    assert states == [S.IN_REVIEW] * 8
    assert counts == (8, 16, 2, 12, 2, 7, 1)
    at_limit = ["every other juror without a conflict is at the load limit"]
    assert short == [
        (0, 2, 1, 7, 6, {"nationality": 1}, 5, at_limit),
        (4, 2, 1, 7, 5, {"declared": 1, "nationality": 1}, 4, at_limit),
    ]
    europe, africa = "Europe and North America", "Africa"
    assert loads == [
        (0, europe, 2, 2, 2),
        (1, europe, 2, 1, 2),
        (2, africa, 2, 1, 2),
        (3, "Latin America and the Caribbean", 2, 2, 2),
        (4, europe, 2, 2, 2),
        (5, "Asia and the Pacific", 2, 2, 2),
        (6, europe, 2, 2, 2),
    ]
    assert mails == [(0, 2), (1, 1), (2, 1), (3, 2), (4, 2), (5, 2), (6, 2)]
    assert entry.changes == {
        "submissions": [None, 8],
        "required": [None, 16],
        "kept": [None, 2],
        "created": [None, 12],
        "dropped": [None, 2],
        "moved_to_review": [None, 7],
        "short": [None, 2],
    }
