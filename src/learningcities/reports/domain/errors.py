from learningcities.common.errors import RuleError


class ReportError(RuleError):
    """A rule of reporting refused the change (the message says which)."""
