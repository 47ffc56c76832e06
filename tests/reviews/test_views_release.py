"""The release pages: preview, typed confirmation, progress, result, ZIP and re-issue."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.domain.release import start_release
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import Certificate, Release, ReleaseState, Submission
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.network.models import Cohort, Membership
from tests.accounts.factories import person_with_role
from tests.calls.releasing import release_cohort
from tests.calls.test_release_steps import stage_as
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED
TITLE = "Membership call 2026"


def _url(name, call, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"pk": call.pk, **kwargs})


def _staged(countries_names_decisions, **call_fields):
    call = membership_call(title=TITLE, **call_fields)
    countries = [code for code, _name, _decision in countries_names_decisions]
    casts = {}
    for (cast, submission), (_code, name, decision) in zip(
        casts_in_review(call, countries), countries_names_decisions, strict=True
    ):
        rename_city(cast, name)
        stage_as(cast, submission, decision)
        casts[name] = (cast, submission)
    return call, casts


@pytest.fixture
def staged():
    """Cork (IE, Europe) and Nairobi (KE, Africa) accepted, Lyon (FR) rejected."""
    return _staged(
        [("IE", "Cork", ACCEPTED), ("KE", "Nairobi", ACCEPTED), ("FR", "Lyon", REJECTED)]
    )


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _confirm(client, call, **overrides):
    data = {
        "release-name": "2026 cohort",
        "release-joined_on": "2026-12-04",
        "release-confirmation": TITLE,
        **overrides,
    }
    return client.post(_url("decisions-release", call), data)


# Preview


def test_preview_shows_who_is_admitted_per_region_mails_and_certificates(client, staff, staged):
    call, _casts = staged

    response = client.get(_url("decisions-release", call))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(g.label, [s.city.name for s in g.submissions]) for g in preview.accepted] == [
        ("Africa", ["Nairobi"]),
        ("Europe and North America", ["Cork"]),
    ]
    assert [(g.label, g.count) for g in preview.rejected] == [("Europe and North America", 1)]
    assert (preview.mails, preview.certificates, preview.problems) == (6, 2, [])
    page = response.content.decode()
    assert "Admitted, by UNESCO region" in page
    assert "The cohort's page, which announces the new members" in page
    assert 'value="2026 cohort"' in page  # the suggested name reads "the 2026 cohort"
    assert f"Type: {TITLE}" in page
    assert Release.objects.count() == 0


def test_preview_names_what_stops_the_release(client, staff, staged):
    call, _casts = staged
    [(cast, _waiting)] = casts_in_review(call, ["DE"])
    rename_city(cast, "Bremen")

    response = client.get(_url("decisions-release", call))

    assert response.context["preview"].problems == [
        "Decide every submission before the release; still waiting: Bremen."
    ]
    assert "The release cannot start yet:" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_preview_query_count_does_not_grow(client, staff, django_assert_num_queries, count):
    rows = [("IE", "Cork", ACCEPTED), ("FR", "Lyon", REJECTED), ("KE", "Nairobi", ACCEPTED)]
    call, _casts = _staged(rows[:count])
    client.get(_url("decisions-release", call))

    with django_assert_num_queries(9):
        response = client.get(_url("decisions-release", call))

    assert (
        response.context["preview"].accepted_count + response.context["preview"].rejected_count
        == count
    )


def test_preview_of_an_award_call_says_winners_and_not_selected(client, staff):
    call = membership_call(title="Learning City Award", kind=CallKind.AWARD)

    response = client.get(_url("decisions-release", call))

    page = response.content.decode()
    assert "Winners, by UNESCO region" in page
    assert "Not selected, by UNESCO region" in page
    assert "Admitted" not in page
    assert 'name="release-year"' in page


# Confirmation


def test_confirm_with_a_wrong_title_is_a_form_error_and_releases_nothing(client, staff, staged):
    call, _casts = staged

    response = _confirm(client, call, **{"release-confirmation": "Membership call"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "confirmation": [f"The text typed is not the title of the call: type {TITLE} exactly."]
    }
    page = response.content.decode()
    assert "There is a problem" in page
    assert Release.objects.count() == 0
    assert Cohort.objects.filter(name="2026 cohort").count() == 0


def test_confirm_without_the_title_is_a_form_error(client, staff, staged):
    call, _casts = staged

    response = _confirm(client, call, **{"release-confirmation": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["confirmation"] == [
        "Type the title of the call to confirm the release."
    ]


def test_confirm_releases_in_the_background_and_shows_the_result(
    client, staff, staged, django_capture_on_commit_callbacks
):
    call, _casts = staged

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _confirm(client, call, **{"release-confirmation": "  membership CALL 2026 "})

    assert response.status_code == 302
    assert response["Location"] == _url("decisions-release-status", call)
    assert len(callbacks) >= 1  # the job is enqueued once the start commits
    release = Release.objects.get()
    assert (release.state, release.processed, release.total) == (ReleaseState.DONE, 3, 3)
    assert release.site_url == "http://testserver"
    assert Membership.objects.count() == 2
    assert set(Submission.objects.values_list("state", flat=True)) == {S.RELEASED}
    page = client.get(response["Location"]).content.decode()
    assert "The release is done" in page
    cohort = Cohort.objects.get(name="2026 cohort")
    assert f'href="{cohort.get_absolute_url()}"' in page
    for certificate in Certificate.objects.all():
        url = reverse("common:document", kwargs={"document_id": certificate.document_id})
        assert f'href="{url}"' in page
        assert f"http://testserver/certificates/{certificate.number}/" in page
    assert _url("decisions-certificates-zip", call) in page
    assert 'http-equiv="refresh"' not in page


def test_confirm_refusal_of_the_domain_is_shown_on_the_form(client, staff, staged):
    call, _casts = staged
    casts_in_review(call, ["DE"])

    response = _confirm(client, call)

    assert response.status_code == 409
    assert "Decide every submission before the release" in response.content.decode()
    assert Release.objects.count() == 0


def test_preview_of_a_released_call_goes_to_its_status(client, staff, staged):
    call, _casts = staged
    release_cohort(call, actor=staff, name="2026 cohort", joined_on=dt.date(2026, 12, 4))

    response = client.get(_url("decisions-release", call))

    assert response.status_code == 302
    assert response["Location"] == _url("decisions-release-status", call)


# Progress


def test_status_of_a_running_release_refreshes_and_offers_to_continue(client, staff, staged):
    call, _casts = staged
    start_release(call, actor=staff, name="2026 cohort", joined_on=dt.date(2026, 12, 4))

    page = client.get(_url("decisions-release-status", call)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'id="release-progress" max="3" value="0"' in page
    assert "0 of 3 decisions released" in page
    assert f'href="{_url("decisions-release-status", call)}">Refresh</a>' in page
    assert _url("decisions-release-resume", call) in page


def test_continue_finishes_a_stopped_release(
    client, staff, staged, django_capture_on_commit_callbacks
):
    call, _casts = staged
    release = start_release(call, actor=staff, name="2026 cohort", joined_on=dt.date(2026, 12, 4))
    Release.objects.filter(pk=release.pk).update(state=ReleaseState.FAILED, error="Killed.")
    page = client.get(_url("decisions-release-status", call)).content.decode()
    assert "Killed." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("decisions-release-resume", call))

    assert response.status_code == 302
    assert Release.objects.get().state == ReleaseState.DONE
    assert Certificate.objects.count() == 2
    assert OutboxMessage.objects.filter(template_code="calls.submission.released").count() == 6


# Certificates


@pytest.fixture
def released(staff, staged):
    call, casts = staged
    release_cohort(call, actor=staff, name="2026 cohort", joined_on=dt.date(2026, 12, 4))
    return call, casts


def test_certificates_zip_holds_every_valid_certificate(client, released):
    call, _casts = released

    response = client.get(_url("decisions-certificates-zip", call))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert sorted(archive.namelist()) == [f"{number}.pdf" for number in numbers]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_certificate_download_for_the_secretariat(client, released):
    certificate = Certificate.objects.first()

    response = client.get(
        reverse("common:document", kwargs={"document_id": certificate.document_id})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_reissue_asks_for_a_reason_and_replaces_the_certificate(client, staff, released):
    call, _casts = released
    old = Certificate.objects.get(submission__city__name="Cork")
    url = _url("decisions-certificate-reissue", call, certificate_pk=old.pk)
    form = client.get(url)
    assert form.status_code == 200
    assert "This cannot be undone." in form.content.decode()

    missing = client.post(url, {"reason": " "})
    done = client.post(url, {"reason": "The city's name was misspelt."})

    assert missing.status_code == 400
    assert missing.context["form"].errors == {"reason": ["Give the reason for the re-issue."]}
    assert done.status_code == 302
    old.refresh_from_db()
    assert old.replaced_by.number == f"{old.number}-R1"
    assert ActivityLogEntry.objects.filter(action="calls.certificate.reissue", actor=staff).exists()
    page = client.get(_url("decisions-release-status", call)).content.decode()
    assert f"Replaced by {old.number}-R1" in page


# Permissions


@pytest.mark.parametrize("role", ["coordinator", "endorser", "juror"])
def test_release_pages_refused_to_every_other_role(client, role, staged):
    call, casts = staged
    cast, _submission = casts["Cork"]
    person = {
        "coordinator": cast.coordinator,
        "endorser": cast.endorser,
        "juror": person_with_role(Role.JUROR, totp=True),
    }[role]
    start_release(
        call,
        actor=person_with_role(Role.SECRETARIAT, totp=True),
        name="2026 cohort",
        joined_on=dt.date(2026, 12, 4),
    )
    certificate_url = _url("decisions-certificate-reissue", call, certificate_pk=1)
    client.force_login(person)

    outcomes = {
        "preview": client.get(_url("decisions-release", call)).status_code,
        "confirm": _confirm(client, call).status_code,
        "status": client.get(_url("decisions-release-status", call)).status_code,
        "continue": client.post(_url("decisions-release-resume", call)).status_code,
        "zip": client.get(_url("decisions-certificates-zip", call)).status_code,
        "reissue": client.get(certificate_url).status_code,
        "reissue post": client.post(certificate_url, {"reason": "x"}).status_code,
    }

    assert set(outcomes.values()) == {403}
    assert Release.objects.get().processed == 0


def test_release_pages_send_an_anonymous_visitor_to_log_in(client, staged):
    call, _casts = staged

    response = client.get(_url("decisions-release", call))

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_release_pages_of_a_call_that_does_not_exist_answer_404(client, staff):
    response = client.get(reverse("reviews:decisions-release", kwargs={"pk": 999_999}))
    status = client.get(reverse("reviews:decisions-release-status", kwargs={"pk": 999_999}))

    assert (response.status_code, status.status_code) == (404, 404)


# The decisions page of an award call


def test_decisions_page_of_an_award_call_says_winner_and_not_selected(client, staff):
    call = membership_call(title="Learning City Award", kind=CallKind.AWARD)

    page = client.get(_url("decisions", call)).content.decode()

    assert "Winners" in page
    assert "Not selected" in page
    assert "Winner / not selected" in page or "No submission" in page
    assert "Prepare the release" in page
