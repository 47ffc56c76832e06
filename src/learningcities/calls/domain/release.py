"""Releasing a call's decisions: the cohort of a membership call, the winners of an award.

Decisions are staged (``decided`` with ``accepted`` or ``rejected``) and become
known at one moment, in one transaction: memberships (or award wins), the
decision mails, the certificates, the ``released`` state of every decided
submission and a ``Release`` row. Any failure rolls all of it back, files
included (``store_document`` removes a file whose transaction rolls back).

The jury's comments live in ``reviews``, which builds on ``calls``: callers
that want them in the decision mails pass them in (``jury_comments``), see
``reviews.domain.queries.decisions.jury_comments_for_call``.
"""

import datetime as dt
import io
import logging
from collections.abc import Callable, Mapping, Sequence

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.documents import store_document
from learningcities.common.enums import FileFamily
from learningcities.network.dates import PartialDate
from learningcities.network.domain.cohorts import create_cohort
from learningcities.network.domain.memberships import admit_city
from learningcities.network.domain.revision import bump_network_revision
from learningcities.network.enums import DatePrecision
from learningcities.network.exceptions import NetworkError
from learningcities.network.models import Cohort

from ..enums import CallKind, Decision, SubmissionState
from ..models import Call, Certificate, Release, Submission
from .eligibility import FIRST_AWARD_YEAR, record_award_win
from .errors import SubmissionError, TransitionNotPermitted
from .transitions import transition

logger = logging.getLogger(__name__)

S = SubmissionState
CERTIFICATE_KIND = "calls.certificate"
# States of a submission that still waits for the jury or the secretariat.
UNDECIDED_STATES = (S.ELIGIBLE, S.IN_REVIEW, S.REVIEWED)

CertificateRenderer = Callable[[dict], bytes]


def certificate_context(
    submission: Submission, *, cohort: Cohort, joined_on: dt.date, number: str
) -> dict:
    """Return what the certificate template shows, in the call's language.

    The city's name is given in its local script too when the register knows
    it (``City.local_name``) and it differs from the name.
    """
    city = submission.city
    language = submission.call.language
    with translation.override(language):
        local = (city.local_name or "").strip()
        return {
            "language": language,
            "network_name": _("Global network of learning cities"),
            "city_name": city.name,
            "local_name": local if local and local != city.name else "",
            "country_name": str(getattr(city.country, "display_name", "") or city.country),
            "cohort_name": cohort.name,
            "joined_on": date_format(joined_on, "DATE_FORMAT"),
            "number": number,
            "call_title": submission.call.title,
        }


def render_certificate(context: dict) -> bytes:
    """Return the membership certificate described by ``context`` as PDF bytes.

    WeasyPrint with the Noto fonts (as the dossier), so names in any script
    render. No side effects.
    """
    from weasyprint import HTML  # heavy import, only when certificates are issued

    with translation.override(context["language"]):
        html = render_to_string("calls/certificate.html", context)
    return HTML(string=html).write_pdf()


def certificate_number(submission: Submission, joined_on: dt.date) -> str:
    """Return the certificate's number: year of joining, call and submission."""
    return f"LC-{joined_on.year}-{submission.call_id:04d}-{submission.pk:06d}"


def _check_releaser(actor, call: Call, kind: str) -> None:
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may release decisions."))
    if call.kind != kind:
        raise SubmissionError(
            _("“%(call)s” is a %(kind)s call; it is released differently.")
            % {"call": call.title, "kind": call.get_kind_display().lower()},
            code="wrong_kind",
        )


def _decided_for_release(call: Call) -> list[Submission] | None:
    """Lock the call; return its decided submissions, or None if it was released already.

    Refuses a release while submissions still wait for a decision, naming them.
    """
    Call.objects.select_for_update().filter(pk=call.pk).first()
    if Release.objects.filter(call=call).exists():
        return None
    waiting = list(
        Submission.objects.filter(call=call, state__in=UNDECIDED_STATES)
        .select_related("city")
        .order_by("city__name", "pk")
    )
    if waiting:
        raise SubmissionError(
            _("Decide every submission before the release; still waiting: %(cities)s.")
            % {"cities": ", ".join(s.city.name for s in waiting)},
            code="undecided",
        )
    decided = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(call=call, state=S.DECIDED)
        .select_related("call", "city", "city__country", "country", "organisation")
        .order_by("city__name", "pk")
    )
    if not decided:
        raise SubmissionError(
            _("No decision is staged: there is nothing to release."), code="empty"
        )
    return decided


def _comments(jury_comments: Mapping[int, Sequence[str]] | None, submission: Submission):
    return [c.strip() for c in (jury_comments or {}).get(submission.pk, ()) if c and c.strip()]


