"""Irreversible steps ask for an "I understand" box, checked by the server, not by a script."""

import pytest
from django.urls import reverse

from learningcities.accounts.domain.invitations import invite_person
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Invitation
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import organisation, person_with_role
from tests.reviews.decision_helpers import membership_call
from tests.reviews.factories import make_panel
from tests.reviews.scoring_helpers import client_for, secretary_with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    city = organisation(OrganisationKind.CITY)
    invitation, _token = invite_person(
        city, email="new@example.org", role=Role.COORDINATOR, actor=None
    )
    return invitation


def test_withdrawing_an_invitation_without_the_box_changes_nothing(invitation):
    client = client_for(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.post(
        reverse("workspace:invitation-revoke", args=[invitation.pk]), follow=True
    )

    assert "tick the box to confirm" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_withdrawing_an_invitation_with_the_box_withdraws_it(invitation):
    client = client_for(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.post(
        reverse("workspace:invitation-revoke", args=[invitation.pk]),
        {"confirm": "yes"},
        follow=True,
    )

    assert "has been withdrawn" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


def test_invitation_list_shows_the_box_beside_a_danger_button(invitation):
    client = client_for(person_with_role(Role.SECRETARIAT, totp=True))

    html = client.get(reverse("workspace:invitations")).content.decode()

    assert f'id="confirm-revoke-{invitation.pk}" required' in html
    assert f'<label for="confirm-revoke-{invitation.pk}">' in html
    assert 'class="button-danger">Withdraw</button>' in html


def test_removing_a_phase_needs_the_box():
    call = membership_call()
    panel = make_panel(call)
    phase = panel.phases.get()
    client = client_for(secretary_with_totp())
    url = reverse("reviews:phase", kwargs={"call_pk": call.pk, "pk": phase.pk})

    refused = client.post(url, {"action": "delete"}, follow=True)
    kept = ReviewPhase.objects.filter(pk=phase.pk).exists()
    removed = client.post(url, {"action": "delete", "confirm": "yes"})

    assert "tick the box to confirm" in refused.content.decode()
    assert kept
    assert removed.status_code == 302
    assert not ReviewPhase.objects.filter(pk=phase.pk).exists()


def test_withdrawing_an_application_without_the_box_keeps_it():
    from learningcities.calls.enums import SubmissionState
    from tests.calls.factories import Cast

    cast = Cast()
    submission = cast.draft(complete=False)
    client = client_for(cast.coordinator)
    url = reverse("calls:city-application", kwargs={"pk": submission.pk})

    page = client.get(url).content.decode()
    refused = client.post(url, {"action": "withdraw"})
    submission.refresh_from_db()

    assert 'name="confirm" value="yes" id="confirm-withdraw-box" required' in page
    assert refused.status_code == 400
    assert "tick the box to confirm" in refused.content.decode()
    assert submission.state == SubmissionState.DRAFT
