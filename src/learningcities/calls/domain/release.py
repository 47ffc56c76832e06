"""Releasing a call's decisions: the cohort of a membership call, the winners of an award,
the accepted proposals of a call for presentations.

Decisions are staged (``decided`` with ``accepted`` or ``rejected``) and become
known by a release in three steps, each of which commits, so that a release
stopped half-way (a worker killed, a certificate that cannot be rendered)
continues where it stopped when it is run again, nothing doubled and nothing
missed:

1. ``start_release``: the checks, the cohort (membership call) and the
   ``Release`` row (no cohort and no year for a call for presentations) in
   state ``running`` with the number of decided submissions; from then on no
   decision can be staged or changed.
2. ``run_release``: per decided submission, in a transaction of its own that
   locks it: the membership (or award win), the certificate, the ``released``
   state and with it the decision mail (an accepted presentation gets no
   membership and no certificate: the apps that take it further react to
   ``released``, such as events' sessions). The ``released`` state marks the
   submission done: a second run (or a concurrent one, which waits for the
   lock) skips it. A failure rolls back that submission alone (files included:
   ``store_document`` removes a file whose transaction rolls back), stops the
   run and leaves the release ``failed`` with the error, to be run again.
3. ``_finish_release``: the release ``done``, the register's revision bumped,
   activity ``calls.call.release``.

The secretariat's page runs step 1 and leaves steps 2 and 3 to the task
``calls.tasks.run_release_task``, in the background.

The jury's comments live in ``reviews``, which builds on ``calls``: callers
that want them in the decision mails pass them in (``jury_comments``), see
``reviews.domain.queries.decisions.jury_comments_for_call``; they are kept on
the release so that a run in the background still has them.
"""

import datetime as dt
import io
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.documents import store_document
from learningcities.common.enums import FileFamily
from learningcities.common.languages import language_codes
from learningcities.common.translated import set_translation, shown
from learningcities.network.dates import PartialDate
from learningcities.network.domain.cohorts import create_cohort
from learningcities.network.domain.memberships import admit_city
from learningcities.network.domain.revision import bump_network_revision
from learningcities.network.enums import DatePrecision, MembershipStatus
from learningcities.network.exceptions import NetworkError
from learningcities.network.models import Cohort, Membership

from ..enums import CallKind, Decision, SubmissionState, decided_states, undecided_states
from ..models import Call, Certificate, Release, ReleaseState, Submission
from .eligibility import FIRST_AWARD_YEAR, record_award_win
from .errors import SubmissionError, TransitionNotPermitted
from .transitions import transition

logger = logging.getLogger(__name__)

S = SubmissionState
CERTIFICATE_KIND = "calls.certificate"
# States of a submission that still waits for the jury or the secretariat.
# Test-only: a run stops (sleeps) once it has released this many submissions,
# so that the crash test can kill the worker in the middle of a release.
PAUSE_AFTER_ENV = "LC_TEST_RELEASE_PAUSE_AFTER"
# Bounds a reason for a re-issue.
REASON_MAX = 2000

CertificateRenderer = Callable[[dict], bytes]


# --- addresses and certificates ------------------------------------------------


def site_base(request_base: str = "") -> str:
    """Return the address links in certificates start with, without a final slash.

    ``LC_SITE_URL`` when the operator set it; else the address the request
    came to (``request_base``, such as ``https://cities.example.org/``); else
    the default of ``LC_SITE_URL``.
    """
    if os.environ.get("LC_SITE_URL") or not request_base:
        return settings.LC_SITE_URL.rstrip("/")
    return request_base.rstrip("/")


def verification_url(number: str, *, base: str, language: str | None = None) -> str:
    """Return the public address that verifies certificate ``number`` (in ``language``)."""
    with translation.override(language):
        path = reverse("calls:certificate", kwargs={"number": number})
    return (base or settings.LC_SITE_URL).rstrip("/") + path


