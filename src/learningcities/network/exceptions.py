class NetworkError(Exception):
    """A business rule of the register refused a change; the message says which."""
