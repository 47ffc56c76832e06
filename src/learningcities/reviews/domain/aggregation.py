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
(``jury_states``) even with no assignment left (say its only juror
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

from learningcities.calls.enums import SubmissionState, jury_states
from learningcities.calls.models import Submission
from learningcities.frameworks.models import Criterion

from ..enums import Recommendation, ReviewState
from ..models import Assignment, Panel, Review, ReviewAggregate, Score

S = SubmissionState
# The states in which a submission is ranked even without an assignment: it went
# to the jury, so the secretariat must see it, if only as "no reviews". Entering
# them (an assignment) and losing an assignment both bump ``scores_revision``.


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
    ``jury_states`` in its call). Reads only.
    """
    weights = _weights(panel)
    reviews = _submitted_reviews(panel)
    scores = _scores_by_review(panel)
    submission_ids = _ranked_submission_ids(panel)
    figures = _scored_reviews(reviews, scores, weights)
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


def _weights(panel: Panel) -> dict[int, float]:
    """The weight of each criterion of the call's framework, by criterion pk."""
    rows = Criterion.objects.filter(framework_id=panel.call.framework_id).values_list(
        "pk", "weight"
    )
    return {pk: float(weight) for pk, weight in rows}


def _submitted_reviews(panel: Panel) -> dict[int, tuple[int, int, str]]:
    """The panel's submitted reviews: ``{pk: (juror_id, submission_id, recommendation)}``."""
    rows = Review.objects.filter(assignment__panel=panel, state=ReviewState.SUBMITTED).values_list(
        "pk", "assignment__juror_id", "assignment__submission_id", "recommendation"
    )
    return {pk: (juror_id, submission_id, rec) for pk, juror_id, submission_id, rec in rows}


def _scores_by_review(panel: Panel) -> dict[int, list[tuple[int, int]]]:
    """The given scores of the panel's submitted reviews: ``{review pk: [(criterion, value)]}``."""
    scores: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for review_id, criterion_id, value in (
        Score.objects.filter(review__assignment__panel=panel, review__state=ReviewState.SUBMITTED)
        .exclude(value__isnull=True)
        .values_list("review_id", "criterion_id", "value")
        .order_by()
    ):
        scores[review_id].append((criterion_id, value))
    return scores


def _ranked_submission_ids(panel: Panel) -> list[int]:
    """The submissions the panel ranks: assigned in it, or in ``jury_states`` in its call."""
    assigned = Assignment.objects.filter(panel=panel).values("submission_id")
    return sorted(
        Submission.objects.filter(
            Q(pk__in=assigned) | Q(call_id=panel.call_id, state__in=jury_states)
        )
        .values_list("pk", flat=True)
        .order_by()
    )


def _scored_reviews(reviews: dict, scores: dict, weights: dict) -> list[ReviewFigures]:
    """The figures of each submitted review that has at least one score."""
    figures = [
        _review_figures(juror_id, submission_id, recommendation, scores.get(pk, ()), weights)
        for pk, (juror_id, submission_id, recommendation) in reviews.items()
    ]
    return [item for item in figures if item is not None]


def _review_figures(juror_id, submission_id, recommendation, scored, weights):
    values = [(weights.get(criterion_id, 1.0), value) for criterion_id, value in scored]
    if not values:
        return None
    mean, total = _mean_and_total(values)
    return ReviewFigures(juror_id, submission_id, recommendation, mean, total)


def _mean_and_total(values: list[tuple[float, int]]) -> tuple[float, float]:
    """A review's mean score and its weighted mean (the mean when every weight is 0)."""
    weight_sum = sum(weight for weight, _value in values)
    mean = sum(value for _weight, value in values) / len(values)
    total = sum(weight * value for weight, value in values) / weight_sum if weight_sum else mean
    return mean, total


