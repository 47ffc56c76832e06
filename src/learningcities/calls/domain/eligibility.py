"""Screening: the eligibility checklist of a submission, manual checks and award wins.

The checklist is computed, never stored: each rule the call sets (as data on
``Call``) gives one ``Check``, and each label of ``Call.manual_checks`` gives one
more, answered by the secretariat through ``record_manual_check``. The move to
``eligible`` is refused unless every check passed (see ``transitions``).

Choices made here:

- Population is the one the city declares in its submission profile.
- Membership rules read the city's *current* period only (the one membership
  whose status is active). A city that lapsed and was admitted again counts
  from its new period; a city that lapsed and was not re-admitted is not a
  member. A partial joining date counts from the last day of its period
  (``Membership.member_from``), as everywhere in the register.
- "Member for more than N months": the time from ``member_from`` to the day of
  the check is strictly longer than N calendar months (``member_from`` + N
  months, clamped to the end of the month, is before that day); the detail
  shows the full months elapsed.
- "Not a winner within N years": a win in year Y excludes the city while the
  year of the check minus Y is below N (N = 6: won in 2021, excluded up to
  2026 included, eligible again in 2027). A win recorded for this very call
  does not count.
- The day of the check is today in the call's time zone unless given.
"""

import calendar
import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import Membership
from learningcities.questionnaires.values import word_count

from ..enums import CallKind, CheckOutcome, Decision, DocumentKind, SubmissionState, screened_from
from ..models import AwardWin, Call, ManualCheck, Submission
from ..rules import can_screen_submission
from .errors import SubmissionError, TransitionNotPermitted
from .profile import profile_names_for

MANUAL_PREFIX = "manual."
# The oldest year an award win may be recorded for (the award was created in 2015).
FIRST_AWARD_YEAR = 2015
# How many years after its call closes an award may be conferred: the award is
# conferred at the next International Conference on Learning Cities, which
# may fall in a later year than the call (the award is triennial since 2021).
AWARD_YEARS_AFTER_CALL = 3


@dataclass(frozen=True)
class Check:
    """One line of the eligibility checklist.

    ``code`` is stable (``population_minimum``, ``not_member``,
    ``member_for_months``, ``not_recent_winner``, ``document.<kind>``,
    ``word_limit.<field>``, ``word_limit.criteria``, ``manual.<slug>``);
    ``label`` and ``detail`` are for people, in the active language (manual
    labels are the call's own words); ``outcome`` is a ``CheckOutcome``.
    """

    code: str
    label: str
    outcome: str
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == CheckOutcome.PASSED

    @property
    def outcome_label(self) -> str:
        return str(CheckOutcome(self.outcome).label)

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


def manual_check_code(label: str) -> str:
    """Return the code of the manual check labelled ``label``: ``manual.<slug>``."""
    slug = slugify(label, allow_unicode=True)[:100]
    if not slug:
        slug = hashlib.sha256(label.strip().encode()).hexdigest()[:12]
    return MANUAL_PREFIX + slug


def manual_check_codes(call: Call) -> dict[str, str]:
    """Return ``{code: label}`` of the call's manual checks, in the call's order."""
    return {manual_check_code(label): label for label in call.manual_checks or []}


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Return the number of whole calendar months from ``start`` to ``end`` (0 if not after)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def check_day(call: Call, now: dt.datetime | None = None) -> dt.date:
    """Return the day of a check: ``now`` (default: now) in the call's time zone."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(call.time_zone)).date()


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _since(membership: Membership) -> str:
    """``2019-07-17``, or ``2019-07 (counted from 2019-07-31)`` for a partial date."""
    if membership.joined_on == membership.member_from:
        return membership.joined_iso
    return _("%(joined)s (counted from %(from)s)") % {
        "joined": membership.joined_iso,
        "from": membership.member_from.isoformat(),
    }


def _population_check(submission: Submission, minimum: int) -> Check:
    label = _("Population of at least %(minimum)s") % {"minimum": _number(minimum)}
    population = submission.population
    if population is None:
        return Check(
            "population_minimum",
            label,
            CheckOutcome.UNKNOWN,
            _("the submission gives no population"),
        )
    values = {"population": _number(population), "minimum": _number(minimum)}
    if population < minimum:
        return Check(
            "population_minimum",
            label,
            CheckOutcome.FAILED,
            _("population %(population)s is below the minimum %(minimum)s") % values,
        )
    return Check(
        "population_minimum",
        label,
        CheckOutcome.PASSED,
        _("population %(population)s meets the minimum %(minimum)s") % values,
    )


def _periods(submission: Submission) -> tuple[Membership | None, Membership | None]:
    """Return the city's current membership period and its latest ended one."""
    current = previous = None
    for membership in Membership.objects.filter(city_id=submission.city_id).order_by(
        "member_from", "pk"
    ):
        if membership.status == MembershipStatus.ACTIVE:
            current = membership
        else:
            previous = membership
    return current, previous