def qr_data_uri(text: str) -> str:
    """Return a QR code of ``text`` as an SVG data URI (for the certificate's HTML)."""
    import segno  # only when certificates are made

    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def certificate_context(
    submission: Submission,
    *,
    number: str,
    cohort: Cohort | None = None,
    joined_on: dt.date | None = None,
    award_year: int | None = None,
    base: str = "",
    issued_on: dt.date | None = None,
) -> dict:
    """Return what the certificate template shows, in the city's language.

    The city's language is the one its submission communicates in, else the
    call's (``certificate_language``); the dates are written as it writes
    them. A membership certificate names the cohort and the day the city
    joins; an award certificate (``award_year``) the award. The city's name is given in
    its local script too when the register knows it (``City.local_name``) and
    it differs from the name. The verification address and its QR code point
    to the public page of ``number``.
    """
    city = submission.city
    language = certificate_language(submission)
    url = verification_url(number, base=base, language=language)
    with translation.override(language):
        return {
            "language": language,
            "network_name": _("Global network of learning cities"),
            "award": award_year is not None,
            "award_year": award_year or "",
            "city_name": city.name,
            "local_name": _local_name(city),
            "country_name": _country_name(city),
            "cohort_name": shown(cohort, "name", language) if cohort else "",
            "joined_on": date_format(joined_on, "DATE_FORMAT") if joined_on else "",
            "issued_on": date_format(issued_on or timezone.localdate(), "DATE_FORMAT"),
            "number": number,
            "call_title": shown(submission.call, "title", language),
            "verification_url": url,
            "qr": qr_data_uri(url),
        }


def certificate_language(submission: Submission) -> str:
    """Return the language of ``submission``'s certificate: the city's language of communication.

    A submission that names none gets the certificate in its call's language.
    """
    return submission.communication_language or submission.call.language


def _local_name(city) -> str:
    """The city's name in its local script, or "" when unknown or the same as the name."""
    local = (city.local_name or "").strip()
    return local if local and local != city.name else ""


def _country_name(city) -> str:
    """The name of the city's country, in the active language where it has one."""
    return str(getattr(city.country, "display_name", "") or city.country)


def render_certificate(context: dict) -> bytes:
    """Return the certificate described by ``context`` as PDF bytes.

    WeasyPrint with the Noto fonts (as the dossier), so names in any script
    render. No side effects.
    """
    from weasyprint import HTML  # heavy import, only when certificates are issued

    with translation.override(context["language"]):
        html = render_to_string("calls/certificate.html", context)
    return HTML(string=html).write_pdf()


def certificate_number(submission: Submission, joined_on: dt.date | int) -> str:
    """Return the certificate's number: year (of joining, or of the award), call and submission."""
    year = joined_on if isinstance(joined_on, int) else joined_on.year
    return f"LC-{year}-{submission.call_id:04d}-{submission.pk:06d}"


def _store_certificate(
    submission: Submission, *, number: str, pdf: bytes, actor, now: dt.datetime
) -> Certificate:
    document = store_document(
        io.BytesIO(pdf),
        owner=submission.organisation,
        uploaded_by=actor,
        kind=CERTIFICATE_KIND,
        allowed=(FileFamily.PDF,),
        related_object=submission,
        name=f"certificate-{slugify(submission.city.name) or 'city'}-{number}.pdf",
    )
    return Certificate.objects.create(
        submission=submission, document=document, number=number, issued_at=now
    )


def _context_for(release: Release, submission: Submission, number: str, now) -> dict:
    return certificate_context(
        submission,
        number=number,
        cohort=release.cohort,
        joined_on=release.joined_on,
        award_year=release.award_year,
        base=release.site_url,
        issued_on=timezone.localdate(now),
    )


# --- step 1: start ---------------------------------------------------------------


def _check_releaser(actor, call: Call, kind: str) -> None:
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may release decisions."))
    if call.kind != kind:
        raise SubmissionError(
            _("“%(call)s” is a %(kind)s call; it is released differently.")
            % {"call": call.title, "kind": call.get_kind_display().lower()},
            code="wrong_kind",
        )


def release_problems(call: Call, decided: Sequence[Submission]) -> list[str]:
    """Return what stops the release of ``decided`` (empty when it may start).

    Submissions still waiting for a decision (named), no decision staged, an
    accepted city already a member (membership call), two winners of one
    country (award call); a call for presentations has none of its own.
    Read-only: the preview shows them, the start refuses.
    """
    problems = _waiting_problems(call)
    if not decided:
        problems.append(_("No decision is staged: there is nothing to release."))
    accepted = [s for s in decided if s.decision == Decision.ACCEPTED]
    if call.kind == CallKind.AWARD:
        return problems + _second_winner_problems(accepted)
    if call.kind == CallKind.MEMBERSHIP:
        return problems + _member_problems(accepted)
    return problems


