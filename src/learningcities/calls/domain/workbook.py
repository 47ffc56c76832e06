"""The write of an offline workbook's import: every change in one transaction.

The workbook is read and checked in ``calls.interfaces.workbook``; only a
workbook without a single error reaches ``save_workbook``.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ..models import Submission
from .submissions import save_answer, save_draft


@dataclass
class ImportSummary:
    """What an import changed: profile fields and answers saved, rows read unchanged."""

    profile_changed: list[str] = field(default_factory=list)
    answers_changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return len(self.profile_changed) + len(self.answers_changed)


@transaction.atomic
def save_workbook(
    submission: Submission,
    *,
    actor,
    profile: dict[str, Any],
    answers: list[tuple[Any, Any]],
    unchanged: int = 0,
) -> ImportSummary:
    """Save the changed profile fields and answers of an import, all or nothing.

    ``profile`` maps field names to values (as ``save_draft`` takes them);
    ``answers`` pairs criteria with values (as ``save_answer`` takes them).
    Effects: those of ``save_draft`` and ``save_answer`` (activity
    ``calls.submission.update`` and ``calls.answer.update``); any refusal
    (SubmissionError) rolls back every change.
    """
    if profile:
        save_draft(submission, actor=actor, **profile)
    for criterion, value in answers:
        save_answer(submission, criterion, actor=actor, value=value)
    return ImportSummary(
        profile_changed=sorted(profile),
        answers_changed=[criterion.code for criterion, _value in answers],
        unchanged=unchanged,
    )
