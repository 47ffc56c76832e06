"""The one business-rule exception of the accounts app (views show its message)."""


class AccountsError(Exception):
    """A rule of accounts, organisations or invitations forbids the change.

    ``code`` names the rule for callers that answer differently per rule.
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


class OrganisationError(AccountsError):
    """An organisation or affiliation cannot be created or changed as asked."""


class InvitationError(AccountsError):
    """An invitation cannot be created, accepted, revoked or resent as asked.

    Codes of an unusable link: ``unknown``, ``revoked``, ``used``, ``expired``.
    """
