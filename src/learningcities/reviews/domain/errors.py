"""The one exception family of the jury: views turn it into a message, a 400 or a 409."""

from learningcities.common.errors import RuleError


class ReviewError(RuleError):
    """A jury change is refused; the message says why.

    ``code`` names the rule for callers that react to it (``conflicted``,
    ``not_a_juror``, ``max_load``, ``review_submitted``, ...).
    """
