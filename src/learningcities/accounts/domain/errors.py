"""The one business-rule exception of the accounts app (views show its message)."""

from learningcities.common.errors import RuleError


class AccountsError(RuleError):
    """A rule of accounts, organisations or invitations forbids the change.

    ``code`` names the rule for callers that answer differently per rule.
    """


class OrganisationError(AccountsError):
    """An organisation or affiliation cannot be created or changed as asked."""


class InvitationError(AccountsError):
    """An invitation cannot be created, accepted, revoked or resent as asked.

    Codes of an unusable link: ``unknown``, ``revoked``, ``used``, ``expired``.
    """


class TokenError(AccountsError):
    """An API token cannot be made, revoked or used as asked.

    Codes: ``invalid`` (a value), ``not_permitted`` (the person's role),
    ``revoked`` (revoked already), ``invalid_token`` (a key the API refuses:
    unknown, expired, revoked, or its maker no longer holds a role; 401) and
    ``insufficient_scope`` (a usable token without the operation's scope; 403).
    """
