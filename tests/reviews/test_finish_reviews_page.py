"""Finishing reviews from the decisions page: a batch partly refused, a form in error."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import person_with_role
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _url(call):
    return reverse("reviews:decisions-finish", kwargs={"pk": call.pk})


def _messages(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_finish_reviews_finishes_those_it_may_and_names_each_refusal_once(client, staff):
    call = membership_call(min_reviews=1)
    panel = make_panel(call)
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    (_cork_cast, cork), (lyon_cast, lyon), (bremen_cast, bremen) = casts_in_review(
        call, ["IE", "FR", "DE"]
    )
    rename_city(lyon_cast, "Lyon")
    rename_city(bremen_cast, "Bremen")
    submitted_review(assign(panel, cork, make_juror(panel, "BR")), {})

    response = client.post(_url(call), {"submission": [cork.pk, lyon.pk, bremen.pk]})

    assert response.status_code == 302
    assert _messages(response) == [
        ("success", "The review of 1 submission is finished."),
        (
            "error",
            "Lyon has 0 submitted reviews of the 1 the call asks for; "
            "give a reason to finish the review anyway.",
        ),
        (
            "error",
            "Bremen has 0 submitted reviews of the 1 the call asks for; "
            "give a reason to finish the review anyway.",
        ),
    ]
    states = dict(Submission.objects.values_list("pk", "state"))
    assert (states[cork.pk], states[lyon.pk], states[bremen.pk]) == (
        S.REVIEWED,
        S.IN_REVIEW,
        S.IN_REVIEW,
    )


def test_finish_reviews_of_nothing_ticked_shows_the_form_errors(client, staff):
    call = membership_call()
    casts_in_review(call, ["IE"])

    response = client.post(_url(call), {"reason": "On paper."})

    assert response.status_code == 400
    assert [level for level, _text in _messages(response)] == ["error"]
    assert set(Submission.objects.values_list("state", flat=True)) == {S.IN_REVIEW}
