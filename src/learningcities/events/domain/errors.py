from learningcities.common.errors import RuleError


class EventError(RuleError):
    """A rule of events refuses the change (a full category, a closed registration...)."""
