"""An event's call for presentations: its accepted proposals join the programme.

The call itself runs on the calls and reviews engine (a call of kind
``presentations``: cities propose, the secretariat screens without a
National Commission's endorsement, a panel reviews, the secretariat decides
and releases). ``Event.presentation_call`` links it to its event. When an
accepted proposal is released, an effect registered on the submission state
machine (``register_proposal_effects``, called by ``EventsConfig.ready``)
adds it to the event as a presentation not yet placed in a session; the
secretariat places it from the programme's page.
"""

from django.contrib.auth import get_user_model

from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.machine import register_effect
from learningcities.calls.models import Answer, Submission, Transition

from ..models import Event, Presentation
from .programme import add_presentation

TITLE_MAX = 300


def proposal_title(submission: Submission) -> str:
    """Return the title of a proposal: the first line of its first text answer.

    A call for presentations asks for the title first (its framework's first
    question); a proposal without any text answer is named after its city.
    """
    texts = (
        Answer.objects.filter(submission=submission)
        .exclude(text_value="")
        .order_by("criterion__order", "pk")
        .values_list("text_value", flat=True)
    )
    for text in texts:
        line = text.strip().splitlines()[0].strip() if text.strip() else ""
        if line:
            return line[:TITLE_MAX]
    return str(submission.city)[:TITLE_MAX]


def _proposer(submission: Submission):
    """Return the active person who last submitted ``submission``, or None."""
    actor_id = (
        Transition.objects.filter(submission=submission, to_state=SubmissionState.SUBMITTED)
        .order_by("-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    if actor_id is None:
        return None
    return get_user_model().objects.filter(pk=actor_id, is_active=True).first()


def present_accepted_proposal(submission: Submission) -> Presentation | None:
    """Add the released, accepted ``submission`` to its event as a presentation.

    Nothing for another kind of call, a rejected proposal, a call no event
    names, or a proposal already presented. The presentation names the
    proposing city, the proposal's title and, as its speaker, the person who
    submitted it; it waits, not placed, for the secretariat to place it in a
    session. Effects: activity ``events.presentation.create`` (by the system).
    """
    call = submission.call
    if call.kind != CallKind.PRESENTATIONS or submission.decision != Decision.ACCEPTED:
        return None
    event = Event.objects.filter(presentation_call_id=call.pk).first()
    if event is None or Presentation.objects.filter(submission=submission).exists():
        return None
    speaker = _proposer(submission)
    return add_presentation(
        event,
        session=None,
        actor=None,
        title=proposal_title(submission),
        city=submission.city,
        speakers=[speaker] if speaker is not None else [],
        submission=submission,
    )


def _on_release(move) -> None:
    present_accepted_proposal(move.submission)


def register_proposal_effects() -> None:
    """Register, on the submission state machine, the step that presents accepted proposals."""
    register_effect(SubmissionState.RELEASED, _on_release)
