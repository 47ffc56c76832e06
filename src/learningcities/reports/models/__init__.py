from .cycles import ReminderRule, ReportingCycle
from .reports import (
    LapseRelease,
    ProgressReport,
    ReminderSent,
    ReportAnswer,
    ReportDocument,
    SectionFeedback,
)

__all__ = [
    "LapseRelease",
    "ProgressReport",
    "ReminderRule",
    "ReminderSent",
    "ReportAnswer",
    "ReportDocument",
    "ReportingCycle",
    "SectionFeedback",
]
