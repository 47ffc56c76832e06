"""The jury's figures per submission, stored as ``ReviewAggregate`` rows, and the ranking order.

Only submitted reviews count. For one review *r* with scores ``s_c`` on the
criteria *c* of the call's framework (weights ``w_c``):

- its **mean** ``m_r = (sum of s_c) / (number of criteria)``;
- its **total** (weighted mean score) ``t_r = (sum of w_c * s_c) / (sum of w_c)``,
  on the panel's scale, so that a threshold reads in scale points.

Per submission, over its *n* submitted reviews:

- ``mean`` = the mean of the ``m_r``; ``median`` = the median of the ``m_r``;
- ``weighted_total`` = the mean of the ``t_r``;
- ``spread`` = max ``t_r`` - min ``t_r`` (0 with one review);
- ``normalised`` = the mean of the reviews' z-scores ``z_r``. For a juror *j*
  with at least ``panel.normalise_min_reviews`` submitted reviews in the
  panel and a non-zero standard deviation of their totals,
  ``z_r = (t_r - mean_j) / sd_j`` over *j*'s own totals. Any other juror
  (too few reviews, or every total equal) is not normalised on their own:
  ``z_r = (t_r - mean_P) / sd_P`` over all submitted review totals of the
  panel, so their raw totals are put on the same footing. Standard
  deviations are population ones (``statistics.pstdev``); when ``sd_P`` is
  0 too, ``z_r = 0``.
- recommendation counts, and ``disagreement`` when ``spread`` exceeds
  ``panel.disagreement_spread`` or both "admit" and "do not admit" were given.
- ``rank``: 1, 2, ... by ``normalised`` (highest first), ties broken by
  ``weighted_total`` (highest first), then by submission id (lowest first).
  A submission without a submitted review has no figures and no rank.

Every submission assigned in the panel gets one row, and so does every
submission of the panel's call in review, reviewed, decided or released
(``RANKED_STATES``) even with no assignment left (say its only juror
recused): no figures, no rank, last. The panel's agreement
is Krippendorff's alpha (interval) of the review totals, jurors by
submissions (see ``agreement``), stored on the panel.

Pure Python over ``values_list`` rows: three reads, then one delete and one
bulk insert, whatever the number of scores.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.frameworks.models import Criterion

from ..enums import Recommendation, ReviewState
from ..models import Assignment, Panel, Review, ReviewAggregate, Score

S = SubmissionState
# The states in which a submission is ranked even without an assignment: it went
# to the jury, so the secretariat must see it, if only as "no reviews". Entering
# them (an assignment) and losing an assignment both bump ``scores_revision``.
RANKED_STATES = (S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.RELEASED)


@dataclass
class ReviewFigures:
    """One submitted review, reduced to what aggregation reads."""

    juror_id: int
    submission_id: int
    recommendation: str
    mean: float
    total: float
    z: float = 0.0


@dataclass
class JurorScale:
    """A juror's own mean and standard deviation of totals, or None when not normalised."""

    reviews: int
    mean: float | None = None
    sd: float | None = None


@dataclass
class PanelFigures:
    """Everything computed for one panel, before it is stored."""

    aggregates: list[ReviewAggregate] = field(default_factory=list)
    jurors: dict[int, JurorScale] = field(default_factory=dict)
    agreement: float | None = None


def aggregates_are_stale(panel: Panel) -> bool:
    """Say whether the panel's stored aggregates need recomputing (no query).

    Every change the figures depend on bumps the panel's ``scores_revision``
    (``domain.revision``); the aggregates remember the revision they were
    computed at. ``panel`` must have been read in this request.
    """
    return panel.aggregated_revision != panel.scores_revision


