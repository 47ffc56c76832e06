from learningcities.common.errors import RuleError

from ..validators import Problem


class FrameworkError(RuleError):
    """A framework could not be loaded; the message says why."""


class FrameworkInvalid(FrameworkError):
    """A framework document has problems; each names its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class FrameworkVersionConflict(FrameworkError):
    """A framework version is loaded already with different content."""
