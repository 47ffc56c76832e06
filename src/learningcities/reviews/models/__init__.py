from .assignments import Assignment, Recusal
from .panels import Panel, ReviewPhase
from .reviews import Review, ReviewAggregate, Score
from .ties import JurorTie

__all__ = [
    "Assignment",
    "JurorTie",
    "Panel",
    "Recusal",
    "Review",
    "ReviewAggregate",
    "ReviewPhase",
    "Score",
]
