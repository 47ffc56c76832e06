"""Writes about people: accounts, their verified address, their profile."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity

from ..models import User
from ..models.users import UserManager
from .errors import AccountsError

PROFILE_FIELDS = ("name", "language", "nationality")


@transaction.atomic
def create_user(
    email: str,
    *,
    password: str | None,
    name: str = "",
    language: str = "en",
    actor: User | None = None,
    is_superuser: bool = False,
    is_demo: bool = False,
) -> User:
    """Create a person whose e-mail address is known to be theirs.

    Effects: the user (an operator with staff and superuser flags when
    ``is_superuser``), the password checked against the password rules once the
    person exists (the rules compare it with their name and address), a
    verified primary e-mail address for allauth, activity ``accounts.user.create``.
    Raises AccountsError if the address is taken, ValidationError for a weak password.
    """
    email = UserManager.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountsError(
            _("An account with the e-mail address %(email)s exists already.") % {"email": email}
        )
    user = User(
        email=email,
        name=name,
        language=language,
        is_demo=is_demo,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    user.set_unusable_password()
    user.save()
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    mark_email_verified(user)
    record_activity(
        "accounts.user.create",
        actor=actor or user,
        subject=user,
        changes=field_changes(user, ("email", "name", "is_superuser", "is_demo", "password")),
    )
    return user


def mark_email_verified(user: User) -> EmailAddress:
    """Record the person's current address as verified and primary for allauth.

    Called by the writes that prove the address (an accepted invitation, an
    operator created at the console); other addresses lose the primary flag.
    """
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    return address


@transaction.atomic
def update_profile(user: User, *, name: str, language: str, nationality, actor: User) -> User:
    """Change the person's name, language and nationality.

    Effects: the three fields saved; activity ``accounts.user.update`` with the
    changed fields (nothing is recorded when nothing changed).
    """
    before = {field: getattr(user, field) for field in PROFILE_FIELDS}
    user.name = name.strip()
    user.language = language
    user.nationality = nationality
    changed = [field for field in PROFILE_FIELDS if getattr(user, field) != before[field]]
    if not changed:
        return user
    user.save(update_fields=changed)
    record_activity(
        "accounts.user.update",
        actor=actor,
        subject=user,
        changes=field_changes(user, changed, before),
    )
    return user


@transaction.atomic
def activate_totp(user: User, *, secret: str, actor: User | None = None) -> Authenticator:
    """Give the person an authenticator app with ``secret`` (base32), replacing any.

    Used for demo accounts, whose secret is printed for the newcomer; people
    activate their own app through allauth's set-up page. Effects: the TOTP
    authenticator; activity ``accounts.user.totp_activate`` (the secret redacted).
    """
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    authenticator = TOTP.activate(user, secret).instance
    record_activity(
        "accounts.user.totp_activate",
        actor=actor or user,
        subject=user,
        changes={"totp": ["", ""]},
    )
    return authenticator


ACCOUNT_FLAGS = ("name", "is_active", "is_staff", "is_superuser")


def _check_account_flags(user: User, *, actor: User, values: dict) -> None:
    """Raise AccountsError for a field that is no flag, or operators locking themselves out."""
    unknown = set(values) - set(ACCOUNT_FLAGS)
    if unknown:
        raise AccountsError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if user.pk == actor.pk and (
        values.get("is_superuser") is False or values.get("is_active") is False
    ):
        raise AccountsError(_("You cannot remove your own operator rights or deactivate yourself."))


@transaction.atomic
def update_account_flags(user: User, *, actor: User, **values) -> User:
    """Change an account's name or its active, staff and operator flags (the admin's edit).

    Effects: the given fields saved; activity ``accounts.user.update``. Raises
    AccountsError for any other field, or when operators would remove their own
    operator rights or deactivate themselves.
    """
    _check_account_flags(user, actor=actor, values=values)
    stored = User.objects.get(pk=user.pk)
    before = {field: getattr(stored, field) for field in values}
    for field, value in values.items():
        setattr(user, field, value)
    changed = [field for field in values if before[field] != getattr(user, field)]
    if changed:
        user.save(update_fields=changed)
        record_activity(
            "accounts.user.update",
            actor=actor,
            subject=user,
            changes=field_changes(user, changed, before),
        )
    return user
