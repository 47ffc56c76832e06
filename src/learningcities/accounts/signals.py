"""Receivers for allauth's events: login protection and the activity log.

allauth performs these changes itself (password change, TOTP set-up, ...), so
the record is written right after its save, in a transaction of its own.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from learningcities.common.domain.activity import record_activity


def count_mfa_failure(sender, request, user, **kwargs) -> None:
    """Count a wrong second-factor code like a wrong password, per account and address.

    Once the account or address is locked, the pending two-step login is
    dropped, so the next guess has to pass the (locked) password step again.
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


def connect() -> None:
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
