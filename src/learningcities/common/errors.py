"""The one root of business-rule refusals, and the HTTP status each one answers.

Every app raises a subclass of ``RuleError`` when a rule refuses a change
(``SubmissionError``, ``ReviewError``, ``AccountsError``, ``NetworkError``,
``FrameworkError``, ``DocumentError``, ``OutboxError``, ``JobError``,
``BackupError``): ``message`` says why, for people, and
``code`` names the rule, for programs (``deadline_passed``, ``frozen``...).
Pages show it with ``common.views.errors.show_error``; the API answers it with
``http_status`` and a ``{"detail", "code"}`` body (``api.errors``).

Not rule errors, on purpose: parse errors of one value, which forms and the
API turn into field errors (``PartialDateError``, ``EmailURLError``) or their
caller into a rule error (``UnsafeArchive`` becomes a ``DocumentError``); a
failure for the log, never shown to people (``MetadataError``: the file is
withheld); and control flow that never leaves its module (``_DryRun`` rolls
back a dry run, ``_InvalidFilters`` answers a list's bad filters).
"""

from http import HTTPStatus


class RuleError(Exception):
    """A business rule refused a change; ``message`` says why and ``code`` names the rule.

    ``default_code`` is the code of a subclass raised without one.
    """

    default_code = "invalid"

    def __init__(self, message: object = "", *, code: str | None = None):
        super().__init__(message)
        self.code = code or self.default_code

    @property
    def message(self) -> str:
        """Return the message, translated in the language active now."""
        return str(self.args[0]) if self.args else ""


# The status of a refusal, by its code: a bad value in the request (400) and a
# person who may not act (403) differ from the rest, a move the rules refuse
# given the object's current state (its deadline, completeness, phase, lock).
STATUS_BY_CODE = {
    "invalid": HTTPStatus.BAD_REQUEST,
    "not_permitted": HTTPStatus.FORBIDDEN,
    # An API token that does not authenticate, and one without the operation's scope.
    "invalid_token": HTTPStatus.UNAUTHORIZED,
    "insufficient_scope": HTTPStatus.FORBIDDEN,
}
DEFAULT_STATUS = HTTPStatus.CONFLICT


def http_status(error: RuleError) -> int:
    """Return the HTTP status that answers ``error``, on a page and in the API alike."""
    return int(STATUS_BY_CODE.get(error.code, DEFAULT_STATUS))
