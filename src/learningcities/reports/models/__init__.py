from .cycles import ReminderRule, ReportingCycle
from .reports import (
    LapseRelease,
    ProgressReport,
    ReminderSent,
    ReportAnswer,
    ReportDocument,
    ReportPractice,
    SectionFeedback,
)

__all__ = [
    "LapseRelease",
    "ProgressReport",
    "ReminderRule",
    "ReminderSent",
    "ReportAnswer",
    "ReportDocument",
    "ReportPractice",
    "ReportingCycle",
    "SectionFeedback",
]
