"""The one exception family of calls: views turn it into a message, a 400/403/409."""

from learningcities.common.errors import RuleError


class SubmissionError(RuleError):
    """A call or submission change is refused; the message says why.

    ``code`` names the rule for callers that react to it (``deadline_passed``,
    ``quota_exhausted``, ``incomplete``, ``wrong_type``...).
    """


class TransitionError(SubmissionError):
    """The state machine does not allow this move from the submission's state."""


class TransitionNotPermitted(SubmissionError):
    """The person may not perform this change on this submission."""

    default_code = "not_permitted"
