"""API tokens: made by a person for an organisation, shown once, stored hashed, revocable.

A token acts as the person who made it, within its scopes, and only while
that person still holds a role in its organisation: the API asks the same
permission rules of it as the pages ask of the person, so a token never does
more than its maker may. Its scopes are those the maker's role allows
(``SCOPES_FOR_ROLE``). Every request made with it is logged with its answer.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity

from ..enums import SCOPES_FOR_ROLE, TOKEN_MAX_DAYS, Scope
from ..models import Affiliation, ApiToken, ApiTokenUse, Organisation
from ..rules import affiliation_pairs, is_secretariat, organisation_ids_of
from .errors import TokenError

KEY_PREFIX = "lc_"
# A key is the prefix and 43 URL-safe characters; anything much longer is no key of ours.
MAX_KEY_LENGTH = 100


def hash_key(key: str) -> str:
    """Return the stored form of ``key`` (SHA-256: a key is random, so no slow hash is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def role_in(user, organisation: Organisation) -> str | None:
    """Return the role ``user`` holds in ``organisation``, or None (the rules' memo, no query)."""
    return next((role for org, role in affiliation_pairs(user) if org == organisation.pk), None)


def scopes_allowed(user, organisation: Organisation) -> tuple[str, ...]:
    """Return the scopes ``user`` may give a token of ``organisation`` (none without a role)."""
    return SCOPES_FOR_ROLE.get(role_in(user, organisation) or "", ())


def may_manage_tokens(user, organisation: Organisation) -> bool:
    """Whether ``user`` may see and revoke the tokens of ``organisation``.

    Its people may, and the secretariat.
    """
    return role_in(user, organisation) is not None or is_secretariat(user)


@transaction.atomic
def create_token(
    organisation: Organisation, *, actor, name: str, scopes: Iterable[str], days: int
) -> tuple[ApiToken, str]:
    """Make a token of ``organisation``; return it and its key (the only time the key is seen).

    Refused (TokenError) without a role in the organisation, without a name,
    without a scope, with a scope the maker's role does not allow, or for
    more than ``TOKEN_MAX_DAYS`` days. Effects: the token, one
    ``accounts.token.create`` entry (its scopes and expiry, never the key).
    """
    allowed = scopes_allowed(actor, organisation)
    if not allowed:
        raise TokenError(
            _(
                "Only a person with a role in %(organisation)s that allows API access may make "
                "its tokens."
            )
            % {"organisation": organisation.name},
            code="not_permitted",
        )
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TokenError(
            _(
                "Give the token a name of at most 100 characters, such as the program that "
                "will use it."
            ),
            code="invalid",
        )
    scopes = sorted(set(scopes))
    if not scopes:
        raise TokenError(_("Choose at least one thing the token may do."), code="invalid")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise TokenError(
            _("There is no scope %(scope)s.") % {"scope": unknown[0][:40]}, code="invalid"
        )
    beyond = [scope for scope in scopes if scope not in allowed]
    if beyond:
        raise TokenError(
            _("Your role in %(organisation)s does not allow a token to %(scope)s.")
            % {"organisation": organisation.name, "scope": str(Scope(beyond[0]).label).lower()},
            code="not_permitted",
        )
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise TokenError(
            _("A token lasts between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS},
            code="invalid",
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        user=actor,
        name=name,
        scopes=scopes,
        prefix=key[:10],
        key_hash=hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record_activity(
        "accounts.token.create",
        actor=actor,
        organisation=organisation,
        subject=token,
        changes={
            "scopes": [None, scopes],
            "expires_at": [None, token.expires_at.isoformat(timespec="seconds")],
        },
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke ``token`` at once; its next request is refused.

    Its organisation's people and the secretariat may. Effects: ``revoked_at``
    and ``revoked_by``; one ``accounts.token.revoke`` entry.
    """
    token = ApiToken.objects.select_for_update().select_related("organisation").get(pk=token.pk)
    if not may_manage_tokens(actor, token.organisation):
        raise TokenError(_("You may not revoke this token."), code="not_permitted")
    if token.revoked_at is not None:
        raise TokenError(_("This token was revoked already."), code="revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_activity(
        "accounts.token.revoke", actor=actor, organisation=token.organisation, subject=token
    )
    return token


def prune_token_uses(*, before: dt.datetime) -> int:
    """Delete the requests logged before ``before`` (tokens' usage logs); count them."""
    deleted, _rows = ApiTokenUse.objects.filter(at__lt=before).delete()
    return deleted


def key_is_live(key: str) -> bool:
    """Whether ``key`` is a token that works now (one query; none for a key of another form)."""
    try:
        token_for_key(key)
    except TokenError:
        return False
    return True


def token_for_key(key: str, *, now: dt.datetime | None = None) -> ApiToken:
    """Return the usable token of ``key``, with its maker and organisation (one query).

    Refused (TokenError, code ``invalid_token``) with the reason: no such key,
    revoked, expired, or its maker no longer holds a role in the organisation
    or may not log in.
    """
    now = now or timezone.now()
    if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY_LENGTH:
        raise TokenError(_("This is not an API token of this platform."), code="invalid_token")
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .annotate(
            maker_holds_role=Exists(
                Affiliation.objects.filter(
                    user=OuterRef("user_id"), organisation=OuterRef("organisation_id")
                )
            )
        )
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None:
        raise TokenError(_("This API token is unknown."), code="invalid_token")
    if token.revoked_at is not None:
        raise TokenError(_("This API token was revoked."), code="invalid_token")
    if token.expires_at <= now:
        raise TokenError(
            _("This API token expired on %(date)s.")
            % {"date": date_format(timezone.localtime(token.expires_at), "DATE_FORMAT")},
            code="invalid_token",
        )
    if not (token.maker_holds_role and token.user.is_active and token.organisation.is_active):
        raise TokenError(
            _(
                "This API token no longer works: the person who made it no longer holds a role "
                "in %(organisation)s."
            )
            % {"organisation": token.organisation.name},
            code="invalid_token",
        )
    return token


def record_token_use(
    token: ApiToken, *, method: str, path: str, status: int, address: str | None
) -> None:
    """Log one request made with ``token`` and when it was last used."""
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, method=method[:10], path=path[:300], status=status, address=address
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def tokens_for_user(user):
    """Return the tokens ``user`` may see, newest first.

    The secretariat's: every token; anyone else's: those of the organisations
    they hold a role in.
    """
    tokens = ApiToken.objects.select_related("organisation", "user", "revoked_by").order_by(
        "-created_at", "-pk"
    )
    if is_secretariat(user):
        return tokens
    return tokens.filter(organisation_id__in=organisation_ids_of(user))


def organisations_for_tokens(user) -> list[tuple[Organisation, tuple[str, ...]]]:
    """Return the organisations ``user`` may make tokens of, each with the scopes allowed."""
    if not user.is_authenticated:
        return []
    affiliations = Affiliation.objects.filter(user=user).select_related("organisation")
    return [
        (a.organisation, SCOPES_FOR_ROLE.get(a.role, ()))
        for a in affiliations.order_by("organisation__name")
        if SCOPES_FOR_ROLE.get(a.role) and a.organisation.is_active
    ]