def release_cohort(
    call: Call,
    *,
    actor,
    name: str,
    joined_on: dt.date,
    now: dt.datetime | None = None,
    jury_comments: Mapping[int, Sequence[str]] | None = None,
    renderer: CertificateRenderer = render_certificate,
) -> Release:
    """Release the decisions of membership call ``call`` as the cohort ``name``.

    Only the secretariat (TransitionNotPermitted), only a membership call, only
    once every submission still in the jury's hands is decided, and only with
    at least one decision staged (SubmissionError naming what is wrong).
    Releasing a call released already returns its ``Release`` and does nothing.

    Effects, in one transaction (any failure, such as a certificate that
    cannot be rendered, leaves none of them): the cohort (created, or the
    existing one of that name); per accepted submission a membership from
    ``joined_on`` in that cohort (``admit_city``, which bumps the register's
    revision, so directory, map and statistics show the new members at once),
    a membership certificate PDF made by ``renderer(context)`` stored as a
    private document of the city's organisation and a ``Certificate``; every
    decided submission (accepted and rejected) moved to ``released``, which
    queues the decision mail (``calls.submission.released``, in the call's
    language, with ``jury_comments[submission.pk]`` when given); a ``Release``;
    activity ``calls.call.release``.
    """
    now = now or timezone.now()
    name = (name or "").strip()
    _check_releaser(actor, call, CallKind.MEMBERSHIP)
    if not name:
        raise SubmissionError(_("Give the cohort a name."), code="cohort_name")
    if not isinstance(joined_on, dt.date):
        raise SubmissionError(_("Give the date the new members join."), code="joined_on")
    with transaction.atomic():
        decided = _decided_for_release(call)
        if decided is None:
            return Release.objects.get(call=call)
        cohort = Cohort.objects.filter(name=name).first() or create_cohort(
            name=name, announced_on=joined_on, actor=actor
        )
        joined = PartialDate(joined_on, DatePrecision.DAY)
        admitted = []
        for submission in decided:
            accepted = submission.decision == Decision.ACCEPTED
            certificate = None
            if accepted:
                try:
                    admit_city(
                        submission.city,
                        joined=joined,
                        cohort=cohort,
                        source=_("Admitted through the call “%(call)s”.") % {"call": call.title},
                        actor=actor,
                    )
                except NetworkError as error:
                    raise SubmissionError(str(error), code="admit") from error
                certificate = _issue_certificate(
                    submission,
                    cohort=cohort,
                    joined_on=joined_on,
                    now=now,
                    actor=actor,
                    renderer=renderer,
                )
                admitted.append(submission.city_id)
            with translation.override(call.language):
                joined_text = date_format(joined_on, "DATE_FORMAT")
            transition(
                submission,
                S.RELEASED,
                actor=actor,
                now=now,
                release=True,
                notice_context={
                    "accepted": accepted,
                    "award": False,
                    "cohort": cohort.name,
                    "joined_on": joined_text if accepted else "",
                    "certificate": certificate is not None,
                    "jury_comments": _comments(jury_comments, submission),
                },
            )
        release = Release.objects.create(
            call=call, cohort=cohort, released_at=now, released_by=actor
        )
        record_activity(
            "calls.call.release",
            actor=actor,
            subject=call,
            changes={
                "cohort": [None, cohort.name],
                "joined_on": [None, joined_on.isoformat()],
                "admitted": [None, len(admitted)],
                "released": [None, len(decided)],
            },
        )
    return release


def _issue_certificate(
    submission: Submission,
    *,
    cohort: Cohort,
    joined_on: dt.date,
    now: dt.datetime,
    actor,
    renderer: CertificateRenderer,
) -> Certificate:
    number = certificate_number(submission, joined_on)
    pdf = renderer(
        certificate_context(submission, cohort=cohort, joined_on=joined_on, number=number)
    )
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


def accepted_elsewhere_in_country(submission: Submission) -> Submission | None:
    """Return another accepted nomination of the same award call and country, if any."""
    return (
        Submission.objects.filter(
            call_id=submission.call_id,
            country_id=submission.country_id,
            state__in=(S.DECIDED, S.RELEASED),
            decision=Decision.ACCEPTED,
        )
        .exclude(pk=submission.pk)
        .select_related("city", "country")
        .first()
    )


def release_winners(
    call: Call,
    *,
    actor,
    year: int,
    now: dt.datetime | None = None,
    jury_comments: Mapping[int, Sequence[str]] | None = None,
) -> Release:
    """Release the decisions of award call ``call``: the accepted nominations win in ``year``.

    The same refusals as ``release_cohort``, for an award call; a year outside
    the award's years is refused, as is a second winner of one country.
    Releasing a call released already returns its ``Release`` and does nothing.

    Effects, in one transaction: an ``AwardWin`` (city, year, call) per
    accepted nomination (no membership: the award goes to members); every
    decided nomination moved to ``released`` with its decision mail; the
    register's revision bumped so city pages show the wins at once; a
    ``Release``; activity ``calls.call.release``.
    """
    now = now or timezone.now()
    _check_releaser(actor, call, CallKind.AWARD)
    if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_AWARD_YEAR:
        raise SubmissionError(_("Give the year of the award."), code="year")
    with transaction.atomic():
        decided = _decided_for_release(call)
        if decided is None:
            return Release.objects.get(call=call)
        winners: dict[str, Submission] = {}
        for submission in decided:
            if submission.decision != Decision.ACCEPTED:
                continue
            other = winners.get(submission.country_id)
            if other is not None:
                raise SubmissionError(
                    _("%(country)s may have one winner only: %(city)s and %(other)s are accepted.")
                    % {
                        "country": submission.country,
                        "city": submission.city.name,
                        "other": other.city.name,
                    },
                    code="one_per_country",
                )
            winners[submission.country_id] = submission
        for submission in decided:
            accepted = submission.decision == Decision.ACCEPTED
            if accepted:
                record_award_win(submission.city, year=year, actor=actor, call=call)
            transition(
                submission,
                S.RELEASED,
                actor=actor,
                now=now,
                release=True,
                notice_context={
                    "accepted": accepted,
                    "award": True,
                    "award_year": year,
                    "jury_comments": _comments(jury_comments, submission),
                },
            )
        bump_network_revision()
        release = Release.objects.create(
            call=call, award_year=year, released_at=now, released_by=actor
        )
        record_activity(
            "calls.call.release",
            actor=actor,
            subject=call,
            changes={
                "award_year": [None, year],
                "winners": [None, len(winners)],
                "released": [None, len(decided)],
            },
        )
    return release
