"""Permission rules of the jury.

A juror sees a submission only when assigned to it and not conflicted with
it (``domain.queries.conflicts``); the conflict is checked again on every
request, so a tie recorded after the assignment hides the submission at
once. Lists go through ``domain.queries.reviews.submissions_for_juror``,
which applies the same two conditions.
"""

import rules

from learningcities.accounts.rules import is_juror, is_secretariat
from learningcities.common.rules import register_document_viewer

from .domain.queries.conflicts import conflict_reasons


def is_assigned(user, submission) -> bool:
    from .models import Assignment

    return Assignment.objects.filter(submission=submission, juror_id=user.pk).exists()


@rules.predicate
def is_unconflicted_assigned_juror(user, submission) -> bool:
    """The person is a juror assigned to ``submission`` and not conflicted with it."""
    if submission is None or not is_juror(user):
        return False
    return is_assigned(user, submission) and not conflict_reasons(user, submission)


@register_document_viewer
@rules.predicate
def is_juror_of_document(user, document) -> bool:
    """A juror may open the documents of a submission they may review.

    Not the mayor's commitment letter while the phase in force hides the
    city's identity (or no phase is in force): it names the city.
    """
    from learningcities.calls.enums import DocumentKind
    from learningcities.calls.models import SubmissionDocument

    from .domain.queries.reviews import phase_in_force
    from .models import Panel

    if not is_juror(user):
        return False
    for submission_document in SubmissionDocument.objects.filter(document=document).select_related(
        "submission"
    ):
        submission = submission_document.submission
        if not is_unconflicted_assigned_juror(user, submission):
            continue
        if submission_document.kind == DocumentKind.COMMITMENT_LETTER:
            panel = Panel.objects.filter(call_id=submission.call_id).first()
            phase = phase_in_force(panel) if panel else None
            if not (phase and phase.sees_identity):
                continue
        return True
    return False


rules.add_perm("reviews.review_submission", is_unconflicted_assigned_juror)
rules.add_perm("reviews.view_jury_workspace", is_juror)
rules.add_perm("reviews.manage_panel", is_secretariat)
rules.add_perm("reviews.declare_tie", is_juror)
rules.add_perm("reviews.stage_decisions", is_secretariat)