def ensure_aggregates(panel: Panel) -> None:
    """Recompute the panel's ``ReviewAggregate`` rows and agreement if they are stale.

    Effects (only when stale, in one transaction, the panel row locked so
    two requests do not both recompute): the panel's aggregate rows replaced
    (delete, then one bulk insert), each at the panel's current
    ``scores_revision``; ``panel.agreement`` updated. No activity entry: the
    figures are derived data, recomputed from the logged submissions.
    """
    if not aggregates_are_stale(panel):
        return
    with transaction.atomic():
        locked = Panel.objects.select_for_update().select_related("call").get(pk=panel.pk)
        if not aggregates_are_stale(locked):
            return
        figures = compute_panel(locked)
        ReviewAggregate.objects.filter(panel=locked).delete()
        ReviewAggregate.objects.bulk_create(figures.aggregates, batch_size=500)
        Panel.objects.filter(pk=locked.pk).update(
            agreement=figures.agreement, aggregated_revision=locked.scores_revision
        )
    panel.agreement = figures.agreement
    panel.scores_revision = panel.aggregated_revision = locked.scores_revision


def compute_panel(panel: Panel) -> PanelFigures:
    """Return the panel's aggregates (unsaved) and agreement from its submitted reviews.

    Three queries: the criteria's weights, the submitted reviews, their scores;
    plus one for the submissions ranked (assigned in the panel, or in
    ``RANKED_STATES`` in its call). Reads only.
    """
    weights = {
        pk: float(weight)
        for pk, weight in Criterion.objects.filter(
            framework_id=panel.call.framework_id
        ).values_list("pk", "weight")
    }
    reviews = {
        pk: (juror_id, submission_id, recommendation)
        for pk, juror_id, submission_id, recommendation in Review.objects.filter(
            assignment__panel=panel, state=ReviewState.SUBMITTED
        ).values_list("pk", "assignment__juror_id", "assignment__submission_id", "recommendation")
    }
    scores: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for review_id, criterion_id, value in (
        Score.objects.filter(review__assignment__panel=panel, review__state=ReviewState.SUBMITTED)
        .exclude(value__isnull=True)
        .values_list("review_id", "criterion_id", "value")
        .order_by()
    ):
        scores[review_id].append((criterion_id, value))
    assigned = Assignment.objects.filter(panel=panel).values("submission_id")
    submission_ids = sorted(
        Submission.objects.filter(
            Q(pk__in=assigned) | Q(call_id=panel.call_id, state__in=RANKED_STATES)
        )
        .values_list("pk", flat=True)
        .order_by()
    )
    figures = [
        _review_figures(juror_id, submission_id, recommendation, scores.get(pk, ()), weights)
        for pk, (juror_id, submission_id, recommendation) in reviews.items()
    ]
    figures = [item for item in figures if item is not None]
    jurors = normalise(figures, min_reviews=panel.normalise_min_reviews)
    by_submission: dict[int, list[ReviewFigures]] = defaultdict(list)
    for item in figures:
        by_submission[item.submission_id].append(item)
    threshold = float(panel.disagreement_spread)
    aggregates = [
        _aggregate(panel, submission_id, by_submission.get(submission_id, []), threshold)
        for submission_id in submission_ids
    ]
    rank(aggregates)
    return PanelFigures(aggregates=aggregates, jurors=jurors, agreement=agreement(figures))


def _review_figures(juror_id, submission_id, recommendation, scored, weights):
    values = [(weights.get(criterion_id, 1.0), value) for criterion_id, value in scored]
    if not values:
        return None
    weight_sum = sum(weight for weight, _value in values)
    mean = sum(value for _weight, value in values) / len(values)
    total = sum(weight * value for weight, value in values) / weight_sum if weight_sum else mean
    return ReviewFigures(juror_id, submission_id, recommendation, mean, total)


