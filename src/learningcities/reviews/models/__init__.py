from .assignments import Assignment, Recusal
from .panels import Panel, PhaseReminder, ReviewPhase
from .reviews import Review, ReviewAggregate, Score
from .ties import JurorTie

__all__ = [
    "Assignment",
    "JurorTie",
    "Panel",
    "PhaseReminder",
    "Recusal",
    "Review",
    "ReviewAggregate",
    "ReviewPhase",
    "Score",
]
