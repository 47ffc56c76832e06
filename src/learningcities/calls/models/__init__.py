from .calls import Call
from .quotas import EndorsementQuota
from .screening import AwardWin, ManualCheck
from .submissions import Answer, Submission, SubmissionDocument, Transition

__all__ = [
    "Answer",
    "AwardWin",
    "Call",
    "EndorsementQuota",
    "ManualCheck",
    "Submission",
    "SubmissionDocument",
    "Transition",
]
