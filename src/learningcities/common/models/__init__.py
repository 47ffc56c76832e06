from .activity import ActivityLogEntry

__all__ = ["ActivityLogEntry"]
