from .favicon import favicon
from .health import health

__all__ = ["favicon", "health"]
