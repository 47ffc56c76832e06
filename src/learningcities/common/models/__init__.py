from .activity import ActivityLogEntry
from .documents import Document
from .outbox import MessageTemplate, OutboxMessage

__all__ = ["ActivityLogEntry", "Document", "MessageTemplate", "OutboxMessage"]
