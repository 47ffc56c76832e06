"""Who reviews what: manual assignment, and the automatic one solved as a min-cost flow.

Every submission of the call that is eligible or in review is to get
``call.min_reviews`` (k) reviews; no juror takes more than ``panel.max_load``
submissions; a conflicted juror never gets one. ``auto_assign`` keeps the
assignments already made, drops those that became conflicted (unless the
review was submitted), and fills the gaps by a min-cost maximum flow
(OR-Tools' ``SimpleMinCostFlow``):

    source -> submission (capacity: reviews still needed)
           -> (submission, region) (the first reviewer of a region not yet among
              the submission's reviewers is free, any other costs ``region_cost``)
           -> juror (capacity 1, only if not conflicted and not yet assigned)
           -> sink (one arc per unit of the juror's spare load, costing the
              load it brings the juror to: convex, so loads balance)

The flow is maximal first, then cheapest: the costs are preferences that
never leave a review unassigned that could have been assigned. A submission
left short is short because every juror free of conflicts with it is
assigned already or at the load limit (otherwise an augmenting path would
exist); the report says which.

A run reads as its steps: ``_load_pool`` (jurors, submissions, and their
conflicts from ``queries.conflicts.conflict_map``, the one computation of
conflicts), ``_sort_existing`` (what becomes of each assignment made
before), ``_choose_jurors`` (``plan_assignments``), ``_write_assignments``,
``_report`` and ``_log_and_notify``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import SubmissionState, assignable_states
from learningcities.calls.models import Call, Submission
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message
from learningcities.network.enums import Region

from ..enums import AssignmentMethod, ConflictReason, ReviewState
from ..models import Assignment, Panel, Review
from .errors import ReviewError
from .queries.conflicts import conflict_map, conflict_reasons, prefetch_juror_ties, recused_pairs
from .record import check_jury_record_open
from .revision import bump_scores_revision

S = SubmissionState
# The states in which a submission is assigned to jurors.
UNKNOWN_REGION = ""
# The mail telling a juror that applications were assigned to them.
ASSIGNMENT_MAIL = "reviews.assignment.new"


# --- the solver: plain data in, plain data out --------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The new assignments of a run: ``{submission key: [juror key, ...]}``."""

    new: dict
    cost: int = 0

    def count(self) -> int:
        return sum(len(jurors) for jurors in self.new.values())


class _FlowGraph:
    """The arcs of a min-cost flow problem, numbered in the order they are added."""

    SOURCE, SINK = 0, 1

    def __init__(self, first_free_node: int):
        self.tails: list[int] = []
        self.heads: list[int] = []
        self.capacities: list[int] = []
        self.costs: list[int] = []
        self.next_node = first_free_node

    def node(self) -> int:
        """Return a new node's number."""
        self.next_node += 1
        return self.next_node - 1

    def arc(self, tail: int, head: int, cap: int, cost: int) -> int:
        """Add an arc and return its index."""
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(cap)
        self.costs.append(cost)
        return len(self.tails) - 1

    def solve(self, supply: int):
        """Return the solved OR-Tools flow that carries ``supply`` from source to sink."""
        from ortools.graph.python import min_cost_flow

        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, self.capacities, self.costs
        )
        flow.set_node_supply(self.SOURCE, supply)
        flow.set_node_supply(self.SINK, -supply)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:  # pragma: no cover - the graph is well-formed by construction
            raise ReviewError(_("The assignment could not be solved."), code="solver_failed")
        return flow


