"""The one exception family of the jury: views turn it into a message, a 400 or a 409."""


class ReviewError(Exception):
    """A jury change is refused; the message says why.

    ``code`` names the rule for callers that react to it (``conflicted``,
    ``not_a_juror``, ``max_load``, ``review_submitted``, ...).
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code
