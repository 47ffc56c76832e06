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
