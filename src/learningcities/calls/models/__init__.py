from .calls import Call
from .public import CallAttachment, CallMessage
from .quotas import EndorsementQuota
from .releases import Certificate, Release, ReleaseState
from .screening import AwardWin, ManualCheck
from .submissions import Answer, Submission, SubmissionDocument, Transition

__all__ = [
    "Answer",
    "AwardWin",
    "Call",
    "CallAttachment",
    "CallMessage",
    "Certificate",
    "EndorsementQuota",
    "ManualCheck",
    "Release",
    "ReleaseState",
    "Submission",
    "SubmissionDocument",
    "Transition",
]
