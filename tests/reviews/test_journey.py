"""The full journey, from application to released cohort, through pages and domain functions.

Runs on SQLite and on PostgreSQL (``LC_DATABASE_URL=postgres://...``).
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from learningcities.accounts.enums import Role
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Certificate, Submission
from learningcities.common.models import OutboxMessage
from learningcities.network.models import Membership
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.panels import add_phase, create_panel
from learningcities.reviews.domain.reviews import (
    open_review,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.models import Assignment
from tests.accounts.factories import person_with_role
from tests.calls.factories import city_with_coordinator, endorser_of, fill_in, make_call
from tests.reviews.decision_helpers import (
    rename_city,
)
from tests.reviews.factories import make_juror

pytestmark = pytest.mark.django_db
S = SubmissionState


class Person:
    """A city with its coordinator and its country's endorser (``rename_city`` wants a cast)."""

    def __init__(self, country_code: str, name: str):
        self.organisation, self.coordinator = city_with_coordinator(country_code)
        self.city = self.organisation.city
        self.endorser = endorser_of(country_code)
        rename_city(self, name)


def _apply(client, call, person: Person) -> Submission:
    """The coordinator starts, fills in and submits; the endorser endorses (pages)."""
    client.force_login(person.coordinator)
    response = client.post(
        reverse("calls:city-applications"),
        {"call": call.pk, "organisation": person.organisation.pk},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(call=call, city=person.city)
    fill_in(submission, person.coordinator)  # the answers, as the autosaving forms save them
    response = client.post(
        reverse("calls:city-application", kwargs={"pk": submission.pk}), {"action": "submit"}
    )
    assert response.status_code == 302
    client.force_login(person.endorser)
    response = client.post(
        reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}),
        {"action": "endorse", "endorse-comment": "We support this city."},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == S.ENDORSED
    return submission


def _review(assignment: Assignment, score: int, recommendation: str, comment: str, now) -> None:
    """The juror scores every criterion, recommends, comments and submits (J2's domain)."""
    juror = assignment.juror
    review = open_review(assignment, actor=juror, now=now)
    for criterion in assignment.submission.call.framework.criteria.all():
        save_score(review, criterion, actor=juror, value=score, comment="Seen.", now=now)
    save_review(review, actor=juror, recommendation=recommendation, comment=comment, now=now)
    submit_review(review, actor=juror, now=now)


def test_journey_from_application_to_released_cohort_in_the_statistics(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    call = make_call(title="Membership call 2026", min_reviews=2)
    panel = create_panel(call, actor=staff)
    add_phase(
        panel,
        actor=staff,
        name="Scoring",
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=1),
    )
    add_phase(
        panel,
        actor=staff,
        name="Decisions",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
        may_review=False,
        may_change_state=True,
    )
    jurors = [make_juror(panel, "BR"), make_juror(panel, "JP")]
    cork, lyon = Person("IE", "Cork"), Person("FR", "Lyon")
    submissions = {person.city.name: _apply(client, call, person) for person in (cork, lyon)}

    # The secretariat screens (page) and assigns both jurors to both (J1's domain).
    client.force_login(staff)
    for submission in submissions.values():
        response = client.post(
            reverse("calls:secretariat-submission", kwargs={"pk": submission.pk}),
            {"action": "eligible"},
        )
        assert response.status_code == 302
        submission.refresh_from_db()
        assert submission.state == S.ELIGIBLE
        for juror in jurors:
            assign_submission(panel, submission, juror, actor=staff)
        submission.refresh_from_db()
        assert submission.state == S.IN_REVIEW

    # The jurors score during the scoring phase (J2's domain).
    scoring_time = now - dt.timedelta(days=5)
    for assignment in Assignment.objects.filter(panel=panel).select_related("submission__city"):
        if assignment.submission.city.name == "Cork":
            _review(assignment, 5, "admit", "A strong plan.", scoring_time)
        else:
            _review(assignment, 2, "do_not_admit", "Too early.", scoring_time)

    # In the decisions phase the secretariat works on the decisions page.
    decisions_url = reverse("reviews:decisions", kwargs={"pk": call.pk})
    page = client.get(decisions_url)
    assert [row.submission.city.name for row in page.context["rows"]] == ["Cork", "Lyon"]
    response = client.post(
        reverse("reviews:decisions-finish", kwargs={"pk": call.pk}),
        {"submission": [s.pk for s in submissions.values()]},
    )
    assert response.status_code == 302
    for name, decision in (("Cork", "accepted"), ("Lyon", "rejected")):
        response = client.post(
            reverse("reviews:decisions-decide", kwargs={"pk": call.pk}),
            {"submission": submissions[name].pk, "decision": decision},
        )
        assert response.status_code == 302
    assert client.get(decisions_url).context["counts"] == {
        "accepted": 1,
        "rejected": 1,
        "pending": 0,
    }

    # Before the release the city still reads "In review"; the statistics do not count it.
    joined_on = timezone.localdate()
    stats_url = f"/api/v1/network/stats?as_of={joined_on.isoformat()}"
    before = client.get(stats_url).json()
    client.force_login(cork.coordinator)
    cork_url = reverse("calls:city-application", kwargs={"pk": submissions["Cork"].pk})
    assert "In review" in client.get(cork_url).content.decode()

    client.force_login(staff)
    release_url = reverse("reviews:decisions-release", kwargs={"pk": call.pk})
    assert client.get(release_url).context["preview"].accepted_count == 1
    with django_capture_on_commit_callbacks(execute=True):  # the release job
        response = client.post(
            release_url,
            {
                "release-name": "Cohort 2026",
                "release-joined_on": joined_on.isoformat(),
                "release-include_comments": "on",
                "release-confirmation": call.title,
            },
        )
    assert response.status_code == 302

    assert list(
        Submission.objects.filter(call=call)
        .order_by("city__name")
        .values_list("city__name", "state", "decision")
    ) == [("Cork", S.RELEASED, Decision.ACCEPTED), ("Lyon", S.RELEASED, Decision.REJECTED)]
    membership = Membership.objects.get(city=cork.city)
    assert (membership.cohort.name, membership.joined_on) == ("Cohort 2026", joined_on)
    assert not Membership.objects.filter(city=lyon.city).exists()
    after = client.get(stats_url).json()
    assert after["member_cities"] == before["member_cities"] + 1
    assert after["countries"] == before["countries"] + 1
    mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[cork.coordinator.email]
    )
    assert "is accepted" in mail.body
    assert "- A strong plan." in mail.body

    # The city downloads its certificate from its application page.
    client.force_login(cork.coordinator)
    page = client.get(cork_url).content.decode()
    certificate = Certificate.objects.get(submission=submissions["Cork"])
    document_url = reverse("common:document", kwargs={"document_id": certificate.document_id})
    assert document_url in page
    download = client.get(document_url)
    pdf = b"".join(download.streaming_content) if download.streaming else download.content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Cork" in text