def _waiting_problems(call: Call) -> list[str]:
    """The call's submissions still waiting for a decision, named in one problem."""
    waiting = list(
        Submission.objects.filter(call=call, state__in=undecided_states)
        .select_related("city")
        .order_by("city__name", "pk")
    )
    if not waiting:
        return []
    return [
        _("Decide every submission before the release; still waiting: %(cities)s.")
        % {"cities": ", ".join(s.city.name for s in waiting)}
    ]


def _second_winner_problems(accepted: Sequence[Submission]) -> list[str]:
    """An award has one winner per country: each accepted nomination after the first."""
    problems = []
    by_country: dict[str, Submission] = {}
    for submission in accepted:
        other = by_country.setdefault(submission.country_id, submission)
        if other is not submission:
            problems.append(
                _("%(country)s may have one winner only: %(city)s and %(other)s are accepted.")
                % {
                    "country": submission.country,
                    "city": submission.city.name,
                    "other": other.city.name,
                }
            )
    return problems


def _member_problems(accepted: Sequence[Submission]) -> list[str]:
    """A membership call admits new members only: each accepted city that is one already."""
    members = set(
        Membership.objects.filter(
            city_id__in=[s.city_id for s in accepted], status=MembershipStatus.ACTIVE
        ).values_list("city_id", flat=True)
    )
    return [
        _("%(city)s is already a member.") % {"city": submission.city.name}
        for submission in accepted
        if submission.city_id in members
    ]


def decided_submissions(call: Call):
    """The call's decided submissions, in the order of the release (city name)."""
    return (
        Submission.objects.filter(call=call, state=S.DECIDED)
        .select_related("call", "city", "city__country", "country", "organisation")
        .order_by("city__name", "pk")
    )


def start_release(
    call: Call,
    *,
    actor,
    name: str = "",
    joined_on: dt.date | None = None,
    year: int | None = None,
    jury_comments: Mapping[int, Sequence[str]] | None = None,
    site_url: str = "",
    now: dt.datetime | None = None,
    kind: str | None = None,
) -> Release:
    """Start the release of ``call``'s staged decisions; return its ``Release`` (running).

    A membership call needs the cohort's ``name`` and ``joined_on``, an award
    call the award ``year``, a call for presentations neither; ``kind``
    (default: the call's) is the kind of release asked for. Refused
    (TransitionNotPermitted) to anyone but the secretariat; refused
    (SubmissionError naming what is wrong) for a call of another kind, a
    missing name, date or year, and every problem of ``release_problems``. A
    call whose release started already returns its ``Release`` unchanged.

    Effects, in one transaction: the call locked; the cohort (created, or the
    existing one of that name); a ``Release`` in state ``running`` with the
    number of decided submissions, the jury's comments for the mails
    (``jury_comments[submission pk]``) and the address certificates point to
    (``site_url``, see ``site_base``). Nothing is released yet: see
    ``run_release``.
    """
    now = now or timezone.now()
    kind = kind or call.kind
    _check_releaser(actor, call, kind)
    name = (name or "").strip()
    _check_release_details(kind, name=name, joined_on=joined_on, year=year)
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        existing = Release.objects.filter(call=call).first()
        if existing is not None:
            return existing
        decided = _lock_decided_or_refuse(call)
        return Release.objects.create(
            call=call,
            **_release_target(call, kind, name=name, joined_on=joined_on, year=year, actor=actor),
            released_at=now,
            released_by=actor,
            state=ReleaseState.RUNNING,
            total=len(decided),
            processed=0,
            jury_comments=_kept_comments(jury_comments),
            site_url=site_url or site_base(),
        )


def _check_release_details(kind: str, *, name: str, joined_on, year) -> None:
    """Refuse a release without its award year, or without its cohort's name and date.

    A call for presentations releases its decisions alone: nothing to check.
    """
    if kind == CallKind.AWARD:
        _check_award_year(year)
    elif kind == CallKind.MEMBERSHIP:
        _check_cohort_details(name, joined_on)


def _check_award_year(year) -> None:
    # A bool is an int to Python, but never a year.
    if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_AWARD_YEAR:
        raise SubmissionError(_("Give the year of the award."), code="year")


def _check_cohort_details(name: str, joined_on) -> None:
    if not name:
        raise SubmissionError(_("Give the cohort a name."), code="cohort_name")
    if not isinstance(joined_on, dt.date):
        raise SubmissionError(_("Give the date the new members join."), code="joined_on")


