import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from learningcities.accounts.domain.errors import InvitationError
from learningcities.accounts.domain.invitations import (
    accept_invitation,
    hash_token,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Affiliation, Invitation, User
from learningcities.common.models import ActivityLogEntry, MessageTemplate, OutboxMessage
from tests.accounts.factories import PASSWORD, make_user, organisation, person_with_role

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def secretariat_member():
    return person_with_role(Role.SECRETARIAT, totp=True)


@pytest.fixture
def panel():
    return organisation(OrganisationKind.PANEL, "Membership jury")


def test_invite_person_stores_only_the_token_hash_and_queues_the_link(panel, secretariat_member):
    invitation, token = invite_person(
        panel, email="Juror@Example.org", role=Role.JUROR, actor=secretariat_member
    )

    assert invitation.email == "juror@example.org"
    assert invitation.token_hash == hash_token(token)
    assert len(token) >= 43
    assert Invitation.objects.filter(token_hash__contains=token).exists() is False
    assert invitation.expires_at.date() == (timezone.now() + dt.timedelta(days=14)).date()
    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    assert message.recipients == ["juror@example.org"]
    assert f"http://127.0.0.1:8000/account/invitation/{token}/" in message.body
    assert "Membership jury" in message.subject
    assert message.object_id == str(invitation.pk)
    entry = ActivityLogEntry.objects.get(action="accounts.invitation.create")
    assert entry.actor == secretariat_member
    assert entry.changes["token_hash"] == ["[redacted]", "[redacted]"]


def test_invite_person_in_french_queues_the_french_mail(panel, secretariat_member):
    with translation.override("fr"):
        invite_person(panel, email="jure@example.org", role=Role.JUROR, actor=secretariat_member)

    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    assert message.language == "fr"
    assert message.subject.startswith("Invitation à agir pour")


@override_settings(LC_INVITATION_DAYS=3)
def test_invitation_expiry_follows_the_setting(panel, secretariat_member):
    invitation, _token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )

    assert invitation.expires_at.date() == (timezone.now() + dt.timedelta(days=3)).date()


def test_invite_person_refuses_a_role_that_does_not_fit_the_kind(panel, secretariat_member):
    with pytest.raises(InvitationError, match="does not fit"):
        invite_person(panel, email="x@example.org", role=Role.COORDINATOR, actor=secretariat_member)

    assert Invitation.objects.count() == 0
    assert ActivityLogEntry.objects.filter(action="accounts.invitation.create").count() == 0


def test_accept_invitation_creates_a_verified_account_once(panel, secretariat_member):
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )

    user, affiliation = accept_invitation(token, password=PASSWORD, name="Jo Juror")
    with pytest.raises(InvitationError, match="used already") as second:
        accept_invitation(token, password=PASSWORD, name="Someone else")

    assert second.value.code == "used"
    assert (user.email, user.name) == ("juror@example.org", "Jo Juror")
    assert user.check_password(PASSWORD)
    assert (affiliation.organisation, affiliation.role) == (panel, Role.JUROR)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("juror@example.org", True, True)
    assert User.objects.filter(email="juror@example.org").count() == 1
    actions = set(ActivityLogEntry.objects.values_list("action", flat=True))
    assert {
        "accounts.invitation.accept",
        "accounts.user.create",
        "accounts.affiliation.create",
    } <= actions


def test_accept_invitation_refuses_an_expired_link(panel, secretariat_member):
    invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    with pytest.raises(InvitationError, match="expired") as error:
        accept_invitation(token, password=PASSWORD, name="Jo")

    assert error.value.code == "expired"
    assert User.objects.filter(email="juror@example.org").exists() is False


def test_accept_invitation_refuses_a_revoked_link(panel, secretariat_member):
    invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    revoke_invitation(invitation, actor=secretariat_member)

    with pytest.raises(InvitationError, match="withdrawn") as error:
        accept_invitation(token, password=PASSWORD, name="Jo")

    assert error.value.code == "revoked"
    assert ActivityLogEntry.objects.filter(action="accounts.invitation.revoke").count() == 1
    assert User.objects.filter(email="juror@example.org").exists() is False


