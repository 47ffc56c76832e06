from .clusters import Cluster, ClusterMembership, ContactRequest
from .media import PracticeAttachment, PracticeImage
from .practices import (
    Practice,
    PracticeFacet,
    PracticeIndicator,
    PracticeRevision,
    PracticesRevision,
    PracticeTransition,
)

__all__ = [
    "Cluster",
    "ClusterMembership",
    "ContactRequest",
    "Practice",
    "PracticeAttachment",
    "PracticeFacet",
    "PracticeImage",
    "PracticeIndicator",
    "PracticeRevision",
    "PracticeTransition",
    "PracticesRevision",
]
