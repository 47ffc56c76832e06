"""The release in steps that each commit: idempotent, resumable, certificates re-issued."""

import datetime as dt

import pytest
from django.utils.formats import date_format
from pypdf import PdfReader

from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.release import (
    _release_one,
    certificate_context,
    reissue_certificate,
    render_certificate,
    run_release,
    site_base,
    start_release,
)
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import AwardWin, Certificate, Release, ReleaseState, Submission
from learningcities.common.models import ActivityLogEntry, Document, OutboxMessage
from learningcities.network.models import Cohort, Membership
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.calls.factories import Cast, submission_in
from tests.calls.releasing import release_cohort, release_winners
from tests.factories import make_member
from tests.reviews.decision_helpers import (
    casts_in_review,
    files_under,
    membership_call,
    rename_city,
)

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED
JOINED = dt.date(2026, 12, 4)
RELEASED_MAIL = "calls.submission.released"


def stage_as(cast, submission, decision):
    """Finish the review on paper and stage ``decision`` (with the reason few reviews need)."""
    finish_review(submission, actor=cast.secretary, reason="Reviewed on paper.")
    return stage_decision(
        submission, actor=cast.secretary, decision=decision, reason="Reviewed on paper."
    )


@pytest.fixture
def three_cities():
    """A membership call: Bremen (DE) and Cork (IE) accepted, Lyon (FR) rejected, all staged."""
    call = membership_call(title="Membership call 2026")
    casts = {}
    for (cast, submission), name, decision in zip(
        casts_in_review(call, ["DE", "IE", "FR"]),
        ("Bremen", "Cork", "Lyon"),
        (ACCEPTED, ACCEPTED, REJECTED),
        strict=True,
    ):
        rename_city(cast, name)
        stage_as(cast, submission, decision)
        casts[name] = (cast, submission)
    return {"call": call, "casts": casts, "secretary": casts["Cork"][0].secretary}


def _per_city(call):
    """Memberships, valid certificates and decision mails to coordinators, per city name."""
    counts = {}
    for submission in Submission.objects.filter(call=call).select_related("city"):
        cast_mails = OutboxMessage.objects.filter(
            template_code=RELEASED_MAIL, object_id=str(submission.pk)
        ).count()
        counts[submission.city.name] = (
            Membership.objects.filter(city=submission.city).count(),
            Certificate.objects.filter(submission=submission, revoked_at=None).count(),
            cast_mails,
            submission.state,
        )
    return counts


EXPECTED = {
    # membership, certificate, mails (coordinators and endorsers), state
    "Bremen": (1, 1, 2, S.RELEASED),
    "Cork": (1, 1, 2, S.RELEASED),
    "Lyon": (0, 0, 2, S.RELEASED),
}


def test_start_release_creates_the_cohort_and_a_running_release_only(three_cities):
    release = start_release(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )

    assert (release.state, release.total, release.processed) == (ReleaseState.RUNNING, 3, 0)
    assert release.cohort == Cohort.objects.get(name="2026 cohort")
    assert Membership.objects.count() == 0
    assert Certificate.objects.count() == 0
    assert not OutboxMessage.objects.filter(template_code=RELEASED_MAIL).exists()
    assert set(Submission.objects.values_list("state", flat=True)) == {S.DECIDED}


def test_start_release_refused_when_an_accepted_city_is_a_member_already(three_cities):
    cork_cast, _ = three_cities["casts"]["Cork"]
    make_member(cork_cast.city, joined="2019-07-17")

    with pytest.raises(SubmissionError) as error:
        start_release(
            three_cities["call"],
            actor=three_cities["secretary"],
            name="2026 cohort",
            joined_on=JOINED,
        )

    assert str(error.value) == "Cork is already a member."
    assert Release.objects.count() == 0


def test_run_release_releases_every_decision_once(three_cities):
    release = release_cohort(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )

    assert (release.state, release.processed, release.total) == (ReleaseState.DONE, 3, 3)
    assert _per_city(three_cities["call"]) == EXPECTED
    entry = ActivityLogEntry.objects.get(action="calls.call.release")
    assert entry.changes["admitted"] == [None, 2]