def test_resend_invitation_kills_the_old_link_and_gives_a_new_expiry(panel, secretariat_member):
    invitation, old_token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    resent, new_token = resend_invitation(invitation, actor=secretariat_member)

    assert new_token != old_token
    assert resent.expires_at > timezone.now() + dt.timedelta(days=13)
    with pytest.raises(InvitationError, match="not valid"):
        accept_invitation(old_token, password=PASSWORD, name="Jo")
    user, _affiliation = accept_invitation(new_token, password=PASSWORD, name="Jo")
    assert user.email == "juror@example.org"


def test_accept_invitation_gives_an_existing_user_the_affiliation(panel, secretariat_member):
    coordinator = person_with_role(Role.COORDINATOR, email="both@example.org")
    _invitation, token = invite_person(
        panel, email="both@example.org", role=Role.JUROR, actor=secretariat_member
    )

    with pytest.raises(InvitationError, match="log in"):
        accept_invitation(token, password=PASSWORD, name="Impostor")
    user, affiliation = accept_invitation(token, user=coordinator)

    assert user == coordinator
    assert sorted(Affiliation.objects.filter(user=coordinator).values_list("role", flat=True)) == [
        Role.COORDINATOR,
        Role.JUROR,
    ]
    assert affiliation.role == Role.JUROR


def test_accept_invitation_refuses_another_logged_in_account(panel, secretariat_member):
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    other = make_user("other@example.org")

    with pytest.raises(InvitationError, match="another e-mail address"):
        accept_invitation(token, user=other)

    assert Affiliation.objects.filter(user=other).count() == 0


