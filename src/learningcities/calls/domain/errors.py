"""The one exception family of calls: views turn it into a message, a 400/403/409."""


class SubmissionError(Exception):
    """A call or submission change is refused; the message says why.

    ``code`` names the rule for callers that react to it (``deadline_passed``,
    ``quota_exhausted``, ``incomplete``, ``wrong_type``...).
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


class TransitionError(SubmissionError):
    """The state machine does not allow this move from the submission's state."""


class TransitionNotPermitted(SubmissionError):
    """The person may not perform this change on this submission."""

    def __init__(self, message: str, *, code: str = "not_permitted"):
        super().__init__(message, code=code)