def test_run_release_again_doubles_nothing(three_cities):
    release = release_cohort(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    counts = (OutboxMessage.objects.count(), Document.objects.count(), Membership.objects.count())
    Release.objects.filter(pk=release.pk).update(state=ReleaseState.RUNNING)  # as if it crashed

    run_release(release)

    assert (
        OutboxMessage.objects.count(),
        Document.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert _per_city(three_cities["call"]) == EXPECTED
    assert Release.objects.get().state == ReleaseState.DONE


def test_run_release_after_a_failure_continues_where_it_stopped(three_cities, private_root):
    call = three_cities["call"]
    release = start_release(
        call, actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    rendered = []
    files_before = len(files_under(private_root))

    def renderer_failing_for_cork(context):
        if context["city_name"] == "Cork":
            raise RuntimeError("the certificate cannot be rendered")
        rendered.append(context["city_name"])
        return render_certificate(context)

    with pytest.raises(RuntimeError):
        run_release(release, renderer=renderer_failing_for_cork)

    stopped = Release.objects.get()
    assert (stopped.state, stopped.processed) == (ReleaseState.FAILED, 1)
    assert stopped.error == "the certificate cannot be rendered"
    assert _per_city(call) == {
        "Bremen": (1, 1, 2, S.RELEASED),  # released before the failure, kept
        "Cork": (0, 0, 0, S.DECIDED),  # rolled back, its file too
        "Lyon": (0, 0, 0, S.DECIDED),
    }
    assert len(files_under(private_root)) == files_before + 1  # Bremen's certificate

    finished = run_release(release)

    assert rendered == ["Bremen"]
    assert (finished.state, finished.processed, finished.error) == (ReleaseState.DONE, 3, "")
    assert _per_city(call) == EXPECTED
    assert len(files_under(private_root)) == files_before + 2


def test_release_one_skips_a_submission_another_run_released(three_cities):
    release = start_release(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    _cast, cork = three_cities["casts"]["Cork"]
    now = release.released_at

    first = _release_one(release, cork.pk, renderer=render_certificate, now=now)
    second = _release_one(release, cork.pk, renderer=render_certificate, now=now)

    assert (first, second) == (True, False)
    assert Certificate.objects.filter(submission=cork).count() == 1
    assert Release.objects.get().processed == 1


def test_staging_a_decision_refused_once_the_release_started(three_cities):
    start_release(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    cast, lyon = three_cities["casts"]["Lyon"]

    with pytest.raises(SubmissionError) as error:
        stage_decision(lyon, actor=cast.secretary, decision=ACCEPTED, reason="Second thoughts.")

    assert error.value.code == "released"


# Certificates: wording, verification address, re-issue


def _pdf_text(certificate: Certificate) -> str:
    with certificate.document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def test_certificate_carries_its_verification_address_and_a_qr_code(three_cities):
    release_cohort(
        three_cities["call"],
        actor=three_cities["secretary"],
        name="2026 cohort",
        joined_on=JOINED,
        site_url="https://cities.example.org",
    )
    certificate = Certificate.objects.select_related("submission").get(
        submission__city__name="Cork"
    )

    text = " ".join(_pdf_text(certificate).split())
    context = certificate_context(
        certificate.submission, number=certificate.number, base="https://cities.example.org"
    )

    url = f"https://cities.example.org/certificates/{certificate.number}/"
    assert context["verification_url"] == url
    assert context["qr"].startswith("data:image/svg+xml")
    assert url in text.replace(" ", "") or url in text


def test_certificate_and_mail_name_the_cohort_naturally(three_cities):
    release_cohort(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    certificate = Certificate.objects.get(submission__city__name="Cork")
    cork_cast, _ = three_cities["casts"]["Cork"]
    mail = OutboxMessage.objects.get(
        template_code=RELEASED_MAIL, recipients=[cork_cast.coordinator.email]
    )

    with certificate.document.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 1
    text = " ".join(_pdf_text(certificate).split())
    joined = date_format(JOINED, "DATE_FORMAT")
    assert f"has been admitted as a member of the network on {joined}." in text
    assert "Cohort: 2026 cohort" in text
    assert "the cohort 2026 cohort" not in text
    assert f"Cork joins the network on {joined} (cohort: 2026 cohort)." in mail.body
    assert "the cohort 2026 cohort" not in mail.body


def test_site_base_prefers_the_configured_address(monkeypatch, settings):
    settings.LC_SITE_URL = "https://configured.example.org"
    monkeypatch.delenv("LC_SITE_URL", raising=False)
    assert site_base("http://reached.example.net:8000/") == "http://reached.example.net:8000"
    assert site_base("") == "https://configured.example.org"

    monkeypatch.setenv("LC_SITE_URL", "https://configured.example.org")
    assert site_base("http://reached.example.net:8000/") == "https://configured.example.org"


def test_reissue_certificate_replaces_the_old_one_with_a_new_number(three_cities):
    release_cohort(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    old = Certificate.objects.get(submission__city__name="Cork")
    cork_cast, cork = three_cities["casts"]["Cork"]
    rename_city(cork_cast, "Corcaigh")

    new = reissue_certificate(old, actor=three_cities["secretary"], reason="Name corrected.")

    old.refresh_from_db()
    assert new.number == f"{old.number}-R1"
    assert (old.revoked_at is not None, old.revoke_reason, old.replaced_by) == (
        True,
        "Name corrected.",
        new,
    )
    assert new.is_valid
    assert new.document_id != old.document_id
    assert "Corcaigh" in _pdf_text(new)
    assert Certificate.objects.filter(submission=cork).first() == new  # the valid one first
    entry = ActivityLogEntry.objects.get(action="calls.certificate.reissue")
    assert entry.changes == {
        "certificate": [old.number, new.number],
        "reason": [None, "Name corrected."],
    }

    newer = reissue_certificate(new, actor=three_cities["secretary"], reason="Again.")
    assert newer.number == f"{old.number}-R2"


def test_reissue_certificate_refused_without_reason_of_a_replaced_one_and_to_a_city(
    three_cities,
):
    release_cohort(
        three_cities["call"], actor=three_cities["secretary"], name="2026 cohort", joined_on=JOINED
    )
    old = Certificate.objects.get(submission__city__name="Cork")
    cork_cast, _ = three_cities["casts"]["Cork"]

    with pytest.raises(SubmissionError) as no_reason:
        reissue_certificate(old, actor=three_cities["secretary"], reason="  ")
    with pytest.raises(TransitionNotPermitted):
        reissue_certificate(old, actor=cork_cast.coordinator, reason="Mine.")
    reissue_certificate(old, actor=three_cities["secretary"], reason="Name corrected.")
    with pytest.raises(SubmissionError) as replaced:
        reissue_certificate(old, actor=three_cities["secretary"], reason="Twice.")

    assert no_reason.value.code == "reason"
    assert replaced.value.code == "revoked"
    assert Certificate.objects.filter(submission__city__name="Cork").count() == 2


# The award


def _nominee_reviewed(call, code, name):
    cast = Cast(call=call, country_code=code)
    rename_city(cast, name)
    make_member(cast.city, joined="2019-07-17")
    submission = submission_in(cast, S.IN_REVIEW)
    return cast, submission


def test_release_winners_issues_award_certificates_and_says_winner():
    call = membership_call(
        title="Learning City Award", kind=CallKind.AWARD, member_for_months=12, quota_per_country=2
    )
    cork_cast, cork = _nominee_reviewed(call, "IE", "Cork")
    _lyon_cast, lyon = _nominee_reviewed(call, "FR", "Lyon")
    stage_as(cork_cast, cork, ACCEPTED)
    stage_as(cork_cast, lyon, REJECTED)
    year = dt.date.today().year

    release_winners(call, actor=cork_cast.secretary, year=year)

    assert AwardWin.objects.filter(city=cork_cast.city, year=year).count() == 1
    certificate = Certificate.objects.get()
    assert certificate.submission_id == cork.pk
    text = " ".join(_pdf_text(certificate).split())
    assert "Award certificate" in text
    assert f"is a winner of the Learning City Award ({year})." in text
    mails = {
        m.object_id: m.body
        for m in OutboxMessage.objects.filter(template_code=RELEASED_MAIL)
        if m.recipients != [cork_cast.endorser.email]
    }
    assert "Decision: winner" in mails[str(cork.pk)]
    assert "Decision: not selected" in mails[str(lyon.pk)]
    assert "Accepted" not in mails[str(cork.pk)]
