"""A call for presentations from proposal to release: screened, reviewed, decided, released.

The jury reviews proposals as it reviews applications; the release tells each
city its decision and makes no member, no cohort, no award win and no
certificate (what an accepted proposal becomes is the events app's part).
"""

import datetime as dt

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.domain.queries.work import coordinator_work
from learningcities.calls.domain.release import release_problems, run_release, start_release
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import AwardWin, Certificate, Release, ReleaseState, Submission
from learningcities.common.models import OutboxMessage
from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import admit_city
from learningcities.network.enums import DatePrecision
from learningcities.network.models import Cohort, Membership
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from learningcities.reviews.domain.reviews import (
    open_review,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, make_call, submission_in
from tests.reviews.decision_helpers import rename_city
from tests.reviews.factories import make_juror, make_panel

pytestmark = pytest.mark.django_db
S = SubmissionState
ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED
TITLE = "Presentations at the conference"


def _proposal(call, country_code: str, name: str) -> tuple[Cast, Submission]:
    """A city of ``country_code`` named ``name`` with its proposal screened eligible."""
    cast = Cast(call=call, country_code=country_code)
    rename_city(cast, name)
    submission = submission_in(cast, S.SUBMITTED)
    transition(submission, S.ELIGIBLE, actor=cast.secretary)
    return cast, submission


def _review(panel, submission, juror, *, recommendation: str, comment: str) -> None:
    """``juror`` is assigned ``submission`` and submits a complete review of it."""
    assignment = assign_submission(
        panel, submission, juror, actor=person_with_role(Role.SECRETARIAT)
    )
    review = open_review(assignment, actor=juror)
    for criterion in submission.call.framework.criteria.all():
        save_score(review, criterion, actor=juror, value=panel.score_max)
    save_review(review, actor=juror, recommendation=recommendation, comment=comment)
    submit_review(review, actor=juror)


@pytest.fixture
def reviewed():
    """Cork (IE) and Lyon (FR) proposed, screened and reviewed by one juror each (Brazil)."""
    call = make_call(title=TITLE, kind=CallKind.PRESENTATIONS, min_reviews=1)
    cork_cast, cork = _proposal(call, "IE", "Cork")
    lyon_cast, lyon = _proposal(call, "FR", "Lyon")
    panel = make_panel(call)
    juror = make_juror(panel, "BR")
    _review(panel, cork, juror, recommendation="admit", comment="A vivid festival of learning.")
    _review(panel, lyon, juror, recommendation="do_not_admit", comment="Too general.")
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    return {"call": call, "cork": (cork_cast, cork), "lyon": (lyon_cast, lyon), "juror": juror}


def _main(response) -> str:
    """The page's main content (the site's frame speaks of cohorts and members)."""
    page = response.content.decode()
    return page[page.index("<main") :]


def _decide(reviewed) -> None:
    for name, decision in (("cork", ACCEPTED), ("lyon", REJECTED)):
        cast, submission = reviewed[name]
        finish_review(submission, actor=cast.secretary)
        stage_decision(submission, actor=cast.secretary, decision=decision)


def test_a_reviewed_proposal_is_decided_and_released_without_cohort_or_year(reviewed):
    call = reviewed["call"]
    cork_cast, cork = reviewed["cork"]
    lyon_cast, lyon = reviewed["lyon"]
    _decide(reviewed)
    endorsers = {cork_cast.endorser.email, lyon_cast.endorser.email}

    release = run_release(start_release(call, actor=cork_cast.secretary))

    assert (release.state, release.total, release.processed) == (ReleaseState.DONE, 2, 2)
    assert (release.cohort, release.award_year, release.joined_on) == (None, None, None)
    assert dict(Submission.objects.filter(call=call).values_list("pk", "state")) == {
        cork.pk: S.RELEASED,
        lyon.pk: S.RELEASED,
    }
    assert dict(Submission.objects.filter(call=call).values_list("pk", "decision")) == {
        cork.pk: ACCEPTED,
        lyon.pk: REJECTED,
    }
    assert (Cohort.objects.count(), Membership.objects.count()) == (0, 0)
    assert (Certificate.objects.count(), AwardWin.objects.count()) == (0, 0)
    notices = OutboxMessage.objects.filter(template_code="calls.submission.released")
    assert sorted(address for notice in notices for address in notice.recipients) == sorted(
        [cork_cast.coordinator.email, lyon_cast.coordinator.email]
    )
    assert not endorsers & {address for notice in notices for address in notice.recipients}
    by_address = {notice.recipients[0]: notice.body for notice in notices}
    cork_notice = by_address[cork_cast.coordinator.email]
    assert "the proposal of Cork (Ireland) to the call “Presentations at the conference” is " in (
        cork_notice
    )
    assert "joins the network" not in cork_notice
    assert "it is not accepted this time" in by_address[lyon_cast.coordinator.email]


def test_the_release_of_a_call_for_presentations_has_no_problem_of_its_own(reviewed):
    _decide(reviewed)
    call = reviewed["call"]
    decided = list(Submission.objects.filter(call=call, state=S.DECIDED))
    # Cork's city is a member already: a membership call would refuse to admit it.
    cork_cast, _cork = reviewed["cork"]
    admit_city(cork_cast.city, joined=PartialDate(dt.date(2019, 7, 1), DatePrecision.DAY))

    assert release_problems(call, decided) == []


def test_the_release_preview_of_a_call_for_presentations_asks_for_no_cohort(client, reviewed):
    _decide(reviewed)
    call = reviewed["call"]
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get(reverse("reviews:decisions-release", kwargs={"pk": call.pk}))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.accepted_count, preview.rejected_count) == (1, 1)
    assert (preview.mails, preview.certificates, preview.problems) == (2, 0, [])
    assert sorted(response.context["form"].fields) == ["confirmation", "include_comments"]
    page = _main(response)
    assert "Accepted, by UNESCO region" in page
    assert "Release the decisions" in page
    for word in ("cohort", "Cohort", "member", "Admitted", "Winner"):
        assert word not in page