@dataclass(frozen=True)
class _Problem:
    """The input of ``plan_assignments``, with the submissions and jurors that take part."""

    needs: Mapping
    capacity: Mapping
    allowed: Mapping
    juror_region: Mapping
    covered_regions: Mapping
    current_load: Mapping
    submissions: list
    jurors: list

    @classmethod
    def of(
        cls, *, needs, capacity, allowed, juror_region, covered_regions, current_load
    ) -> _Problem:
        """Return the problem, keeping the submissions in need and the jurors with spare load."""
        return cls(
            needs=needs,
            capacity=capacity,
            allowed=allowed,
            juror_region=juror_region or {},
            covered_regions=covered_regions or {},
            current_load=current_load or {},
            submissions=[key for key, need in needs.items() if need > 0 and allowed.get(key)],
            jurors=[key for key, spare in capacity.items() if spare > 0],
        )

    def default_region_cost(self) -> int:
        """Worth as much as one juror carrying the mean load more than another."""
        total_need = sum(self.needs[key] for key in self.submissions)
        return max(1, -(-total_need // len(self.jurors)))

    def jurors_by_region(self, submission, juror_node: Mapping) -> list[tuple[str, list]]:
        """Return the allowed jurors of ``submission`` grouped by region, regions sorted."""
        by_region: dict[str, list] = defaultdict(list)
        for juror in self.allowed[submission]:
            if juror in juror_node:
                by_region[self.juror_region.get(juror, UNKNOWN_REGION)].append(juror)
        return sorted(by_region.items())


def _add_submission_arcs(
    graph: _FlowGraph, problem: _Problem, submission, *, juror_node: Mapping, region_cost: int
) -> list[tuple[int, object, object]]:
    """Add the arcs source -> submission -> (submission, region) -> juror; return the last ones.

    The first reviewer from a region not yet covered is free, any other costs
    ``region_cost``. Returns ``(arc index, submission, juror)`` of the arcs
    that stand for a review.
    """
    need = problem.needs[submission]
    node = graph.node()
    graph.arc(graph.SOURCE, node, need, 0)
    covered = set(problem.covered_regions.get(submission, ()))
    review_arcs = []
    for region, region_jurors in problem.jurors_by_region(submission, juror_node):
        region_node = graph.node()
        if region in covered or region == UNKNOWN_REGION:
            graph.arc(node, region_node, need, region_cost)
        else:
            graph.arc(node, region_node, 1, 0)
            if need > 1:
                graph.arc(node, region_node, need - 1, region_cost)
        for juror in region_jurors:
            index = graph.arc(region_node, juror_node[juror], 1, 0)
            review_arcs.append((index, submission, juror))
    return review_arcs


def _add_juror_arcs(graph: _FlowGraph, problem: _Problem, *, juror_node: Mapping) -> None:
    """Add one arc juror -> sink per unit of spare load, costing the load it brings."""
    for juror in problem.jurors:
        load = problem.current_load.get(juror, 0)
        for unit in range(problem.capacity[juror]):
            # Convex: the (load + 1)-th submission costs more than the load-th.
            graph.arc(juror_node[juror], graph.SINK, 1, load + unit + 1)


def plan_assignments(
    *,
    needs: Mapping,
    capacity: Mapping,
    allowed: Mapping[object, Iterable],
    juror_region: Mapping | None = None,
    covered_regions: Mapping[object, Iterable[str]] | None = None,
    current_load: Mapping | None = None,
    region_cost: int | None = None,
) -> Plan:
    """Return new assignments: as many as can be made, then the cheapest.

    ``needs``: reviews still needed per submission; ``capacity``: submissions
    each juror may still take; ``allowed``: per submission, the jurors that
    may review it (not conflicted, not assigned yet); ``juror_region``: each
    juror's region; ``covered_regions``: per submission, the regions of the
    reviewers it has; ``current_load``: each juror's load before the run.
    No juror gets a submission twice or beyond its capacity; no submission
    gets more than it needs.
    """
    problem = _Problem.of(
        needs=needs,
        capacity=capacity,
        allowed=allowed,
        juror_region=juror_region,
        covered_regions=covered_regions,
        current_load=current_load,
    )
    if not problem.submissions or not problem.jurors:
        return Plan(new={})
    if region_cost is None:
        region_cost = problem.default_region_cost()
    # Nodes: 0 the source, 1 the sink, then the jurors, then submissions and regions.
    juror_node = {key: 2 + index for index, key in enumerate(problem.jurors)}
    graph = _FlowGraph(first_free_node=2 + len(problem.jurors))
    review_arcs = []
    for submission in problem.submissions:
        review_arcs += _add_submission_arcs(
            graph, problem, submission, juror_node=juror_node, region_cost=region_cost
        )
    _add_juror_arcs(graph, problem, juror_node=juror_node)
    flow = graph.solve(sum(needs[key] for key in problem.submissions))
    new: dict = defaultdict(list)
    for index, submission, juror in review_arcs:
        if flow.flow(index) > 0:
            new[submission].append(juror)
    return Plan(new=dict(new), cost=int(flow.optimal_cost()))


# --- the report ------------------------------------------------------------------------------


@dataclass
class ShortSubmission:
    """A submission left with fewer reviewers than the call asks, and why."""

    submission_id: int
    city: str
    country: str
    required: int
    assigned: int
    jurors: int
    free_of_conflict: int
    conflicts: dict[str, int]
    at_limit: int

    @property
    def missing(self) -> int:
        return self.required - self.assigned

    @property
    def reasons(self) -> list[str]:
        """Why no more jurors could be assigned, in words."""
        found: list[str] = []
        if self.free_of_conflict < self.required:
            found.append(
                ngettext(
                    "only %(n)s juror is free of conflicts with %(city)s (%(country)s)",
                    "only %(n)s jurors are free of conflicts with %(city)s (%(country)s)",
                    self.free_of_conflict,
                )
                % {"n": self.free_of_conflict, "city": self.city, "country": self.country}
            )
            if self.conflicts:
                found.append(
                    _("conflicts: %(reasons)s")
                    % {
                        "reasons": ", ".join(
                            f"{ConflictReason(reason).label} {count}"
                            for reason, count in sorted(self.conflicts.items())
                        )
                    }
                )
        if self.at_limit:
            if self.at_limit + self.assigned >= self.free_of_conflict:
                found.append(_("every other juror without a conflict is at the load limit"))
            else:
                found.append(
                    ngettext(
                        "%(n)s juror without a conflict is at the load limit",
                        "%(n)s jurors without a conflict are at the load limit",
                        self.at_limit,
                    )
                    % {"n": self.at_limit}
                )
        return found


@dataclass
class JurorLoad:
    juror_id: int
    name: str
    region: str
    load: int
    new: int
    max_load: int


@dataclass
class AssignmentReport:
    """What one run of ``auto_assign`` did and could not do."""

    submissions: int = 0
    required: int = 0
    kept: int = 0
    created: int = 0
    dropped: int = 0
    moved_to_review: int = 0
    short: list[ShortSubmission] = field(default_factory=list)
    loads: list[JurorLoad] = field(default_factory=list)
    conflicted_kept: int = 0
    seconds: float = 0.0

    @property
    def assigned(self) -> int:
        """Reviews now assigned towards the requirement (kept plus created)."""
        return self.kept + self.created

    @property
    def complete(self) -> bool:
        return not self.short

    def summary(self) -> str:
        return _(
            "%(submissions)s submissions need %(required)s reviews: %(assigned)s assigned "
            "(%(kept)s kept, %(created)s new), %(missing)s missing; %(dropped)s conflicted "
            "assignments dropped."
        ) % {
            "submissions": self.submissions,
            "required": self.required,
            "assigned": self.assigned,
            "kept": self.kept,
            "created": self.created,
            "missing": self.required - self.assigned,
            "dropped": self.dropped,
        }


# --- reads shared by the pages and the run ---------------------------------------------------


def panel_jurors(panel: Panel) -> list[User]:
    """Return the panel's active jurors with their nationality (one query), by name."""
    return list(
        User.objects.filter(
            is_active=True,
            affiliations__organisation_id=panel.organisation_id,
            affiliations__role=Role.JUROR,
        )
        .select_related("nationality")
        .distinct()
        .order_by("name", "email")
    )


def juror_region(juror: User) -> str:
    nationality = juror.nationality
    return (nationality.region or UNKNOWN_REGION) if nationality else UNKNOWN_REGION


def is_panel_juror(panel: Panel, juror: User) -> bool:
    return (
        juror.is_active
        and juror.affiliations.filter(
            organisation_id=panel.organisation_id, role=Role.JUROR
        ).exists()
    )


def conflicted_assignments(
    panel: Panel, *, jurors: Iterable[User] = ()
) -> list[tuple[Assignment, frozenset[str]]]:
    """Return the panel's assignments whose juror is now conflicted, with the reasons.

    ``jurors`` may give people whose ties are read already (``prefetch_juror_ties``).
    A fixed number of queries: the assignments with their submission, juror
    and review, the ties of the jurors not given, the recusals.
    """
    known = {juror.pk: juror for juror in jurors}
    assignments = list(
        Assignment.objects.filter(panel=panel)
        .select_related("submission__city", "submission__country", "juror__nationality", "review")
        .order_by("submission__city__name", "pk")
    )
    unknown = {}
    for assignment in assignments:
        if assignment.juror_id in known:
            assignment.juror = known[assignment.juror_id]
        else:
            unknown[assignment.juror_id] = assignment.juror
    prefetch_juror_ties(unknown.values())
    for assignment in assignments:
        assignment.juror = known.get(assignment.juror_id) or unknown[assignment.juror_id]
    recused = recused_pairs({assignment.submission_id for assignment in assignments})
    found = []
    for assignment in assignments:
        reasons = conflict_reasons(
            assignment.juror,
            assignment.submission,
            recused=(assignment.submission_id, assignment.juror_id) in recused,
        )
        if reasons:
            found.append((assignment, reasons))
    return found


# --- writes ----------------------------------------------------------------------------------


def _notify_assigned_juror(call: Call, juror: User, submission_ids: Sequence[int]) -> None:
    """Queue one mail telling ``juror`` that the submissions were assigned to them.

    The mail names applications by number ("Application 17"), never by city,
    whatever the phase in force: it outlives the phase (it may stay held in
    the outbox, and stays in the inbox), and a later phase may hide identities.
    Written in the juror's language, with the absolute link to the jury page.
    """
    language = juror.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "call": call.title,
            "count": len(submission_ids),
            "applications": ", ".join(
                _("Application %(number)s") % {"number": pk} for pk in sorted(submission_ids)
            ),
            "link": settings.LC_SITE_URL + reverse("reviews:jury-workspace"),
        }
    queue_message(
        ASSIGNMENT_MAIL,
        recipients=[juror.email],
        context=context,
        related_object=call,
        language=language,
    )


def _move_to_review(submission: Submission, *, actor, now: dt.datetime | None = None) -> bool:
    if submission.state != S.ELIGIBLE:
        return False
    transition(submission, S.IN_REVIEW, actor=actor, now=now)
    return True


@transaction.atomic
def assign_submission(panel: Panel, submission: Submission, juror: User, *, actor) -> Assignment:
    """Assign ``juror`` to review ``submission`` (by hand).

    Refused with ReviewError when the submission is of another call
    (``wrong_call``) or not eligible or in review (``not_assignable``), the
    person is not an active juror of the panel (``not_a_juror``), is
    assigned already (``assigned_already``), is conflicted with it
    (``conflicted``, naming the reasons) or is at the panel's load limit
    (``max_load``). Effects: the assignment (method ``manual``, by
    ``actor``); an eligible submission moves to ``in_review`` through
    ``transition`` (by ``actor``, who must be of the secretariat); activity
    ``reviews.assignment.add``; the juror's mail ``reviews.assignment.new``
    (queued in the outbox, sent once the transaction commits).
    """
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    if submission.call_id != locked.call_id:
        raise ReviewError(
            _("This submission was made to another call than the panel's."), code="wrong_call"
        )
    if submission.state not in assignable_states:
        raise ReviewError(
            _(
                "Only eligible submissions and submissions in review are assigned; "
                "this one is “%(state)s”."
            )
            % {"state": submission.get_state_display()},
            code="not_assignable",
        )
    if not is_panel_juror(locked, juror):
        raise ReviewError(
            _("%(person)s is not a juror of this panel.") % {"person": juror}, code="not_a_juror"
        )
    if Assignment.objects.filter(submission=submission, juror=juror).exists():
        raise ReviewError(
            _("%(juror)s is assigned to this submission already.") % {"juror": juror},
            code="assigned_already",
        )
    reasons = conflict_reasons(juror, submission)
    if reasons:
        raise ReviewError(
            _("%(juror)s has a conflict of interest with %(city)s: %(reasons)s.")
            % {
                "juror": juror,
                "city": submission.city,
                "reasons": ", ".join(
                    str(ConflictReason(reason).label) for reason in sorted(reasons)
                ),
            },
            code="conflicted",
        )
    load = Assignment.objects.filter(panel=locked, juror=juror).count()
    if load >= locked.max_load:
        raise ReviewError(
            _("%(juror)s has %(load)s submissions, the panel's limit.")
            % {"juror": juror, "load": load},
            code="max_load",
        )
    assignment = Assignment.objects.create(
        panel=locked,
        submission=submission,
        juror=juror,
        method=AssignmentMethod.MANUAL,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _move_to_review(submission, actor=actor)
    bump_scores_revision([locked.pk])
    record_activity(
        "reviews.assignment.add",
        actor=actor,
        organisation=None,  # who reviews an application is not for its city (nor other jurors)
        subject=assignment,
        changes={
            "submission": [None, str(submission.pk)],
            "juror": [None, str(juror.pk)],
            "method": [None, AssignmentMethod.MANUAL],
        },
    )
    _notify_assigned_juror(submission.call, juror, [submission.pk])
    return assignment


@transaction.atomic
def unassign_submission(assignment: Assignment, *, actor) -> None:
    """Remove an assignment; refused once its review was submitted (``review_submitted``).

    Refused as well once the jury's work on the submission is over
    (``frozen``: reviewed, decided or in a final state, ``domain.record``).
    Effects: the assignment deleted with any draft review; activity
    ``reviews.assignment.remove``. The submission stays in review.
    """
    # Locked first, so that the review's state read next cannot change
    # before the deletion (``submit_review`` locks the submission too).
    check_jury_record_open(assignment.submission, panel=None)
    review_state = (
        Review.objects.filter(assignment=assignment).values_list("state", flat=True).first()
    )
    if review_state == ReviewState.SUBMITTED:
        raise ReviewError(
            _("%(juror)s has submitted the review: the assignment stays (a recusal removes it).")
            % {"juror": assignment.juror},
            code="review_submitted",
        )
    record_activity(
        "reviews.assignment.remove",
        actor=actor,
        organisation=None,  # as for reviews.assignment.add
        subject=assignment,
        changes={
            "submission": [str(assignment.submission_id), None],
            "juror": [str(assignment.juror_id), None],
            "had_draft": [review_state == ReviewState.DRAFT, None],
        },
    )
    assignment.delete()
    bump_scores_revision([assignment.panel_id])


# --- the automatic run, step by step ----------------------------------------------------------


@dataclass
class _Pool:
    """What a run works with: the panel's jurors, the call's assignable submissions, conflicts."""

    panel: Panel
    jurors: list[User]
    submissions: list[Submission]
    conflicts: dict[tuple[int, int], frozenset[str]]

    def __post_init__(self):
        self.by_id = {juror.pk: juror for juror in self.jurors}
        self.submission_ids = {submission.pk for submission in self.submissions}
        self.regions = {juror.pk: juror_region(juror) for juror in self.jurors}

    @property
    def k(self) -> int:
        return self.panel.call.min_reviews

    def free_jurors(self, submission_id: int) -> list[int]:
        """Return the ids of the jurors not conflicted with the submission, in the pool's order."""
        return [
            juror.pk for juror in self.jurors if (submission_id, juror.pk) not in self.conflicts
        ]


def _load_pool(panel: Panel) -> _Pool:
    """Lock the panel and read its jurors (with their ties), submissions and conflicts."""
    panel = Panel.objects.select_for_update().select_related("call").get(pk=panel.pk)
    jurors = panel_jurors(panel)
    prefetch_juror_ties(jurors)
    submissions = list(
        Submission.objects.filter(call=panel.call, state__in=assignable_states)
        .select_related("city", "country", "organisation")
        .order_by("pk")
    )
    recused = recused_pairs(submission.pk for submission in submissions)
    conflicts = conflict_map(jurors, submissions, recused)
    return _Pool(panel=panel, jurors=jurors, submissions=submissions, conflicts=conflicts)


# What becomes of an assignment made before the run (``_fate``).
_DROP, _COUNTS, _CONFLICTED_KEPT, _ELSEWHERE = "drop", "counts", "conflicted_kept", "elsewhere"


def _fate(pool: _Pool, submission_id: int, juror_id: int, review_state: str | None) -> str:
    """Say what the run does with an existing assignment.

    A person who left the panel reviews no more: like a conflicted juror,
    replaced unless the review is in, and then the review counts. A
    conflicted juror's submitted review stays but does not count.
    """
    if submission_id not in pool.submission_ids:
        return _ELSEWHERE
    conflicted = (submission_id, juror_id) in pool.conflicts
    if (conflicted or juror_id not in pool.by_id) and review_state != ReviewState.SUBMITTED:
        return _DROP
    return _CONFLICTED_KEPT if conflicted else _COUNTS


@dataclass
class _Standing:
    """The assignments made before the run, sorted by their fate."""

    drop: list[int] = field(default_factory=list)
    counted: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    assigned_pairs: set[tuple[int, int]] = field(default_factory=set)
    conflicted_kept: int = 0
    load: Counter = field(default_factory=Counter)


def _sort_existing(pool: _Pool) -> _Standing:
    """Read the panel's assignments and sort them: dropped, counted, kept though conflicted."""
    standing = _Standing()
    for pk, submission_id, juror_id, review_state in Assignment.objects.filter(
        panel=pool.panel
    ).values_list("pk", "submission_id", "juror_id", "review__state"):
        fate = _fate(pool, submission_id, juror_id, review_state)
        if fate == _DROP:
            standing.drop.append(pk)
            continue
        standing.assigned_pairs.add((submission_id, juror_id))
        standing.load[juror_id] += 1
        if fate == _CONFLICTED_KEPT:
            standing.conflicted_kept += 1
        elif fate == _COUNTS:
            standing.counted[submission_id].append(juror_id)
    return standing


def _choose_jurors(pool: _Pool, standing: _Standing) -> Plan:
    """Return the new assignments: the gaps filled by load and regional balance."""
    needs = {
        submission.pk: max(0, pool.k - len(standing.counted[submission.pk]))
        for submission in pool.submissions
    }
    allowed = {
        submission_id: [
            juror_id
            for juror_id in pool.free_jurors(submission_id)
            if (submission_id, juror_id) not in standing.assigned_pairs
        ]
        for submission_id, need in needs.items()
        if need
    }
    return plan_assignments(
        needs=needs,
        capacity={
            juror.pk: max(0, pool.panel.max_load - standing.load[juror.pk]) for juror in pool.jurors
        },
        allowed=allowed,
        juror_region=pool.regions,
        covered_regions={
            submission_id: {pool.regions.get(juror_id, UNKNOWN_REGION) for juror_id in juror_ids}
            for submission_id, juror_ids in standing.counted.items()
        },
        current_load=standing.load,
    )


def _write_assignments(
    pool: _Pool, standing: _Standing, plan: Plan, *, actor, now: dt.datetime | None
) -> int:
    """Delete the dropped assignments, create the planned ones, move submissions to review.

    Returns how many submissions moved to ``in_review``.
    """
    if standing.drop:
        Assignment.objects.filter(pk__in=standing.drop).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(
                panel=pool.panel,
                submission_id=submission_id,
                juror_id=juror_id,
                method=AssignmentMethod.AUTOMATIC,
            )
            for submission_id, juror_ids in plan.new.items()
            for juror_id in juror_ids
        ],
        batch_size=1000,
    )
    if standing.drop or plan.new:
        bump_scores_revision([pool.panel.pk])
    moved = 0
    for submission in pool.submissions:
        if standing.counted[submission.pk] or plan.new.get(submission.pk):
            moved += _move_to_review(submission, actor=actor, now=now)
    return moved