def normalise(figures: list[ReviewFigures], *, min_reviews: int) -> dict[int, JurorScale]:
    """Set ``z`` on every review (see the module's docstring); return each juror's scale.

    A juror's ``JurorScale`` has ``mean`` and ``sd`` when their own totals
    were used, None when the panel-wide ones were.
    """
    totals_by_juror: dict[int, list[float]] = defaultdict(list)
    for item in figures:
        totals_by_juror[item.juror_id].append(item.total)
    all_totals = [item.total for item in figures]
    panel_mean = statistics.fmean(all_totals) if all_totals else 0.0
    panel_sd = statistics.pstdev(all_totals) if len(all_totals) > 1 else 0.0
    scales: dict[int, JurorScale] = {}
    for juror_id, totals in totals_by_juror.items():
        scale = JurorScale(reviews=len(totals))
        if len(totals) >= min_reviews:
            sd = statistics.pstdev(totals)
            if sd > 0:
                scale.mean, scale.sd = statistics.fmean(totals), sd
        scales[juror_id] = scale
    for item in figures:
        scale = scales[item.juror_id]
        if scale.sd:
            item.z = (item.total - scale.mean) / scale.sd
        elif panel_sd:
            item.z = (item.total - panel_mean) / panel_sd
        else:
            item.z = 0.0
    return scales


def _aggregate(panel, submission_id, reviews: list[ReviewFigures], threshold: float):
    row = ReviewAggregate(
        submission_id=submission_id, panel=panel, panel_revision=panel.scores_revision
    )
    row.reviews = len(reviews)
    counts = defaultdict(int)
    for item in reviews:
        counts[item.recommendation] += 1
    row.admit = counts[Recommendation.ADMIT]
    row.do_not_admit = counts[Recommendation.DO_NOT_ADMIT]
    row.abstain = counts[Recommendation.ABSTAIN]
    if reviews:
        means = [item.mean for item in reviews]
        totals = [item.total for item in reviews]
        row.mean = statistics.fmean(means)
        row.median = float(statistics.median(means))
        row.weighted_total = statistics.fmean(totals)
        row.normalised = statistics.fmean(item.z for item in reviews)
        row.spread = max(totals) - min(totals)
    split = row.admit > 0 and row.do_not_admit > 0
    row.disagreement = bool(split or (row.spread is not None and row.spread > threshold))
    return row


def rank(aggregates: list[ReviewAggregate]) -> None:
    """Number the aggregates with figures 1, 2, ... (see the module's docstring)."""
    ranked = sorted(
        (row for row in aggregates if row.reviews),
        key=lambda row: (-row.normalised, -row.weighted_total, row.submission_id),
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position


def agreement(figures: list[ReviewFigures]) -> float | None:
    """Return Krippendorff's alpha (interval) of the review totals, or None if undefined.

    Jurors are the raters and submissions the units; a submission with one
    review tells nothing about agreement and is left out, as Krippendorff
    does. For the interval metric the coincidence sums reduce to sums of
    squares: with ``n`` pairable values, ``SS_u`` the sum of squared
    deviations within unit *u* (of ``m_u`` values) and ``SS`` the one of all
    pairable values, ``D_o = (1/n) * sum(2 * m_u * SS_u / (m_u - 1))``,
    ``D_e = 2 * SS / (n - 1)`` and ``alpha = 1 - D_o / D_e``. The same
    figure as the ``krippendorff`` package (tests compare them), which
    builds a units x values x values array: with totals that take thousands
    of distinct values, tens of gigabytes. Undefined (None) with no unit of
    two reviews or when every pairable total is the same.
    """
    units: dict[int, list[float]] = defaultdict(list)
    for item in figures:
        units[item.submission_id].append(item.total)
    pairable = [values for values in units.values() if len(values) > 1]
    values = [value for unit in pairable for value in unit]
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    total_ss = math.fsum((value - mean) ** 2 for value in values)
    if total_ss <= 1e-12:
        return None
    observed = 0.0
    for unit in pairable:
        unit_mean = math.fsum(unit) / len(unit)
        unit_ss = math.fsum((value - unit_mean) ** 2 for value in unit)
        observed += 2 * len(unit) * unit_ss / (len(unit) - 1)
    observed /= n
    expected = 2 * total_ss / (n - 1)
    return 1 - observed / expected