def test_failed_accept_leaves_no_account_no_affiliation_and_no_log_entry(panel, secretariat_member):
    invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    entries_before = ActivityLogEntry.objects.count()

    # The account is created before its password is checked against the
    # password rules (which compare it with the address): the check fails
    # after that write, inside the transaction.
    with pytest.raises(ValidationError):
        accept_invitation(token, password="juror@example.org", name="Jo")

    assert User.objects.filter(email="juror@example.org").exists() is False
    assert EmailAddress.objects.filter(email="juror@example.org").exists() is False
    assert Affiliation.objects.filter(organisation=panel).count() == 0
    assert ActivityLogEntry.objects.count() == entries_before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_page_creates_the_account_and_logs_in(client, panel, secretariat_member):
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    url = f"/account/invitation/{token}/"

    page = client.get(url)
    response = client.post(url, {"name": "Jo Juror", "password1": PASSWORD, "password2": PASSWORD})
    again = Client().get(url)
    # A juror must set up the second factor before anything else.
    next_page = client.get("/account/profile/")

    assert "Membership jury" in page.content.decode()
    assert '<label for="id_password1"' in page.content.decode()
    assert response.status_code == 302
    user = User.objects.get(email="juror@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert next_page["Location"] == "/account/2fa/totp/activate/"


def test_invitation_page_shows_password_errors_on_the_field(client, panel, secretariat_member):
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )

    response = client.post(
        f"/account/invitation/{token}/", {"name": "Jo", "password1": "short", "password2": "short"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password1_error"' in html
    assert User.objects.filter(email="juror@example.org").exists() is False


def test_invitation_page_asks_an_existing_person_to_log_in_first(client, panel, secretariat_member):
    existing = make_user("both@example.org")
    _invitation, token = invite_person(
        panel, email="both@example.org", role=Role.JUROR, actor=secretariat_member
    )
    url = f"/account/invitation/{token}/"

    anonymous = client.get(url)
    client.force_login(existing)
    accepted = client.post(url)

    assert "/account/login/?next=" in anonymous.content.decode()
    assert accepted.status_code == 302
    assert Affiliation.objects.filter(user=existing, role=Role.JUROR).count() == 1


def test_invitation_page_for_an_unknown_token_answers_404(client):
    response = client.get("/account/invitation/not-a-token/")

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


# The invitation link stays out of the secretariat's sight (issue 11, finding 4) --------


def _invitation_subject(subject: str) -> None:
    # A template edited before subjects were checked, or through the admin: the
    # rendering itself has to keep the link out.
    MessageTemplate.objects.filter(code="accounts.invitation").update(
        subject=subject, is_customised=True
    )


def test_invitation_subject_never_carries_the_link_even_when_the_template_asks(
    client, panel, secretariat_member
):
    _invitation_subject("Join {{ organisation }} {{ link }} {% if link %}now{% endif %}")

    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )

    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    assert message.subject == "Join Membership jury"
    assert token in message.body  # the text still carries it, for the invitee
    assert message.is_sensitive is True


def test_outbox_hides_the_subject_of_an_invitation(client, panel, secretariat_member):
    _invitation_subject("Join {{ organisation }}, {{ invited_by }}")
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    client.force_login(secretariat_member)

    listing = client.get(reverse("common:outbox")).content.decode()
    detail = client.get(reverse("common:outbox-message", args=[message.pk])).content.decode()

    assert message.subject.startswith("Join Membership jury")
    for page in (listing, detail):
        assert token not in page
        assert "Join Membership jury" not in page
        assert "Hidden: the message carries a personal link" in page
    assert "juror@example.org" in listing
    assert str(message) == "[hidden: personal link] → juror@example.org"


def test_show_mail_prints_an_invitation_in_full_for_operators(panel, secretariat_member):
    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    message = OutboxMessage.objects.get(template_code="accounts.invitation")
    out = io.StringIO()

    call_command("show-mail", str(message.pk), stdout=out)

    printed = out.getvalue()
    assert "To: juror@example.org" in printed
    assert "Subject: Invitation to act for Membership jury" in printed
    assert f"/account/invitation/{token}/" in printed


# The address of the link: LC_SITE_URL when set, else the one the server is reached at


def _invite_from_the_workspace(client, secretariat_member, **extra):
    city = organisation(OrganisationKind.CITY, "Cork")
    client.force_login(secretariat_member)
    return client.post(
        reverse("workspace:invitation-create"),
        {"organisation": city.pk, "role": Role.COORDINATOR, "email": "new@example.org"},
        **extra,
    )


def _invitation_link(token: str) -> str:
    return f"/account/invitation/{token}/"


def test_invitation_link_uses_the_request_address_when_site_url_is_not_set(
    client, settings, secretariat_member
):
    settings.LC_SITE_URL_SET = False

    response = _invite_from_the_workspace(
        client, secretariat_member, HTTP_HOST="localhost:8443", secure=True
    )

    assert response.status_code == 302
    body = OutboxMessage.objects.get(template_code="accounts.invitation").body
    assert "https://localhost:8443/account/invitation/" in body
    assert "127.0.0.1:8000" not in body


def test_invitation_link_uses_site_url_when_it_is_set(client, settings, secretariat_member):
    settings.LC_SITE_URL_SET = True
    settings.LC_SITE_URL = "https://cities.example.org"

    _invite_from_the_workspace(client, secretariat_member, HTTP_HOST="localhost:8443")

    body = OutboxMessage.objects.get(template_code="accounts.invitation").body
    assert "https://cities.example.org/account/invitation/" in body
    assert "localhost:8443" not in body


def test_invitation_from_an_unknown_host_is_refused_and_sends_nothing(
    client, settings, secretariat_member
):
    settings.LC_SITE_URL_SET = False

    response = _invite_from_the_workspace(client, secretariat_member, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert Invitation.objects.count() == 0
    assert not OutboxMessage.objects.filter(template_code="accounts.invitation").exists()


def test_invitation_resend_uses_the_request_address_when_site_url_is_not_set(
    client, settings, panel, secretariat_member
):
    settings.LC_SITE_URL_SET = False
    invitation, _token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )
    client.force_login(secretariat_member)

    client.post(
        reverse("workspace:invitation-resend", args=[invitation.pk]), HTTP_HOST="localhost:9000"
    )

    resent = OutboxMessage.objects.filter(template_code="accounts.invitation").order_by("pk")
    assert "http://127.0.0.1:8000/account/invitation/" in resent[0].body
    assert "http://localhost:9000/account/invitation/" in resent[1].body


def test_invite_person_without_a_request_address_uses_the_default_site_url(
    settings, panel, secretariat_member
):
    settings.LC_SITE_URL_SET = False

    _invitation, token = invite_person(
        panel, email="juror@example.org", role=Role.JUROR, actor=secretariat_member
    )

    body = OutboxMessage.objects.get(template_code="accounts.invitation").body
    assert settings.LC_SITE_URL + _invitation_link(token) in body
