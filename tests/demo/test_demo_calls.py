"""``learningcities load-demo-calls``: the demo call, its sample applications and its jury."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Affiliation, Organisation, User
from learningcities.calls.domain.completeness import completeness
from learningcities.calls.enums import CallKind, DocumentKind, SubmissionState
from learningcities.calls.models import Call, EndorsementQuota, Submission, SubmissionDocument
from learningcities.common.models import ActivityLogEntry, Document
from learningcities.demo.domain.calls import DEMO_CALL_TITLE
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.models import City, Membership
from learningcities.reviews.models import Assignment, Panel
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db
S = SubmissionState
DEMO = "demo.learningcities.example"


@pytest.fixture
def demo_network():
    """A small demo network (Cork, Aachen) with the demo accounts, as make run has them."""
    make_member(CityFactory(name="Cork", country=country("IE")), joined="2016")
    make_member(CityFactory(name="Aachen", country=country("DE")), joined="2017")
    _run("create-demo-accounts")


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _user(code: str) -> User:
    return User.objects.get(email=f"{code}@{DEMO}")


def _states() -> list[tuple[str, str, str]]:
    return list(Submission.objects.order_by("pk").values_list("city__name", "country_id", "state"))


def test_load_demo_calls_makes_an_open_call_with_applications_in_each_state(demo_network):
    output = _run("load-demo-calls")

    call = Call.objects.get()
    assert (call.title, call.kind, call.quota_per_country) == (
        DEMO_CALL_TITLE,
        CallKind.MEMBERSHIP,
        3,
    )
    assert call.framework.code == "key-features"
    now = timezone.now()
    assert call.opens_at < now
    assert dt.timedelta(days=59) < call.closes_at - now <= dt.timedelta(days=60)
    # Galway is the first Irish place of the gazetteer the demo member list does not
    # name (Dublin, Cork and Limerick are members; South Dublin is left out too).
    assert _states() == [
        ("Galway", "IE", S.DRAFT),
        ("Tallaght", "IE", S.SUBMITTED),
        ("Waterford", "IE", S.ENDORSED),
        ("Porto", "PT", S.ELIGIBLE),
        ("Amadora", "PT", S.IN_REVIEW),
        ("Nairobi", "KE", S.IN_REVIEW),
    ]
    assert not Membership.objects.filter(city__name__in=["Galway", "Porto", "Nairobi"]).exists()
    assert "6 sample applications made" in output
    assert "applicant@" in output


def test_load_demo_calls_completes_and_marks_every_submitted_application(demo_network):
    _run("load-demo-calls")

    for submission in Submission.objects.exclude(state=S.DRAFT):
        assert completeness(submission) == []
        assert submission.motivation.startswith("Sample application for the demo")
        assert (
            submission.answers.count()
            == submission.call.framework.criteria.exclude(answer_type="file").count()
        )
        assert all(
            answer.text_value.startswith("Sample answer for the demo: ")
            for answer in submission.answers.filter(criterion__answer_type="text")
        )
    letters = SubmissionDocument.objects.filter(kind=DocumentKind.COMMITMENT_LETTER)
    assert letters.count() == 5
    assert set(Document.objects.values_list("original_name", flat=True)) == {
        "sample-letter-for-the-demo.pdf"
    }
    draft = Submission.objects.get(state=S.DRAFT)
    assert draft.motivation.startswith("Sample application for the demo")
    assert completeness(draft) != []
    # One endorsement each: the demo endorser's, and the sample endorsers of PT and KE.
    assert dict(EndorsementQuota.objects.values_list("country_id", "used")) == {
        "IE": 1,
        "PT": 2,
        "KE": 1,
    }


def test_load_demo_calls_gives_the_demo_juror_the_reviews_in_an_open_phase(demo_network):
    _run("load-demo-calls")

    panel = Panel.objects.get()
    assert panel.organisation.name == "Membership jury"
    assert list(panel.phases.values_list("may_review", flat=True)) == [True]
    assert sorted(
        Assignment.objects.filter(panel=panel, juror=_user("juror")).values_list(
            "submission__city__name", flat=True
        )
    ) == ["Amadora", "Nairobi"]


def test_load_demo_calls_makes_the_applicant_coordinator_of_the_draft(client, demo_network):
    _run("load-demo-calls")
    applicant = _user("applicant")

    assert applicant.is_demo
    assert set(
        Affiliation.objects.filter(user=applicant).values_list("organisation__name", "role")
    ) == {("Galway", Role.COORDINATOR)}
    client.force_login(applicant)
    page = client.get(reverse("calls:city-applications"))
    assert [s.city.name for s in page.context["submissions"]] == ["Galway"]
    assert "applicant" in _run("create-demo-accounts")


def _counts() -> tuple[int, ...]:
    models = (Call, Submission, User, Organisation, City, Assignment, Document, ActivityLogEntry)
    return tuple(model.objects.count() for model in models)


def test_load_demo_calls_twice_changes_nothing(demo_network):
    _run("load-demo-calls")
    counts = _counts()
    states = _states()
    revisions = (current_revision(), Call.objects.get().revision)

    output = _run("load-demo-calls")

    assert _counts() == counts
    assert _states() == states
    assert (current_revision(), Call.objects.get().revision) == revisions
    assert "nothing changed" in output


def test_demo_endorser_queue_lists_the_application_waiting_for_them(client, demo_network):
    _run("load-demo-calls")

    client.force_login(_user("endorser"))
    response = client.get(reverse("calls:endorsement-queue"))

    assert [(s.city.name, s.state) for s in response.context["submissions"]] == [
        ("Tallaght", S.SUBMITTED)
    ]
    assert "Tallaght" in response.content.decode()


def test_demo_juror_workspace_lists_the_reviews_to_do(client, demo_network):
    _run("load-demo-calls")

    client.force_login(_user("juror"))
    response = client.get(reverse("reviews:jury-workspace"))

    assert sorted(s.city.name for s in response.context["page"].object_list) == [
        "Amadora",
        "Nairobi",
    ]
    assert "Nairobi" in response.content.decode()


@override_settings(PRODUCTION=True)
def test_load_demo_calls_is_refused_in_production(demo_network):
    with pytest.raises(CommandError, match="never made in production"):
        _run("load-demo-calls")

    assert not Call.objects.exists()


def test_load_demo_calls_without_the_demo_network_says_what_to_do():
    with pytest.raises(CommandError, match="load-demo, then learningcities create-demo-accounts"):
        _run("load-demo-calls")

    assert not Call.objects.exists()
