from .calls import Call
from .quotas import EndorsementQuota
from .releases import Certificate, Release
from .screening import AwardWin, ManualCheck
from .submissions import Answer, Submission, SubmissionDocument, Transition

__all__ = [
    "Answer",
    "AwardWin",
    "Call",
    "Certificate",
    "EndorsementQuota",
    "ManualCheck",
    "Release",
    "Submission",
    "SubmissionDocument",
    "Transition",
]