def _ended(membership: Membership) -> str:
    return _("was a member from %(since)s to %(ended)s (%(status)s)") % {
        "since": _since(membership),
        "ended": membership.ended_on.isoformat(),
        "status": membership.get_status_display().lower(),
    }


def _admitted_by_this_call(submission: Submission) -> bool:
    """Tell whether the city's current membership comes from this very submission.

    A released, accepted membership application made the city a member (the
    release refuses to admit a city that is a member already), so the check
    it passed when it was screened still holds.
    """
    return (
        submission.state == SubmissionState.RELEASED
        and submission.decision == Decision.ACCEPTED
        and submission.call.kind == CallKind.MEMBERSHIP
    )


def _not_member_check(
    submission: Submission, current: Membership | None, previous: Membership | None
) -> Check:
    label = _("Not already a member of the network")
    if current is not None and _admitted_by_this_call(submission):
        return Check(
            "not_member",
            label,
            CheckOutcome.PASSED,
            _("not a member when it applied; admitted through this call, member since %(since)s")
            % {"since": _since(current)},
        )
    if current is not None:
        return Check(
            "not_member",
            label,
            CheckOutcome.FAILED,
            _("member since %(since)s") % {"since": _since(current)},
        )
    if previous is not None:
        return Check(
            "not_member",
            label,
            CheckOutcome.PASSED,
            _("not a member now; %(before)s") % {"before": _ended(previous)},
        )
    return Check("not_member", label, CheckOutcome.PASSED, _("never a member"))


def _member_for_check(
    current: Membership | None, previous: Membership | None, months: int, today: dt.date
) -> Check:
    label = _("Member for more than %(months)s months") % {"months": months}
    if current is None:
        detail = _("not a member now")
        if previous is not None:
            detail = _("not a member now; %(before)s, and only the current period counts") % {
                "before": _ended(previous)
            }
        return Check("member_for_months", label, CheckOutcome.FAILED, detail)
    elapsed = full_months_between(current.member_from, today)
    outcome = (
        CheckOutcome.PASSED
        if today > add_months(current.member_from, months)
        else CheckOutcome.FAILED
    )
    return Check(
        "member_for_months",
        label,
        outcome,
        _("member since %(since)s, %(elapsed)s months: more than %(months)s required")
        % {"since": _since(current), "elapsed": elapsed, "months": months},
    )