def _lock_decided_or_refuse(call: Call) -> list[Submission]:
    """Lock and return the call's decided submissions; refuse (``problems``) if any problem."""
    decided = list(decided_submissions(call).select_for_update(of=("self",)))
    problems = release_problems(call, decided)
    if problems:
        raise SubmissionError(" ".join(problems), code="problems")
    return decided


def _release_target(call: Call, kind: str, *, name: str, joined_on, year, actor) -> dict:
    """The ``Release`` fields of the kind: an award's year, or a cohort and its date.

    Neither for a call for presentations. Effects: the cohort ``name``
    created (see ``_cohort_named``) for a membership call.
    """
    if kind == CallKind.AWARD:
        return {"cohort": None, "joined_on": None, "award_year": year}
    if kind != CallKind.MEMBERSHIP:
        return {"cohort": None, "joined_on": None, "award_year": None}
    cohort = _cohort_named(name, call=call, joined_on=joined_on, actor=actor)
    return {"cohort": cohort, "joined_on": joined_on, "award_year": None}


def _cohort_named(name: str, *, call: Call, joined_on: dt.date, actor) -> Cohort:
    """Return the cohort ``name``: the existing one (left as it is), else a new one.

    Effects: a new cohort is described after the call, in the call's language
    (its original) and in every other language (see ``create_cohort``).
    """
    cohort = Cohort.objects.filter(name=name).first()
    if cohort is not None:
        return cohort
    descriptions = {}
    for language in language_codes():
        with translation.override(language):
            descriptions[language] = _("The cities admitted through the call “%(call)s”.") % {
                "call": shown(call, "title", language)
            }
    cohort = create_cohort(
        name=name,
        announced_on=joined_on,
        description=descriptions[call.language],
        language=call.language,
        actor=actor,
    )
    if not cohort.translations:
        for language, text in descriptions.items():
            if language != cohort.language:
                set_translation(cohort, language, "description", text)
        cohort.save(update_fields=["translations"])
    return cohort


def _kept_comments(jury_comments: Mapping[int, Sequence[str]] | None) -> dict[str, list[str]]:
    """The jury's comments without blank ones, by submission pk (as text, for JSON)."""
    comments = {str(pk): _non_blank(texts) for pk, texts in (jury_comments or {}).items()}
    return {pk: texts for pk, texts in comments.items() if texts}


def _non_blank(texts: Sequence[str]) -> list[str]:
    return [text.strip() for text in texts if text and text.strip()]


# --- step 2: run -----------------------------------------------------------------


def _pause_for_tests(release: Release) -> None:
    """Sleep for ever once ``LC_TEST_RELEASE_PAUSE_AFTER`` submissions are released (tests)."""
    limit = os.environ.get(PAUSE_AFTER_ENV, "")
    if not limit.isdigit():
        return
    if Release.objects.filter(pk=release.pk, processed__gte=int(limit)).exists():
        logger.warning("release %s paused for a test (%s=%s)", release.pk, PAUSE_AFTER_ENV, limit)
        while True:  # until the test kills the process
            time.sleep(1)


def _release_one(
    release: Release, submission_pk: int, *, renderer: CertificateRenderer, now: dt.datetime
) -> bool:
    """Release one decided submission, in a transaction of its own; return whether it did.

    A submission no longer decided (released by another run, or withdrawn)
    is left as it is.
    """
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("call", "city", "city__country", "country", "organisation")
            .filter(pk=submission_pk, call=release.call, state=S.DECIDED)
            .first()
        )
        if submission is None:
            return False
        certified = submission.decision == Decision.ACCEPTED and certifies(release.call)
        certificate = (
            _admit_and_certify(release, submission, renderer=renderer, now=now)
            if certified
            else None
        )
        transition(
            submission,
            S.RELEASED,
            actor=release.released_by,
            now=now,
            release=True,
            notice_context=_notice_context(release, submission, certificate=certificate),
        )
        Release.objects.filter(pk=release.pk).update(processed=F("processed") + 1)
    return True


def certifies(call: Call) -> bool:
    """Whether an accepted submission to ``call`` earns a certificate (membership, award).

    A call for presentations makes no member and no winner: nothing to certify.
    """
    return call.kind in (CallKind.MEMBERSHIP, CallKind.AWARD)