def test_confirming_the_release_of_a_call_for_presentations_releases_the_decisions(
    client, reviewed, django_capture_on_commit_callbacks
):
    _decide(reviewed)
    call = reviewed["call"]
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:decisions-release", kwargs={"pk": call.pk}),
            {"release-confirmation": TITLE, "release-include_comments": "on"},
        )

    assert response.status_code == 302
    release = Release.objects.get(call=call)
    assert (release.state, release.cohort, release.award_year) == (ReleaseState.DONE, None, None)
    _cork_cast, cork = reviewed["cork"]
    _lyon_cast, lyon = reviewed["lyon"]
    assert release.jury_comments == {
        str(cork.pk): ["A vivid festival of learning."],
        str(lyon.pk): ["Too general."],
    }
    status = _main(client.get(response["Location"]))
    assert "The release is done" in status
    assert "This release issued no certificate." in status
    assert "cohort" not in status


def test_the_city_reads_its_released_decision_on_a_proposal(client, reviewed):
    _decide(reviewed)
    call = reviewed["call"]
    cork_cast, cork = reviewed["cork"]
    run_release(start_release(call, actor=cork_cast.secretary))
    client.force_login(cork_cast.coordinator)

    response = client.get(reverse("calls:city-application", kwargs={"pk": cork.pk}))

    page = _main(response)
    assert response.status_code == 200
    assert "Congratulations: the proposal of Cork is accepted." in page
    assert "admitted to the network" not in page
    assert "certificate" not in page


def test_the_decisions_page_of_a_call_for_presentations_speaks_of_accepting(client, reviewed):
    _decide(reviewed)
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get(reverse("reviews:decisions", kwargs={"pk": reviewed["call"].pk}))

    page = _main(response)
    assert response.status_code == 200
    assert "Accept / do not accept" in page
    assert "the register does not change and no certificate is issued" in page
    for word in ("cohort", "member", "Admit", "Winner"):
        assert word not in page


def test_the_coordinator_sees_the_outcome_of_a_released_proposal(client, reviewed):
    _decide(reviewed)
    cork_cast, _cork = reviewed["cork"]
    lyon_cast, _lyon = reviewed["lyon"]
    run_release(start_release(reviewed["call"], actor=cork_cast.secretary))

    outcomes = {
        cast.city.name: [
            row["outcome"] for row in coordinator_work(cast.coordinator)["applications"]
        ]
        for cast in (cork_cast, lyon_cast)
    }

    assert outcomes == {"Cork": ["Accepted"], "Lyon": ["Not accepted"]}
    client.force_login(lyon_cast.coordinator)
    page = _main(client.get(reverse("calls:city-applications")))
    assert "Released: Not accepted" in page
