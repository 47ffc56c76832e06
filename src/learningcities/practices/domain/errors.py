from learningcities.common.errors import RuleError


class PracticeError(RuleError):
    """A rule of the library refuses the change (a state, a missing consent, a duplicate...)."""