def _admit_and_certify(
    release: Release, submission: Submission, *, renderer: CertificateRenderer, now: dt.datetime
) -> Certificate:
    """Record an accepted submission's award win (or admit its city); return its certificate.

    Effects: the ``AwardWin`` (award) or the membership in the release's
    cohort (membership call), the certificate PDF stored for the city's
    organisation.
    """
    actor = release.released_by
    if release.award_year is not None:
        record_award_win(submission.city, year=release.award_year, actor=actor, call=release.call)
        number = certificate_number(submission, release.award_year)
    else:
        _admit(release, submission)
        number = certificate_number(submission, release.joined_on)
    pdf = renderer(_context_for(release, submission, number, now))
    return _store_certificate(submission, number=number, pdf=pdf, actor=actor, now=now)


def _admit(release: Release, submission: Submission) -> None:
    """Admit the city of ``submission`` into the release's cohort (a ``SubmissionError`` if not)."""
    try:
        admit_city(
            submission.city,
            joined=PartialDate(release.joined_on, DatePrecision.DAY),
            cohort=release.cohort,
            source=_("Admitted through the call “%(call)s”.") % {"call": release.call.title},
            actor=release.released_by,
        )
    except NetworkError as error:
        raise SubmissionError(str(error), code="admit") from error


def _notice_context(
    release: Release, submission: Submission, *, certificate: Certificate | None
) -> dict:
    """What the decision mail of ``submission`` says: the decision, the award or the cohort.

    ``presentation``: the call is for presentations (no cohort, no award).
    """
    accepted = submission.decision == Decision.ACCEPTED
    award = release.award_year is not None
    context = {
        "accepted": accepted,
        "award": award,
        "presentation": release.call.kind == CallKind.PRESENTATIONS,
        "certificate": certificate is not None,
        "jury_comments": release.jury_comments.get(str(submission.pk), []),
    }
    if award:
        context["award_year"] = release.award_year
        return context
    context["cohort"] = release.cohort.name if release.cohort else ""
    # A date, not text: each recipient's template writes it in their language.
    context["joined_on"] = release.joined_on if accepted else ""
    return context


def run_release(
    release: Release,
    *,
    renderer: CertificateRenderer = render_certificate,
    now: dt.datetime | None = None,
) -> Release:
    """Release every submission ``release`` still has to, then finish it; return it.

    Safe to run again and to run twice at once: each submission is released
    in a transaction of its own that locks it and skips it when it is no longer
    decided (see ``_release_one``: membership or award win, certificate,
    ``released`` with its decision mail, the progress counted). A failure
    stops the run: that submission is rolled back, the release is left
    ``failed`` with the error (``Release.error``) and the error raised; run it
    again once the cause is fixed. When none is left: ``_finish_release``.
    """
    now = now or timezone.now()
    release = Release.objects.select_related("call", "cohort", "released_by").get(pk=release.pk)
    if release.state == ReleaseState.DONE:
        return release
    if release.state == ReleaseState.FAILED:
        Release.objects.filter(pk=release.pk, state=ReleaseState.FAILED).update(
            state=ReleaseState.RUNNING, error=""
        )
    pks = list(decided_submissions(release.call).values_list("pk", flat=True))
    for pk in pks:
        _release_one_or_fail(release, pk, renderer=renderer, now=now)
        _pause_for_tests(release)
    return _finish_release(release, now=now)


def _release_one_or_fail(
    release: Release, submission_pk: int, *, renderer: CertificateRenderer, now: dt.datetime
) -> None:
    """``_release_one``; on any error the release is left ``failed`` with it, and it is raised."""
    try:
        _release_one(release, submission_pk, renderer=renderer, now=now)
    except Exception as error:
        Release.objects.filter(pk=release.pk).exclude(state=ReleaseState.DONE).update(
            state=ReleaseState.FAILED, error=str(error)[:2000] or error.__class__.__name__
        )
        raise


# --- step 3: finish --------------------------------------------------------------