def _short_submission(
    pool: _Pool, submission: Submission, *, mine: set[int], load: Counter
) -> ShortSubmission:
    """Describe ``submission``, which has only the reviewers ``mine``, for the report."""
    free = pool.free_jurors(submission.pk)
    reasons_count: Counter[str] = Counter()
    for juror in pool.jurors:
        reasons_count.update(pool.conflicts.get((submission.pk, juror.pk), ()))
    return ShortSubmission(
        submission_id=submission.pk,
        city=str(submission.city),
        country=str(submission.country),
        required=pool.k,
        assigned=len(mine),
        jurors=len(pool.jurors),
        free_of_conflict=len(free),
        conflicts=dict(reasons_count),
        at_limit=sum(
            1 for juror_id in free if juror_id not in mine and load[juror_id] >= pool.panel.max_load
        ),
    )


def _report(pool: _Pool, standing: _Standing, plan: Plan, *, moved: int) -> AssignmentReport:
    """Return the run's report: counts, each submission left short, each juror's load."""
    k = pool.k
    new_load = Counter(juror_id for ids in plan.new.values() for juror_id in ids)
    load = standing.load + new_load
    report = AssignmentReport(
        submissions=len(pool.submissions),
        required=k * len(pool.submissions),
        kept=sum(min(k, len(ids)) for ids in standing.counted.values()),
        created=plan.count(),
        dropped=len(standing.drop),
        moved_to_review=moved,
        conflicted_kept=standing.conflicted_kept,
    )
    for submission in pool.submissions:
        # Counted and new reviewers are distinct people: the solver skips assigned pairs.
        mine = [*standing.counted[submission.pk], *plan.new.get(submission.pk, ())]
        if len(mine) < k:
            report.short.append(_short_submission(pool, submission, mine=set(mine), load=load))
    report.loads = [
        JurorLoad(
            juror_id=juror.pk,
            name=str(juror),
            region=str(Region(pool.regions[juror.pk]).label) if pool.regions[juror.pk] else "",
            load=load[juror.pk],
            new=new_load[juror.pk],
            max_load=pool.panel.max_load,
        )
        for juror in pool.jurors
    ]
    return report


