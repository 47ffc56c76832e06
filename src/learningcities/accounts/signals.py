"""Receivers for allauth's events: login protection and the activity log; access versions.

allauth performs these changes itself (password change, TOTP set-up, ...), so
the record is written right after its save, in a transaction of its own.

A person's ``access_version`` is bumped on every save or deletion of one of
their affiliations or authenticators, and on every change of an organisation
they belong to (its kind and country decide what an endorser sees), whoever
writes it (the accounts domain,
allauth's MFA pages, the Django admin, a cascade), in the writer's transaction:
sessions trust their snapshot of the roles and the second factor only while
the number is unchanged, so a revoked role or a removed authenticator counts
from the very next request: in the writer's process at once, in the others
as soon as PostgreSQL's notification of the write is in (each keeps the rows
of people it read until then, accounts.backends), or at once while they do
not listen.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from learningcities.common.changes import watch
from learningcities.common.domain.activity import record_activity


def count_mfa_failure(sender, request, user, **kwargs) -> None:
    """Count a wrong second-factor code like a wrong password, per account and address.

    Once the account is locked from this address (or the address itself is),
    the pending two-step login is dropped, so the next guess has to pass the
    (locked) password step again.
    """
    credentials = {"username": user.email}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.flush()


def _record(action: str, user, request=None, **changes) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    with transaction.atomic():
        record_activity(
            action,
            actor=user if getattr(request, "user", None) == user else None,
            subject=user,
            changes={k: [None, v] for k, v in changes.items()},
        )


def on_password_changed(sender, request, user, **kwargs):
    _record("accounts.user.password_change", user, request)


def on_password_set(sender, request, user, **kwargs):
    _record("accounts.user.password_set", user, request)


def on_password_reset(sender, request, user, **kwargs):
    _record("accounts.user.password_reset", user, request)


def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    _record(
        "accounts.user.email_change",
        user,
        request,
        email=getattr(to_email_address, "email", str(to_email_address)),
    )


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    _record("accounts.user.authenticator_add", user, request, authenticator=authenticator.type)


def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    _record("accounts.user.authenticator_remove", user, request, authenticator=authenticator.type)


def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    _record("accounts.user.authenticator_reset", user, request, authenticator=authenticator.type)


def bump_access_version(user_id: int | None) -> None:
    """Bump the person's ``access_version`` (one UPDATE; nothing for no person)."""
    if user_id is None:
        return
    from .models import User

    User.objects.filter(pk=user_id).update(access_version=F("access_version") + 1)
    watch.forget_on_commit()


def on_access_changed(sender, instance, **kwargs) -> None:
    """An affiliation or authenticator was saved or deleted: its person's access changed."""
    bump_access_version(instance.user_id)


def on_organisation_saved(sender, instance, created, **kwargs) -> None:
    """An organisation changed: the access of everyone affiliated to it may have changed."""
    if created:
        return  # nobody belongs to it yet
    from .models import User

    User.objects.filter(affiliations__organisation=instance).update(
        access_version=F("access_version") + 1
    )
    watch.forget_on_commit()


def on_person_written(sender, **kwargs) -> None:
    """A person was saved or deleted: this process forgets the rows it keeps at the commit.

    The other processes hear of it from PostgreSQL (the trigger on
    ``accounts_user``); this one may serve the person's next request first.
    """
    watch.forget_on_commit()


def on_logged_in(sender, request, user, **kwargs) -> None:
    """Take the new session's snapshot of the person's roles and second factor."""
    session = getattr(request, "session", None)
    if session is not None and user is not None and user.is_active:
        from .middleware import store_access_snapshot
        from .models import User

        # The object logged in may be older than its row (the number is read
        # before the roles, as in the middleware).
        user.access_version = (
            User.objects.filter(pk=user.pk).values_list("access_version", flat=True).first() or 0
        )
        store_access_snapshot(session, user)


def connect() -> None:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.signals import user_logged_in

    from .models import Affiliation, Organisation, User

    post_save.connect(on_person_written, sender=User, dispatch_uid="lc-person-save")
    post_delete.connect(on_person_written, sender=User, dispatch_uid="lc-person-delete")
    post_save.connect(on_organisation_saved, sender=Organisation, dispatch_uid="lc-access-org")
    user_logged_in.connect(on_logged_in, dispatch_uid="lc-access-login")
    for model in (Affiliation, Authenticator):
        label = model._meta.label_lower
        post_save.connect(on_access_changed, sender=model, dispatch_uid=f"lc-access-save-{label}")
        post_delete.connect(
            on_access_changed, sender=model, dispatch_uid=f"lc-access-delete-{label}"
        )
    mfa_signals.authentication_failed.connect(count_mfa_failure, dispatch_uid="lc-mfa-failure")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="lc-pw-change")
    account_signals.password_set.connect(on_password_set, dispatch_uid="lc-pw-set")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="lc-pw-reset")
    account_signals.email_changed.connect(on_email_changed, dispatch_uid="lc-email-change")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="lc-auth-add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="lc-auth-remove"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="lc-auth-reset")
