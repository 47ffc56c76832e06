"""Permission rules of the jury.

A juror sees a submission only when assigned to it and not conflicted with
it (``domain.queries.conflicts``); the conflict is checked again on every
request, so a tie recorded after the assignment hides the submission at
once. Lists go through ``domain.queries.reviews.submissions_for_juror``,
which applies the same two conditions.
"""

import rules

from learningcities.accounts.rules import is_juror, is_secretariat
from learningcities.calls.enums import assignable_states
from learningcities.common.rules import register_document_name_reader, register_document_viewer

from .domain.queries.conflicts import conflict_reasons
from .domain.queries.reviews import shows_identity


def is_assigned(user, submission) -> bool:
    from .models import Assignment

    return Assignment.objects.filter(submission=submission, juror_id=user.pk).exists()


@rules.predicate
def is_unconflicted_assigned_juror(user, submission) -> bool:
    """The person is a juror assigned to ``submission`` and not conflicted with it."""
    if submission is None or not is_juror(user):
        return False
    return is_assigned(user, submission) and not conflict_reasons(user, submission)


def _reviewed_links(user, document):
    """The links of ``document`` to submissions ``user`` may review as a juror."""
    from learningcities.calls.models import SubmissionDocument

    if not is_juror(user):
        return
    for link in SubmissionDocument.objects.filter(document=document).select_related("submission"):
        if is_unconflicted_assigned_juror(user, link.submission):
            yield link


@rules.predicate
def is_juror_of_document(user, document) -> bool:
    """A juror may open the documents of a submission they may review.

    Not the mayor's commitment letter while the phase in force hides the
    city's identity (or no phase is in force): it names the city.
    """
    from learningcities.calls.enums import DocumentKind

    return any(
        link.kind != DocumentKind.COMMITMENT_LETTER or shows_identity(link.submission)
        for link in _reviewed_links(user, document)
    )


@rules.predicate
def juror_reads_document_name(user, document) -> bool:
    """A juror reads a document's file name only while the phase shows the city's identity."""
    return any(shows_identity(link.submission) for link in _reviewed_links(user, document))


register_document_viewer(is_juror_of_document, reads_name=False)
register_document_name_reader(juror_reads_document_name)


@rules.predicate
def is_assignable(user, submission) -> bool:
    """``submission`` is in a state in which jurors are assigned to it (``assignable_states``)."""
    return submission is not None and submission.state in assignable_states


rules.add_perm("reviews.review_submission", is_unconflicted_assigned_juror)
rules.add_perm("reviews.assign_submission", is_secretariat & is_assignable)
rules.add_perm("reviews.view_jury_workspace", is_juror)
rules.add_perm("reviews.manage_panel", is_secretariat)
rules.add_perm("reviews.declare_tie", is_juror)
rules.add_perm("reviews.stage_decisions", is_secretariat)
