from .calls import Call
from .quotas import EndorsementQuota
from .submissions import Answer, Submission, SubmissionDocument, Transition

__all__ = ["Answer", "Call", "EndorsementQuota", "Submission", "SubmissionDocument", "Transition"]