def normalise(figures: list[ReviewFigures], *, min_reviews: int) -> dict[int, JurorScale]:
    """Set ``z`` on every review (see the module's docstring); return each juror's scale.

    A juror's ``JurorScale`` has ``mean`` and ``sd`` when their own totals
    were used, None when the panel-wide ones were.
    """
    totals_by_juror: dict[int, list[float]] = defaultdict(list)
    for item in figures:
        totals_by_juror[item.juror_id].append(item.total)
    panel_mean, panel_sd = _panel_scale([item.total for item in figures])
    scales = {
        juror_id: _juror_scale(totals, min_reviews=min_reviews)
        for juror_id, totals in totals_by_juror.items()
    }
    for item in figures:
        item.z = _z_score(item.total, scales[item.juror_id], panel_mean, panel_sd)
    return scales


def _panel_scale(totals: list[float]) -> tuple[float, float]:
    """The mean and standard deviation of every review total of the panel (0 when undefined)."""
    mean = statistics.fmean(totals) if totals else 0.0
    sd = statistics.pstdev(totals) if len(totals) > 1 else 0.0
    return mean, sd


def _juror_scale(totals: list[float], *, min_reviews: int) -> JurorScale:
    """A juror's own scale: with at least ``min_reviews`` totals that are not all equal."""
    scale = JurorScale(reviews=len(totals))
    if len(totals) >= min_reviews:
        sd = statistics.pstdev(totals)
        if sd > 0:
            scale.mean, scale.sd = statistics.fmean(totals), sd
    return scale


def _z_score(total: float, scale: JurorScale, panel_mean: float, panel_sd: float) -> float:
    """The z-score of ``total`` on the juror's own scale, else the panel's, else 0."""
    if scale.sd:
        return (total - scale.mean) / scale.sd
    if panel_sd:
        return (total - panel_mean) / panel_sd
    return 0.0


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
        _set_figures(row, reviews)
    row.disagreement = _disagree(row, threshold)
    return row


def _set_figures(row: ReviewAggregate, reviews: list[ReviewFigures]) -> None:
    """Set the mean, median, weighted total, normalised score and spread of ``reviews``."""
    means = [item.mean for item in reviews]
    totals = [item.total for item in reviews]
    row.mean = statistics.fmean(means)
    row.median = float(statistics.median(means))
    row.weighted_total = statistics.fmean(totals)
    row.normalised = statistics.fmean(item.z for item in reviews)
    row.spread = max(totals) - min(totals)


def _disagree(row: ReviewAggregate, threshold: float) -> bool:
    """Whether the jurors split between admit and do not admit, or spread beyond ``threshold``."""
    split = row.admit > 0 and row.do_not_admit > 0
    return bool(split or (row.spread is not None and row.spread > threshold))


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
    pairable = _pairable_units(figures)
    values = [value for unit in pairable for value in unit]
    n = len(values)
    if n < 2:
        return None
    total_ss = _sum_of_squares(values)
    if total_ss <= 1e-12:
        return None
    observed = _observed_disagreement(pairable) / n
    expected = 2 * total_ss / (n - 1)
    return 1 - observed / expected


def _pairable_units(figures: list[ReviewFigures]) -> list[list[float]]:
    """The review totals per submission, for the submissions with two reviews or more."""
    units: dict[int, list[float]] = defaultdict(list)
    for item in figures:
        units[item.submission_id].append(item.total)
    return [values for values in units.values() if len(values) > 1]


def _sum_of_squares(values: list[float]) -> float:
    """The sum of the squared deviations of ``values`` from their mean."""
    mean = math.fsum(values) / len(values)
    return math.fsum((value - mean) ** 2 for value in values)


def _observed_disagreement(pairable: list[list[float]]) -> float:
    """``sum(2 * m_u * SS_u / (m_u - 1))`` over the units (see ``agreement``)."""
    observed = 0.0
    for unit in pairable:
        observed += 2 * len(unit) * _sum_of_squares(unit) / (len(unit) - 1)
    return observed
