"""Staged decisions and the cohort release: memberships, mails, certificates, all or nothing."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from learningcities.accounts.domain.users import activate_totp
from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.release import render_certificate
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.interfaces.workbook import import_workbook
from learningcities.calls.models import Certificate, Release, Submission
from learningcities.common.models import ActivityLogEntry, Document, OutboxMessage
from learningcities.network.models import Cohort, Membership, NetworkRevision
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import TOTP_SECRET, person_with_role
from tests.calls.releasing import release_cohort
from tests.reviews.decision_helpers import (
    casts_in_review,
    files_under,
    membership_call,
    rename_city,
    stage,
)
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED


def _revision() -> int:
    row = NetworkRevision.objects.filter(pk=1).first()
    return row.number if row else 0


@pytest.fixture
def staged_call():
    """A membership call with Cork (IE) accepted and Lyon (FR) rejected, both staged."""
    call = membership_call(title="Membership call 2026")
    (cork_cast, cork), (lyon_cast, lyon) = casts_in_review(call, ["IE", "FR"])
    rename_city(cork_cast, "Cork")
    rename_city(lyon_cast, "Lyon")
    stage(cork_cast, cork, ACCEPTED)
    stage(lyon_cast, lyon, REJECTED)
    return {
        "call": call,
        "accepted": (cork_cast, cork),
        "rejected": (lyon_cast, lyon),
        "secretary": cork_cast.secretary,
    }


# Staging


def test_finish_review_refused_with_too_few_reviews_and_no_reason():
    call = membership_call(min_reviews=2)
    [(cast, submission)] = casts_in_review(call, ["IE"])

    with pytest.raises(SubmissionError) as error:
        finish_review(submission, actor=cast.secretary)

    assert error.value.code == "too_few_reviews"
    assert str(error.value) == (
        f"{cast.city.name} has 0 submitted reviews of the 2 the call asks for; "
        "give a reason to finish the review anyway."
    )
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


def test_finish_review_allowed_with_enough_submitted_reviews():
    call = membership_call(min_reviews=1)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    panel = make_panel(call)
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    juror = make_juror(panel, "BR")
    submitted_review(assign(panel, submission, juror), {})

    finish_review(submission, actor=cast.secretary)

    assert Submission.objects.get(pk=submission.pk).state == S.REVIEWED


def test_stage_decision_refused_in_a_phase_that_does_not_allow_it():
    call = membership_call()
    [(cast, submission)] = casts_in_review(call, ["IE"])
    make_panel(call)  # its one phase lets jurors review, not the secretariat move on

    with pytest.raises(SubmissionError) as error:
        finish_review(submission, actor=cast.secretary, reason="On paper.")

    assert error.value.code == "phase"
    assert str(error.value) == (
        "The phase “Scoring” does not allow finishing reviews or staging decisions."
    )


def test_stage_decision_refused_to_anyone_but_the_secretariat():
    call = membership_call()
    [(cast, submission)] = casts_in_review(call, ["IE"])
    finish_review(submission, actor=cast.secretary, reason="On paper.")

    with pytest.raises(TransitionNotPermitted):
        stage_decision(
            submission, actor=cast.coordinator, decision=ACCEPTED, reason="Reviewed on paper."
        )

    assert Submission.objects.get(pk=submission.pk).state == S.REVIEWED


def _api_transition(client, submission, **body):
    return client.post(
        f"/api/v1/submissions/{submission.pk}/transitions", body, content_type="application/json"
    )


def test_api_refuses_finishing_a_review_as_finish_review_does(client):
    call = membership_call(min_reviews=2)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    rename_city(cast, "Cork")
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = _api_transition(client, submission, to="reviewed")
    with pytest.raises(SubmissionError) as domain:
        finish_review(submission, actor=cast.secretary)

    assert response.status_code == 409
    assert response.json() == {"detail": str(domain.value), "code": "too_few_reviews"}
    assert str(domain.value) == (
        "Cork has 0 submitted reviews of the 2 the call asks for; "
        "give a reason to finish the review anyway."
    )
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


def test_api_refuses_staging_in_a_phase_that_does_not_allow_it(client):
    call = membership_call()
    [(_cast, submission)] = casts_in_review(call, ["IE"])
    make_panel(call)  # its one phase lets jurors review, not the secretariat move on
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = _api_transition(client, submission, to="reviewed", comment="On paper.")

    assert response.status_code == 409
    assert response.json()["code"] == "phase"
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


def test_api_refuses_accepting_with_few_reviews_without_a_reason(client):
    call = membership_call()
    [(cast, submission)] = casts_in_review(call, ["IE"])
    finish_review(submission, actor=cast.secretary, reason="On paper.")
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = _api_transition(client, submission, to="decided", decision="accepted")

    assert response.status_code == 409
    assert response.json()["code"] == "reason_required"
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.REVIEWED, "")
    assert not ActivityLogEntry.objects.filter(action="reviews.decision.few_reviews").exists()


def test_api_stages_a_decision_under_the_same_rules(client):
    call = membership_call()
    [(_cast, submission)] = casts_in_review(call, ["IE"])
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    finished = _api_transition(client, submission, to="reviewed", comment="On paper.")
    decided = _api_transition(
        client, submission, to="decided", decision="accepted", comment="Reviewed on paper."
    )

    assert (finished.status_code, decided.status_code) == (200, 200)
    assert decided.json()["state"] == "decided"
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.DECIDED, ACCEPTED)
    entry = ActivityLogEntry.objects.get(action="reviews.decision.few_reviews")
    assert entry.organisation_id is None
    assert entry.changes["reason"] == [None, "Reviewed on paper."]


def test_change_staged_decision_keeps_it_decided_and_logs_for_the_secretariat_only(staged_call):
    cast, submission = staged_call["accepted"]

    stage_decision(submission, actor=cast.secretary, decision=REJECTED, note="Second thoughts.")

    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.DECIDED, REJECTED)
    entry = ActivityLogEntry.objects.get(action="calls.submission.decision_change")
    assert entry.organisation_id is None
    assert entry.changes == {"decision": [ACCEPTED, REJECTED], "note": [None, "Second thoughts."]}


# Invisible until the release


def _city_and_endorser_views(client, cast, submission) -> dict[str, str]:
    """Every page, API answer and PDF the city or its National Commission may read."""
    seen = {}
    client.force_login(cast.coordinator)
    for name, url in {
        "applications": reverse("calls:city-applications"),
        "application": reverse("calls:city-application", kwargs={"pk": submission.pk}),
        "preview": reverse("calls:city-preview", kwargs={"pk": submission.pk}),
        "profile": reverse("calls:city-profile", kwargs={"pk": submission.pk}),
        "activity": reverse("accounts:activity"),
        "api list": "/api/v1/submissions",
        "api detail": f"/api/v1/submissions/{submission.pk}",
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        seen[f"city {name}"] = response.content.decode()
    pdf = client.get(reverse("calls:dossier-pdf", kwargs={"pk": submission.pk}))
    seen["city dossier"] = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    client.force_login(cast.endorser)
    for name, url in {
        "detail": reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}),
        "activity": reverse("accounts:activity"),
        "api detail": f"/api/v1/submissions/{submission.pk}",
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        seen[f"endorser {name}"] = response.content.decode()
    return seen


def test_staged_decision_invisible_to_city_and_endorser_pages_api_and_dossier(client, staged_call):
    cast, submission = staged_call["accepted"]

    seen = _city_and_endorser_views(client, cast, submission)

    for name, text in seen.items():
        for leak in ("Accepted", "accepted", "Decided", "decided", "Reviewed", "Reviewed on paper"):
            assert leak not in text, (name, leak)
    assert "In review" in seen["city application"]
    assert '"state": "in_review"' in seen["city api detail"]
    assert '"state": "in_review"' in seen["endorser api detail"]
    assert "In review" in seen["endorser detail"]
    assert "In review" in seen["city dossier"]


def test_staged_decision_invisible_in_the_refusals_a_coordinator_meets(client, staged_call):
    cast, submission = staged_call["accepted"]
    client.force_login(cast.coordinator)

    autosave = client.post(
        reverse("calls:city-profile", kwargs={"pk": submission.pk}),
        {"population": "5"},
        HTTP_X_AUTOSAVE="1",
    )
    with pytest.raises(SubmissionError) as workbook:
        import_workbook(submission, b"not read", actor=cast.coordinator)

    assert autosave.status_code == 409
    assert autosave.json() == {
        "errors": {"__all__": ["An application that is In review cannot be changed."]}
    }
    assert str(workbook.value) == "A submission that is In review cannot be changed."


def test_staged_decision_mails_reach_the_secretariat_only(staged_call):
    (cork_cast, _), (lyon_cast, _) = staged_call["accepted"], staged_call["rejected"]

    staged = OutboxMessage.objects.filter(
        template_code__in=["calls.submission.decided", "calls.submission.reviewed"]
    )

    assert staged.count() == 4  # reviewed and decided, for each of the two submissions
    recipients = {email for message in staged for email in message.recipients}
    assert recipients == {cork_cast.secretary.email, lyon_cast.secretary.email}
    assert not OutboxMessage.objects.filter(template_code="calls.submission.released").exists()


# Release


def test_release_cohort_admits_the_accepted_city_with_the_cohort_name_and_date(staged_call):
    joined_on = timezone.localdate()

    release = release_cohort(
        staged_call["call"], actor=staged_call["secretary"], name="Cohort 2026", joined_on=joined_on
    )

    cork_cast, _cork = staged_call["accepted"]
    lyon_cast, _lyon = staged_call["rejected"]
    membership = Membership.objects.get()
    assert (membership.city, membership.cohort.name, membership.joined_on) == (
        cork_cast.city,
        "Cohort 2026",
        joined_on,
    )
    assert release.cohort == membership.cohort
    assert release.released_by == staged_call["secretary"]
    assert Membership.objects.filter(city=lyon_cast.city).count() == 0
    assert list(
        Submission.objects.filter(call=staged_call["call"])
        .order_by("pk")
        .values_list("state", "decision")
    ) == [(S.RELEASED, ACCEPTED), (S.RELEASED, REJECTED)]


def test_release_cohort_shows_new_members_in_statistics_and_directory_at_once(client, staged_call):
    joined_on = timezone.localdate()
    stats_url = f"/api/v1/network/stats?as_of={joined_on.isoformat()}"
    before = client.get(stats_url).json()
    directory_before = client.get(reverse("network:directory")).content.decode()

    release_cohort(
        staged_call["call"], actor=staged_call["secretary"], name="Cohort 2026", joined_on=joined_on
    )

    after = client.get(stats_url).json()
    assert after["member_cities"] == before["member_cities"] + 1
    assert after["by_region"]["Europe and North America"] == (
        before["by_region"]["Europe and North America"] + 1
    )
    assert "Cork" not in directory_before
    directory = client.get(reverse("network:directory")).content.decode()
    assert "Cork" in directory
    assert "Lyon" not in directory


def test_release_cohort_queues_the_decision_mails_in_the_call_language():
    call = membership_call(language="fr")
    (accepted_cast, accepted), (rejected_cast, rejected) = casts_in_review(call, ["IE", "FR"])
    rename_city(accepted_cast, "Cork")
    rename_city(rejected_cast, "Lyon")
    stage(accepted_cast, accepted, ACCEPTED)
    stage(rejected_cast, rejected, REJECTED)
    User.objects.update(language="fr")  # mails follow their recipient's language

    release_cohort(
        call, actor=accepted_cast.secretary, name="Cohorte 2026", joined_on=dt.date(2026, 12, 4)
    )

    mails = OutboxMessage.objects.filter(template_code="calls.submission.released")
    assert sorted((m.object_id, m.language, tuple(m.recipients)) for m in mails) == sorted(
        [
            (str(accepted.pk), "fr", (accepted_cast.coordinator.email,)),
            (str(accepted.pk), "fr", (accepted_cast.endorser.email,)),
            (str(rejected.pk), "fr", (rejected_cast.coordinator.email,)),
            (str(rejected.pk), "fr", (rejected_cast.endorser.email,)),
        ]
    )
    to_cork = mails.get(recipients=[accepted_cast.coordinator.email])
    assert to_cork.subject == "Décision sur la candidature de Cork"
    assert (
        "la candidature de Cork (Irlande) à l'appel « Membership call » est acceptée"
        in to_cork.body
    )
    with translation.override("fr"):
        joined = date_format(dt.date(2026, 12, 4), "DATE_FORMAT")
    assert f"Cork rejoint le réseau le {joined} (cohorte : Cohorte 2026)." in to_cork.body
    to_lyon = mails.get(recipients=[rejected_cast.coordinator.email])
    assert "elle n'est pas retenue cette fois" in to_lyon.body


def test_release_cohort_certificate_is_a_pdf_with_the_city_name_owned_by_the_city(staged_call):
    cork_cast, cork = staged_call["accepted"]
    rename_city(cork_cast, "Suwon", local_name="수원시")

    release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Cohort 2026",
        joined_on=dt.date(2026, 12, 4),
    )

    certificate = Certificate.objects.select_related("document").get()
    assert certificate.submission_id == cork.pk
    assert certificate.number == f"LC-2026-{cork.call_id:04d}-{cork.pk:06d}"
    document = certificate.document
    assert (document.owner_id, document.content_type, document.kind) == (
        cork_cast.organisation.pk,
        "application/pdf",
        "calls.certificate",
    )
    with document.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Suwon" in text
    assert "수원시" in text
    assert "Cohort 2026" in text
    assert certificate.number in text


def test_release_cohort_certificate_downloads_for_the_city_only(client, staged_call):
    cork_cast, cork = staged_call["accepted"]
    release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Cohort 2026",
        joined_on=timezone.localdate(),
    )
    certificate = Certificate.objects.get()
    url = reverse("common:document", kwargs={"document_id": certificate.document_id})
    client.force_login(cork_cast.coordinator)

    page = client.get(reverse("calls:city-application", kwargs={"pk": cork.pk})).content.decode()
    download = client.get(url)

    assert f'href="{url}"' in page
    assert "Admitted" in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    lyon_cast, _ = staged_call["rejected"]
    outcomes = {}
    for name, person in {
        "other city": lyon_cast.coordinator,
        "endorser": cork_cast.endorser,
        "juror": person_with_role(Role.JUROR, totp=True),
    }.items():
        client.force_login(person)
        outcomes[name] = client.get(url).status_code
    client.logout()
    outcomes["anonymous"] = client.get(url).status_code
    assert outcomes == {"other city": 404, "endorser": 404, "juror": 404, "anonymous": 404}


def test_release_cohort_failing_certificate_rolls_back_that_city_alone(staged_call, settings):
    root = settings.LC_PRIVATE_ROOT
    call = staged_call["call"]
    # A second accepted city, so that the renderer fails after one certificate was stored.
    [(cast, third)] = casts_in_review(call, ["DE"])
    rename_city(cast, "Dresden")
    stage(cast, third, ACCEPTED)
    rendered = []

    stored_when_failing = []

    def renderer_failing_the_second_time(context):
        if rendered:
            stored_when_failing.extend(files_under(root))
            raise RuntimeError("the certificate cannot be rendered")
        rendered.append(context["city_name"])
        return render_certificate(context)

    files_before = files_under(root)

    with pytest.raises(RuntimeError):
        release_cohort(
            call,
            actor=staged_call["secretary"],
            name="Cohort 2026",
            joined_on=timezone.localdate(),
            renderer=renderer_failing_the_second_time,
        )

    # Cork (first by name) is released and kept; Dresden's step is rolled back, its
    # file included; Lyon waits. The release stopped: running it again continues.
    assert rendered == ["Cork"]
    assert len(stored_when_failing) == len(files_before) + 1  # Cork's only
    assert len(files_under(root)) == len(files_before) + 1
    assert list(Membership.objects.values_list("city__name", flat=True)) == ["Cork"]
    assert list(Certificate.objects.values_list("submission__city__name", flat=True)) == ["Cork"]
    assert dict(Submission.objects.filter(call=call).values_list("city__name", "state")) == {
        "Cork": S.RELEASED,
        "Dresden": S.DECIDED,
        "Lyon": S.DECIDED,
    }
    assert Release.objects.get().state == "failed"
    assert Cohort.objects.filter(name="Cohort 2026").count() == 1


def test_release_cohort_twice_changes_nothing(staged_call):
    first = release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Cohort 2026",
        joined_on=timezone.localdate(),
    )
    counts = (
        Membership.objects.count(),
        Cohort.objects.count(),
        OutboxMessage.objects.count(),
        Certificate.objects.count(),
        Document.objects.count(),
        _revision(),
    )

    second = release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Another name",
        joined_on=dt.date(2030, 1, 1),
    )

    assert second == first
    assert (
        Membership.objects.count(),
        Cohort.objects.count(),
        OutboxMessage.objects.count(),
        Certificate.objects.count(),
        Document.objects.count(),
        _revision(),
    ) == counts


def test_release_cohort_refused_while_a_submission_waits_for_its_decision(staged_call):
    [(cast, _waiting)] = casts_in_review(staged_call["call"], ["DE"])
    rename_city(cast, "Bremen")

    with pytest.raises(SubmissionError) as error:
        release_cohort(
            staged_call["call"],
            actor=staged_call["secretary"],
            name="Cohort 2026",
            joined_on=timezone.localdate(),
        )

    assert str(error.value) == "Decide every submission before the release; still waiting: Bremen."
    assert Membership.objects.count() == 0


def test_release_cohort_refused_to_a_coordinator(staged_call):
    cork_cast, _ = staged_call["accepted"]

    with pytest.raises(TransitionNotPermitted):
        release_cohort(
            staged_call["call"],
            actor=cork_cast.coordinator,
            name="Cohort 2026",
            joined_on=timezone.localdate(),
        )

    assert Release.objects.count() == 0


def test_stage_decision_refused_after_the_release(staged_call):
    release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Cohort 2026",
        joined_on=timezone.localdate(),
    )
    [(cast, late)] = casts_in_review(staged_call["call"], ["DE"])
    finish_review(late, actor=cast.secretary, reason="Late.")

    with pytest.raises(SubmissionError) as error:
        stage_decision(late, actor=cast.secretary, decision=ACCEPTED, reason="Reviewed on paper.")

    assert error.value.code == "released"


# The decisions page


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _url(name, call):
    return reverse(f"reviews:{name}", kwargs={"pk": call.pk})


@pytest.mark.parametrize("count", [1, 3])
def test_decisions_page_query_count_does_not_grow(client, staff, django_assert_num_queries, count):
    call = membership_call()
    panel = make_panel(call)
    juror = make_juror(panel, "BR")
    for _cast, submission in casts_in_review(call, ["IE", "FR", "DE"][:count]):
        submitted_review(assign(panel, submission, juror), {}, comment="Fine.")
    client.get(_url("decisions", call))

    with django_assert_num_queries(9):
        response = client.get(_url("decisions", call))

    assert len(response.context["rows"]) == count


def test_decisions_page_lists_in_ranking_order_with_counts(client, staff):
    call = membership_call()
    casts = casts_in_review(call, ["IE", "FR", "DE"])
    for cast, name in zip((c for c, _ in casts), ("Cork", "Lyon", "Bremen"), strict=True):
        rename_city(cast, name)
    stage(*casts[0], ACCEPTED)
    stage(*casts[1], REJECTED)

    response = client.get(_url("decisions", call))

    assert response.status_code == 200
    assert [row.submission.city.name for row in response.context["rows"]] == [
        "Cork",
        "Lyon",
        "Bremen",
    ]
    assert response.context["counts"] == {"accepted": 1, "rejected": 1, "pending": 1}


def test_decisions_page_finishes_the_ticked_reviews_with_a_reason(client, staff):
    call = membership_call()
    casts = casts_in_review(call, ["IE", "FR"])

    response = client.post(
        _url("decisions-finish", call),
        {"submission": [s.pk for _, s in casts], "reason": "Reviewed in the meeting."},
    )

    assert response.status_code == 302
    assert (
        list(Submission.objects.filter(call=call).values_list("state", flat=True))
        == [S.REVIEWED] * 2
    )


def test_decisions_page_finish_without_reason_names_the_submission(client, staff):
    call = membership_call(min_reviews=2)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    rename_city(cast, "Cork")

    response = client.post(_url("decisions-finish", call), {"submission": [submission.pk]})

    assert response.status_code == 409
    assert (
        "Cork has 0 submitted reviews of the 2 the call asks for; "
        "give a reason to finish the review anyway."
    ) in response.content.decode()


def test_decisions_page_stages_a_decision(client, staff):
    call = membership_call()
    [(cast, submission)] = casts_in_review(call, ["IE"])
    finish_review(submission, actor=cast.secretary, reason="On paper.")

    response = client.post(
        _url("decisions-decide", call),
        {"submission": submission.pk, "decision": "accepted", "reason": "Reviewed on paper."},
    )

    assert response.status_code == 302
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.DECIDED, ACCEPTED)


def test_decisions_page_refuses_a_decision_on_a_submission_in_review(client, staff):
    call = membership_call()
    [(_cast, submission)] = casts_in_review(call, ["IE"])

    response = client.post(
        _url("decisions-decide", call), {"submission": submission.pk, "decision": "accepted"}
    )

    assert response.status_code == 400
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


def test_decisions_page_release_includes_the_anonymised_jury_comments_when_ticked(
    client, staff, django_capture_on_commit_callbacks
):
    call = membership_call(min_reviews=1)
    panel = make_panel(call)
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    juror = make_juror(panel, "BR", name="Juror Jones")
    submitted_review(
        assign(panel, submission, juror), {}, comment="A clear plan with strong support."
    )
    finish_review(submission, actor=staff)
    stage_decision(submission, actor=staff, decision=ACCEPTED, reason="Reviewed on paper.")

    with django_capture_on_commit_callbacks(execute=True):  # the release job
        response = client.post(
            _url("decisions-release", call),
            {
                "release-name": "Cohort 2026",
                "release-joined_on": "2026-12-04",
                "release-include_comments": "on",
                "release-confirmation": call.title,
            },
        )

    assert response.status_code == 302
    mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[cast.coordinator.email]
    )
    assert "The jury's comments:\n\n- A clear plan with strong support." in mail.body
    assert "Juror Jones" not in mail.body
    assert juror.email not in mail.body
    endorser_mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[cast.endorser.email]
    )
    assert "A clear plan" not in endorser_mail.body


def test_decisions_page_release_without_comments_leaves_them_out(
    client, staff, django_capture_on_commit_callbacks
):
    call = membership_call(min_reviews=1)
    panel = make_panel(call)
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    [(cast, submission)] = casts_in_review(call, ["IE"])
    submitted_review(
        assign(panel, submission, make_juror(panel, "BR")), {}, comment="Private remark."
    )
    finish_review(submission, actor=staff)
    stage_decision(submission, actor=staff, decision=REJECTED)

    with django_capture_on_commit_callbacks(execute=True):  # the release job
        client.post(
            _url("decisions-release", call),
            {
                "release-name": "Cohort 2026",
                "release-joined_on": "2026-12-04",
                "release-confirmation": call.title,
            },
        )

    mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[cast.coordinator.email]
    )
    assert "Private remark." not in mail.body
    assert "it is not accepted this time" in mail.body


def test_decisions_page_release_refusal_is_shown(client, staff):
    call = membership_call()
    [(cast, _submission)] = casts_in_review(call, ["IE"])
    rename_city(cast, "Cork")

    response = client.post(
        _url("decisions-release", call),
        {
            "release-name": "Cohort 2026",
            "release-joined_on": "2026-12-04",
            "release-confirmation": call.title,
        },
    )

    assert response.status_code == 409
    assert (
        "Decide every submission before the release; still waiting: Cork."
        in response.content.decode()
    )
    assert Cohort.objects.filter(name="Cohort 2026").count() == 0


def test_decisions_page_release_form_names_a_missing_date(client, staff):
    call = membership_call()

    response = client.post(
        _url("decisions-release", call),
        {"release-name": "Cohort 2026", "release-confirmation": call.title},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"joined_on": ["This field is required."]}


def test_city_withdrawing_after_a_staged_acceptance_is_left_out_of_the_release(staged_call):
    cork_cast, cork = staged_call["accepted"]
    cork_cast.move(cork, SubmissionState.WITHDRAWN, comment="")

    release_cohort(
        staged_call["call"],
        actor=staged_call["secretary"],
        name="Cohort 2026",
        joined_on=timezone.localdate(),
    )

    assert Submission.objects.get(pk=cork.pk).state == SubmissionState.WITHDRAWN
    assert Membership.objects.filter(city=cork_cast.city).count() == 0
    assert Certificate.objects.filter(submission=cork).count() == 0


def test_secretariat_dossier_shows_the_staged_state(client, staged_call):
    cast, submission = staged_call["accepted"]
    activate_totp(cast.secretary, secret=TOTP_SECRET)
    client.force_login(cast.secretary)

    response = client.get(reverse("calls:dossier-pdf", kwargs={"pk": submission.pk}))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    assert response.status_code == 200
    assert "Decided" in text
    assert "In review" not in text
