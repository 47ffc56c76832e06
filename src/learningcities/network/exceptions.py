from learningcities.common.errors import RuleError


class NetworkError(RuleError):
    """A business rule of the register refused a change; the message says which."""