def _finish_release(release: Release, *, now: dt.datetime) -> Release:
    """Mark ``release`` done when no decided submission is left; return it (fresh).

    Effects, once: the release ``done`` (all processed, no error), the
    register's revision bumped, activity ``calls.call.release``.
    """
    with transaction.atomic():
        locked = (
            Release.objects.select_for_update(of=("self",))
            .select_related("call", "cohort", "released_by")
            .get(pk=release.pk)
        )
        # Done by another run, or another run released some meanwhile and
        # one is left: not finished here.
        if locked.state == ReleaseState.DONE or _decided_left(locked):
            return locked
        released = Submission.objects.filter(call_id=locked.call_id, state=S.RELEASED)
        admitted = released.filter(decision=Decision.ACCEPTED).count()
        locked.state = ReleaseState.DONE
        locked.processed = locked.total
        locked.finished_at = now
        locked.error = ""
        locked.save(update_fields=["state", "processed", "finished_at", "error"])
        bump_network_revision()
        record_activity(
            "calls.call.release",
            actor=locked.released_by,
            subject=locked.call,
            changes=_release_changes(locked, admitted=admitted),
        )
    return locked


def _decided_left(release: Release) -> bool:
    return Submission.objects.filter(call_id=release.call_id, state=S.DECIDED).exists()


def _release_changes(release: Release, *, admitted: int) -> dict:
    """The activity's changes: the award year and winners, the cohort, date and admitted,
    or (a call for presentations) the proposals accepted."""
    if release.call.kind == CallKind.PRESENTATIONS:
        return {"accepted": [None, admitted], "released": [None, release.total]}
    if release.award_year is not None:
        return {
            "award_year": [None, release.award_year],
            "winners": [None, admitted],
            "released": [None, release.total],
        }
    return {
        "cohort": [None, release.cohort.name if release.cohort else None],
        "joined_on": [None, release.joined_on.isoformat() if release.joined_on else None],
        "admitted": [None, admitted],
        "released": [None, release.total],
    }


def accepted_elsewhere_in_country(submission: Submission) -> Submission | None:
    """Return another accepted nomination of the same award call and country, if any."""
    return (
        Submission.objects.filter(
            call_id=submission.call_id,
            country_id=submission.country_id,
            state__in=decided_states,
            decision=Decision.ACCEPTED,
        )
        .exclude(pk=submission.pk)
        .select_related("city", "country")
        .first()
    )


# --- re-issue --------------------------------------------------------------------


def _check_reissuer(actor, reason: str) -> None:
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may re-issue a certificate."))
    if not reason:
        raise SubmissionError(_("Give the reason for the re-issue."), code="reason")


def _lock_valid_certificate(certificate: Certificate) -> Certificate:
    """Lock and return ``certificate`` afresh; refused (``revoked``) once it was replaced."""
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("submission__call__release__cohort")
        .get(pk=certificate.pk)
    )
    if old.revoked_at is not None:
        raise SubmissionError(
            _("Certificate %(number)s was replaced already.") % {"number": old.number},
            code="revoked",
        )
    return old


def reissue_certificate(
    certificate: Certificate,
    *,
    actor,
    reason: str,
    renderer: CertificateRenderer = render_certificate,
    site_url: str = "",
    now: dt.datetime | None = None,
) -> Certificate:
    """Issue a new certificate in place of ``certificate``; return the new one.

    Only the secretariat (TransitionNotPermitted), with a reason
    (SubmissionError ``reason``), and only for the valid certificate
    (SubmissionError ``revoked``). Effects, in one transaction: the old
    certificate revoked (``revoked_at``, the reason, ``replaced_by``); a new
    PDF with the register's data of today, numbered as the old one with a
    suffix (``-R1``, ``-R2`` ...), stored for the city's organisation;
    activity ``calls.certificate.reissue`` on the submission with the reason.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()[:REASON_MAX]
    _check_reissuer(actor, reason)
    with transaction.atomic():
        old = _lock_valid_certificate(certificate)
        submission = (
            Submission.objects.select_related(
                "call", "city", "city__country", "country", "organisation"
            )
            .select_for_update(of=("self",))
            .get(pk=old.submission_id)
        )
        release = Release.objects.select_related("cohort").get(call_id=submission.call_id)
        base = old.number.split("-R")[0]
        count = Certificate.objects.filter(submission=submission).count()
        number = f"{base}-R{count}"
        old.revoked_at = now
        old.revoke_reason = reason
        old.save(update_fields=["revoked_at", "revoke_reason"])
        if site_url:
            release.site_url = site_url
        pdf = renderer(_context_for(release, submission, number, now))
        new = _store_certificate(submission, number=number, pdf=pdf, actor=actor, now=now)
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        bump_network_revision()  # the public verification pages are cached by revision
        record_activity(
            "calls.certificate.reissue",
            actor=actor,
            subject=submission,
            changes={"certificate": [old.number, new.number], "reason": [None, reason]},
        )
    return new