def _log_and_notify(pool: _Pool, report: AssignmentReport, plan: Plan, *, actor) -> None:
    """Record activity ``reviews.assignment.auto``; mail each juror given submissions once."""
    record_activity(
        "reviews.assignment.auto",
        actor=actor,
        organisation=pool.panel.organisation,
        subject=pool.panel,
        changes={
            name: [None, getattr(report, name)]
            for name in ("submissions", "required", "kept", "created", "dropped", "moved_to_review")
        }
        | {"short": [None, len(report.short)]},
    )
    new_by_juror: dict[int, list[int]] = defaultdict(list)
    for submission_id, new_juror_ids in plan.new.items():
        for juror_id in new_juror_ids:
            new_by_juror[juror_id].append(submission_id)
    for juror in pool.jurors:
        if new_by_juror.get(juror.pk):
            _notify_assigned_juror(pool.panel.call, juror, new_by_juror[juror.pk])


def auto_assign(panel: Panel, *, actor, now: dt.datetime | None = None) -> AssignmentReport:
    """Assign jurors to every eligible submission and submission in review of the panel's call.

    In one transaction: conflicted assignments, and those of people no
    longer jurors of the panel, without a submitted review are dropped (a
    draft goes with them); the others are kept; each
    submission then gets up to ``call.min_reviews`` assignments that count
    (a kept conflicted one with a submitted review does not count), never
    from a conflicted juror, no juror beyond ``panel.max_load``, regions
    spread and loads balanced (``plan_assignments``). New assignments are
    bulk-created (method ``automatic``); each eligible submission that has
    a reviewer moves to ``in_review`` through ``transition`` (by ``actor``,
    who must be of the secretariat); activity ``reviews.assignment.auto``
    with the counts; one mail ``reviews.assignment.new`` per juror given new
    submissions, with their count (not one per submission). Returns the
    report: counts, loads per juror, and each submission left short with
    the reasons.
    """
    started = timezone.now()
    with transaction.atomic():
        pool = _load_pool(panel)
        standing = _sort_existing(pool)
        plan = _choose_jurors(pool, standing)
        moved = _write_assignments(pool, standing, plan, actor=actor, now=now)
        report = _report(pool, standing, plan, moved=moved)
        _log_and_notify(pool, report, plan, actor=actor)
    report.seconds = (timezone.now() - started).total_seconds()
    return report


def assignment_counts(panel: Panel, jurors: Sequence[User]) -> dict[int, dict[str, int]]:
    """Return ``{juror id: {"assigned": n, "submitted": n}}`` on the panel (one query)."""
    rows = (
        Assignment.objects.filter(panel=panel, juror__in=list(jurors))
        .values("juror_id", "review__state")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {
        juror.pk: {"assigned": 0, "submitted": 0} for juror in jurors
    }
    for row in rows:
        counts[row["juror_id"]]["assigned"] += row["n"]
        if row["review__state"] == ReviewState.SUBMITTED:
            counts[row["juror_id"]]["submitted"] += row["n"]
    return counts