def _winner_check(submission: Submission, years: int, today: dt.date) -> Check:
    label = _("Not a winner of the award in the last %(years)s years") % {"years": years}
    last = (
        AwardWin.objects.filter(city_id=submission.city_id)
        .exclude(call_id=submission.call_id)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if last is None:
        return Check("not_recent_winner", label, CheckOutcome.PASSED, _("never won the award"))
    values = {"year": last, "years": years}
    if today.year - last < years:
        return Check(
            "not_recent_winner",
            label,
            CheckOutcome.FAILED,
            _("won the award in %(year)s: winners are excluded for %(years)s years") % values,
        )
    return Check(
        "not_recent_winner",
        label,
        CheckOutcome.PASSED,
        _("last won the award in %(year)s, more than %(years)s years ago") % values,
    )


def _document_checks(submission: Submission, call: Call) -> list[Check]:
    if not call.required_documents:
        return []
    attached = set(submission.documents.values_list("kind", flat=True))
    checks = []
    for kind in call.required_documents:
        name = DocumentKind(kind).label if kind in DocumentKind.values else kind
        label = _("Document attached: %(kind)s") % {"kind": name}
        if kind in attached:
            checks.append(Check(f"document.{kind}", label, CheckOutcome.PASSED, _("attached")))
        else:
            checks.append(Check(f"document.{kind}", label, CheckOutcome.FAILED, _("missing")))
    return checks


def _word_limit_checks(submission: Submission, call: Call) -> list[Check]:
    return _field_word_limit_checks(submission, call) + _criteria_word_limit_checks(submission)


def _field_word_limit_checks(submission: Submission, call: Call) -> list[Check]:
    """One check per text field the call asks for and limits (motivation, implementation)."""
    asked = profile_names_for(call)
    checks = []
    for field, limit in (
        ("motivation", call.motivation_word_limit),
        ("implementation", call.implementation_word_limit),
    ):
        if limit and field in asked:
            checks.append(_field_word_limit_check(submission, field, limit))
    return checks


def _field_word_limit_check(submission: Submission, field: str, limit: int) -> Check:
    name = str(Submission._meta.get_field(field).verbose_name)
    count = word_count(getattr(submission, field))
    values = {"field": capfirst(name), "count": count, "limit": limit}
    return Check(
        f"word_limit.{field}",
        _("%(field)s within %(limit)s words") % values,
        CheckOutcome.PASSED if count <= limit else CheckOutcome.FAILED,
        _("%(count)s words; the limit is %(limit)s") % values,
    )


def _criteria_word_limit_checks(submission: Submission) -> list[Check]:
    """One check of the answers to criteria with a word limit (none without such answers)."""
    answers = list(
        submission.answers.select_related("criterion").filter(
            criterion__word_limit__isnull=False, criterion__word_limit__gt=0
        )
    )
    if not answers:
        return []
    over = []
    for answer in answers:
        count = word_count(answer.text_value)
        if count > answer.criterion.word_limit:
            over.append(
                _("%(code)s has %(count)s words (limit %(limit)s)")
                % {
                    "code": answer.criterion.code,
                    "count": count,
                    "limit": answer.criterion.word_limit,
                }
            )
    code, label = "word_limit.criteria", _("Answers within their word limits")
    if over:
        return [Check(code, label, CheckOutcome.FAILED, "; ".join(over))]
    return [Check(code, label, CheckOutcome.PASSED, _("every answer is within its limit"))]


def _manual_checks(submission: Submission, call: Call) -> list[Check]:
    expected = manual_check_codes(call)
    if not expected:
        return []
    answered = {row.code: row for row in ManualCheck.objects.filter(submission=submission)}
    return [_manual_check(code, label, answered.get(code)) for code, label in expected.items()]


def _manual_check(code: str, label: str, row: ManualCheck | None) -> Check:
    """The check of the secretariat's answer ``row`` (pending while there is none)."""
    if row is None:
        return Check(code, label, CheckOutcome.MANUAL_PENDING, _("not checked yet"))
    outcome = CheckOutcome.PASSED if row.passed else CheckOutcome.FAILED
    return Check(code, label, outcome, row.note)


def eligibility_checklist(submission: Submission, *, today: dt.date | None = None) -> list[Check]:
    """Return the eligibility checklist of ``submission``: one ``Check`` per rule of its call.

    Rules the call leaves empty give no check. In order: population minimum,
    not already a member, member for more than N months, not a recent winner,
    each required document, word limits, then the call's manual checks (pending
    until the secretariat answers them). ``today`` (default: today in the call's
    time zone) is the day membership and award rules are measured to. Reads
    only; at most five queries.
    """
    call = submission.call
    today = today or check_day(call)
    checks: list[Check] = []
    if call.population_minimum is not None:
        checks.append(_population_check(submission, call.population_minimum))
    checks += _membership_checks(submission, call, today)
    if call.not_winner_within_years is not None:
        checks.append(_winner_check(submission, call.not_winner_within_years, today))
    checks += _document_checks(submission, call)
    checks += _word_limit_checks(submission, call)
    checks += _manual_checks(submission, call)
    return checks


def _membership_checks(submission: Submission, call: Call, today: dt.date) -> list[Check]:
    """The checks on the city's membership periods: not a member, a member for N months."""
    if not call.require_not_member and call.member_for_months is None:
        return []
    current, previous = _periods(submission)
    checks = []
    if call.require_not_member:
        checks.append(_not_member_check(submission, current, previous))
    if call.member_for_months is not None:
        checks.append(_member_for_check(current, previous, call.member_for_months, today))
    return checks


def unmet_checks(submission: Submission, *, today: dt.date | None = None) -> list[Check]:
    """Return the checks of ``submission`` that did not pass (failed, unknown or pending)."""
    return [check for check in eligibility_checklist(submission, today=today) if not check.passed]


@transaction.atomic
def record_manual_check(
    submission: Submission, code: str, *, passed: bool, note: str = "", actor
) -> ManualCheck:
    """Record the secretariat's answer to the manual check ``code`` of ``submission``.

    Only the secretariat may (``calls.screen_submission``), only while the
    submission is being screened (endorsed; submitted, in a call without
    endorsement: ``screened_from``), only for a check its call defines.
    Effects: the ``ManualCheck`` row created or updated (answer, note, who);
    activity ``calls.submission.manual_check``. Raises TransitionNotPermitted or
    SubmissionError naming the problem.
    """
    _check_manual_check_answer(actor, submission, passed)
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=submission.pk)
    )
    expected = manual_check_codes(locked.call)
    _check_manual_check_target(locked, code, expected)
    note = (note or "").strip()
    row = ManualCheck.objects.filter(submission=locked, code=code).first()
    before = [row.passed, row.note] if row else [None, None]
    if row is None:
        row = ManualCheck(submission=locked, code=code)
    row.label = expected[code][:300]
    row.passed = passed
    row.note = note
    row.checked_by = actor if getattr(actor, "pk", None) else None
    row.save()
    record_activity(
        "calls.submission.manual_check",
        actor=actor,
        organisation=locked.organisation,
        subject=locked,
        changes={
            "check": [None, code],
            "passed": [before[0], passed],
            "note": [before[1], note],
        },
    )
    return row


