"""Invitations: the secretariat asks a person by e-mail to take a role in an organisation.

The link carries a random token; only its SHA-256 is stored, so the link in the
e-mail is the only copy. A link works once, until it expires or is revoked.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.outbox import queue_message

from ..models import Affiliation, Invitation, Organisation, User
from ..models.users import UserManager
from .errors import InvitationError, OrganisationError
from .organisations import add_affiliation, check_role_fits
from .users import create_user

INVITATION_MAIL = "accounts.invitation"


def hash_token(token: str) -> str:
    """Return the stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.LC_INVITATION_DAYS)


def site_base(site_url: str | None = None) -> str:
    """Return the address links in mail start with: ``LC_SITE_URL`` when it is set.

    Unset, ``site_url`` (the address the request was made to, which the view
    takes from ``request.build_absolute_uri``, so the host is one of
    ALLOWED_HOSTS) when given, else the default ``LC_SITE_URL``.
    """
    if settings.LC_SITE_URL_SET or not site_url:
        return settings.LC_SITE_URL
    return site_url.rstrip("/")


def invitation_url(token: str, *, site_url: str | None = None) -> str:
    """Return the absolute link a person opens to accept the invitation (see ``site_base``)."""
    return site_base(site_url) + reverse("accounts:invitation", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str, *, site_url: str | None = None) -> None:
    """Put the invitation mail in the outbox (sent once the transaction commits).

    Written in the language of the invited person when they have an account,
    else in the language of the page the invitation was made from.
    """
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = (invitee and invitee.language) or translation.get_language()
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "organisation": invitation.organisation.name,
            "role": str(invitation.get_role_display()),
            "link": invitation_url(token, site_url=site_url),
            "expires_on": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "invited_by": str(invitation.invited_by) if invitation.invited_by else "",
        }
    queue_message(
        INVITATION_MAIL,
        recipients=[invitation.email],
        context=context,
        related_object=invitation,
        language=language,
        sensitive=True,
    )


@transaction.atomic
def invite_person(
    organisation: Organisation,
    *,
    email: str,
    role: str,
    actor: User | None,
    site_url: str | None = None,
) -> tuple[Invitation, str]:
    """Invite the person at ``email`` to hold ``role`` in ``organisation``.

    Returns the invitation and its token (the only copy; it goes into the mail,
    its link on ``site_url`` when ``LC_SITE_URL`` is not set: see ``site_base``).
    Effects: the invitation (expires after settings.LC_INVITATION_DAYS days),
    the mail (queued in the outbox, template ``accounts.invitation``), activity
    ``accounts.invitation.create``. Raises InvitationError when
    the role does not fit the kind of organisation, the organisation is inactive,
    the person already holds the role, or a pending invitation exists.
    """
    email = UserManager.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise InvitationError(_("An invitation needs a valid e-mail address."))
    try:
        check_role_fits(organisation, role)
    except OrganisationError as exc:
        raise InvitationError(str(exc)) from exc
    if not organisation.is_active:
        raise InvitationError(_("%(organisation)s is not active.") % {"organisation": organisation})
    if Affiliation.objects.filter(
        organisation=organisation, role=role, user__email__iexact=email
    ).exists():
        raise InvitationError(
            _("%(email)s already holds this role in %(organisation)s.")
            % {"email": email, "organisation": organisation}
        )
    pending = Invitation.objects.filter(
        organisation=organisation,
        role=role,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise InvitationError(
            _("%(email)s has a pending invitation to %(organisation)s: resend it instead.")
            % {"email": email, "organisation": organisation}
        )
    token, token_hash = _new_token()
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        token_hash=token_hash,
        invited_by=actor if getattr(actor, "pk", None) else None,
        expires_at=_expiry(),
    )
    record_activity(
        "accounts.invitation.create",
        actor=actor,
        organisation=organisation,
        subject=invitation,
        changes=field_changes(invitation, ("email", "role", "expires_at", "token_hash")),
    )
    _send_invitation(invitation, token, site_url=site_url)
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """Return the invitation a link names, still usable; raise InvitationError otherwise."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."), code="unknown")
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has been used already; each link works once."), code="used"
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired; ask the secretariat to send a new one."),
            code="expired",
        )


@transaction.atomic
def accept_invitation(
    token: str,
    *,
    user: User | None = None,
    password: str | None = None,
    name: str = "",
) -> tuple[User, Affiliation]:
    """Accept the invitation the token names: once, before it expires.

    With ``user`` (the logged-in person, whose address must be the invited one)
    the role is added to their account. Without, an account is created with
    ``name`` and ``password``; its address counts as verified, as the link
    proves it. Effects: the account (if new), the affiliation, the invitation
    marked accepted, activity ``accounts.invitation.accept`` and those of the
    account and affiliation, all in one transaction. Raises InvitationError for
    an unknown, used, expired or revoked link, a wrong account, or an existing
    account when nobody is logged in; ValidationError for a weak password.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    _check_usable(invitation)
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            raise InvitationError(
                _(
                    "This invitation was sent to another e-mail address: log out, then "
                    "open the link again or log in with the invited address."
                )
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _(
                    "An account with the invited e-mail address exists: log in, then open "
                    "the link again."
                )
            )
        if not password:
            raise InvitationError(_("Choose a password for your new account."))
        user = create_user(invitation.email, password=password, name=name.strip())
    now = timezone.now()
    # The conditional update makes a second, concurrent acceptance find nothing.
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=user
    )
    if not claimed:
        raise InvitationError(
            _("This invitation has been used already; each link works once."), code="used"
        )
    invitation.accepted_at, invitation.accepted_by = now, user
    affiliation = add_affiliation(
        invitation.organisation, user=user, role=invitation.role, actor=user
    )
    record_activity(
        "accounts.invitation.accept",
        actor=user,
        organisation=invitation.organisation,
        subject=invitation,
        changes=field_changes(invitation, ("accepted_at", "accepted_by")),
    )
    return user, affiliation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User | None) -> Invitation:
    """Withdraw a pending invitation: its link stops working.

    Effects: revoked_at set; activity ``accounts.invitation.revoke``. Raises
    InvitationError when it was accepted or withdrawn already.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has been accepted; it cannot be withdrawn."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn already."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_activity(
        "accounts.invitation.revoke",
        actor=actor,
        organisation=invitation.organisation,
        subject=invitation,
        changes=field_changes(invitation, ("revoked_at",)),
    )
    return invitation


@transaction.atomic
def resend_invitation(
    invitation: Invitation, *, actor: User | None, site_url: str | None = None
) -> tuple[Invitation, str]:
    """Send the invitation again with a new link and a new expiry; the old link dies.

    The link is on ``site_url`` when ``LC_SITE_URL`` is not set (see ``site_base``).

    Effects: new token hash and expiry, the mail, activity
    ``accounts.invitation.resend``. Raises InvitationError when it was accepted
    or withdrawn.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has been accepted; there is nothing to resend."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn; invite the person again."))
    before = {"expires_at": invitation.expires_at, "token_hash": invitation.token_hash}
    token, invitation.token_hash = _new_token()
    invitation.expires_at = _expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    record_activity(
        "accounts.invitation.resend",
        actor=actor,
        organisation=invitation.organisation,
        subject=invitation,
        changes=field_changes(invitation, ("expires_at", "token_hash"), before),
    )
    _send_invitation(invitation, token, site_url=site_url)
    return invitation, token