def _check_manual_check_answer(actor, submission: Submission, passed) -> None:
    """Refuse anyone who may not screen ``submission``, and an answer other than yes or no."""
    if not can_screen_submission(actor, submission):
        raise TransitionNotPermitted(_("Only the secretariat may record eligibility checks."))
    if not isinstance(passed, bool):
        raise SubmissionError(
            _("A manual check is either passed or failed (yes or no)."), code="wrong_type"
        )


def _check_manual_check_target(submission: Submission, code: str, expected: dict) -> None:
    """Refuse a check the call does not define, or a submission not being screened."""
    if code not in expected:
        known = ", ".join(expected) or _("none")
        raise SubmissionError(
            _("The call has no manual check “%(code)s” (its checks: %(known)s).")
            % {"code": code, "known": known},
            code="unknown_check",
        )
    if submission.state == screened_from(submission.call.kind):
        return
    if submission.call.needs_endorsement:
        message = _("Eligibility is checked while a submission is endorsed; this one is %(state)s.")
    else:
        message = _(
            "Eligibility is checked while a submission waits for its screening; "
            "this one is %(state)s."
        )
    raise SubmissionError(
        message % {"state": submission.get_state_display().lower()}, code="not_screening"
    )


def award_years(call: Call | None = None) -> range:
    """Return the years an award win may be recorded for.

    For a win from award call ``call``: from the year the call opens to
    ``AWARD_YEARS_AFTER_CALL`` years after the year it closes (in the call's
    time zone), so winners of a call of 2026 may win the award of 2026, 2027...
    Without a call (a win from the record): from the award's first year to this
    year.
    """
    if call is None:
        return range(FIRST_AWARD_YEAR, timezone.localdate().year + 1)
    zone = zoneinfo.ZoneInfo(call.time_zone)
    first = max(FIRST_AWARD_YEAR, call.opens_at.astimezone(zone).year)
    last = call.closes_at.astimezone(zone).year + AWARD_YEARS_AFTER_CALL
    return range(first, last + 1)


def award_year_error(year, *, call: Call | None = None) -> str | None:
    """Return why ``year`` cannot be the year of an award win (of ``call``), or None."""
    years = award_years(call)
    if not isinstance(year, bool) and isinstance(year, int) and year in years:
        return None
    values = {"first": years.start, "last": years.stop - 1, "year": year}
    if call is None:
        message = _(
            "The year of an award win must be a year from %(first)s to %(last)s, not %(year)s."
        )
    else:
        message = _(
            "The award of this call may be given in a year from %(first)s to %(last)s, "
            "not %(year)s."
        )
    return message % values


def _check_award_win(actor, *, year, call: Call | None) -> None:
    """Refuse anyone but the secretariat (or the system), a call not an award, a wrong year."""
    if actor is not None and not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may record an award win."))
    if call is not None and call.kind != CallKind.AWARD:
        raise SubmissionError(
            _("“%(call)s” is not an award call.") % {"call": call.title}, code="not_award"
        )
    problem = award_year_error(year, call=call)
    if problem:
        raise SubmissionError(problem, code="year")


def record_award_win(
    city, *, year: int, actor, source: str = "", call: Call | None = None
) -> AwardWin:
    """Record that ``city`` won the award in ``year`` (from ``call`` if given).

    ``actor`` is a member of the secretariat, or None for an import by the
    system. Effects: an ``AwardWin``; activity ``calls.award_win.create``.
    Raises TransitionNotPermitted for anyone else, SubmissionError for a year
    outside ``award_years(call)``, a
    call that is not an award call, or a win already recorded for that year.
    The years allowed are ``award_years(call)``: a win from a call may be in
    the call's year or a few years after it (the award is conferred later).
    """
    _check_award_win(actor, year=year, call=call)
    try:
        with transaction.atomic():
            win = AwardWin.objects.create(
                city=city, year=year, call=call, source=(source or "").strip()[:500]
            )
            record_activity(
                "calls.award_win.create",
                actor=actor,
                subject=win,
                changes={
                    "city": [None, str(city.pk)],
                    "year": [None, year],
                    "call": [None, str(call.pk) if call else None],
                    "source": [None, win.source],
                },
            )
    except IntegrityError:
        raise SubmissionError(
            _("%(city)s's award win of %(year)s is already recorded.")
            % {"city": city, "year": year},
            code="duplicate",
        ) from None
    return win
