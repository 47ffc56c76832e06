"""Moderation: the one gate through which a practice changes state.

draft / returned / unpublished -> submitted (the city's coordinators)
submitted -> published | returned for changes (the secretariat)
published -> unpublished (the secretariat, with a reason the city is told)

``move_practice`` checks the move and who makes it, and in one transaction
saves the state, the transition with its comment, the activity entry, the
revision (on publication), the library's copy (facets and search index)
and the revision number of the cached pages, and queues the notice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message_by_language

from ..enums import CITY_MOVES, SECRETARIAT_MOVES, PracticeStatus
from ..models import Practice, PracticeTransition
from ..rules import is_practice_coordinator
from .errors import PracticeError
from .practices import add_revision, refresh_public_copy

# Moves that need a comment: the city must know what to change, or why it is gone.
NEEDS_COMMENT = frozenset({PracticeStatus.RETURNED, PracticeStatus.UNPUBLISHED})
# The notice the city gets, by the state the practice moved to.
CITY_NOTICES = {
    PracticeStatus.PUBLISHED: "practices.practice.published",
    PracticeStatus.RETURNED: "practices.practice.returned",
    PracticeStatus.UNPUBLISHED: "practices.practice.unpublished",
}


def allowed_moves(user, practice: Practice) -> list[str]:
    """Return the states ``user`` may move ``practice`` to now."""
    moves: set[str] = set()
    if is_practice_coordinator(user, practice):
        moves |= CITY_MOVES.get(practice.status, frozenset())
    if is_secretariat(user):
        moves |= SECRETARIAT_MOVES.get(practice.status, frozenset())
    return [state for state in PracticeStatus.values if state in moves]


def missing_for_submission(practice: Practice) -> list[str]:
    """Return what the practice lacks before it may be submitted (empty when complete)."""
    missing = []
    if not practice.title.strip():
        missing.append(_("a title"))
    if not practice.summary.strip():
        missing.append(_("a summary"))
    if not practice.body.strip():
        missing.append(_("a description"))
    if not practice.publication_consent:
        missing.append(_("the consent to publish under the licence"))
    return missing


def _check(practice: Practice, to_state: str, actor, comment: str) -> None:
    if to_state not in allowed_moves(actor, practice):
        raise PracticeError(
            _("This practice cannot move from “%(from)s” to “%(to)s”, or not by you.")
            % {
                "from": PracticeStatus(practice.status).label,
                "to": PracticeStatus(to_state).label,
            },
            code="not_permitted",
        )
    if to_state in NEEDS_COMMENT and not comment.strip():
        raise PracticeError(_("Say what the city should know: the comment is required."))
    if to_state == PracticeStatus.SUBMITTED:
        missing = missing_for_submission(practice)
        if missing:
            raise PracticeError(
                _("Before submitting, the practice needs: %(missing)s.")
                % {"missing": ", ".join(missing)},
                code="incomplete",
            )


def move_practice(practice: Practice, to_state: str, *, actor, comment: str = "") -> Practice:
    """Move ``practice`` to ``to_state`` (see the module's table); return it."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        _check(practice, to_state, actor, comment)
        from_state = practice.status
        now = timezone.now()
        practice.status = to_state
        if to_state == PracticeStatus.SUBMITTED:
            practice.submitted_at = now
        if to_state == PracticeStatus.PUBLISHED and practice.published_at is None:
            practice.published_at = now
        practice.save(update_fields=["status", "submitted_at", "published_at", "updated_at"])
        transition = PracticeTransition.objects.create(
            practice=practice,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            comment=comment.strip(),
        )
        record_activity(
            f"practices.practice.{to_state}",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"status": [from_state, to_state]},
        )
        if to_state == PracticeStatus.PUBLISHED:
            add_revision(practice, actor=actor, note=_("Published"))
        if PracticeStatus.PUBLISHED in (from_state, to_state):
            refresh_public_copy(practice)
        _notify(practice, transition)
    return practice


def _coordinators(practice: Practice) -> list[tuple[str, str]]:
    people = get_user_model().objects.filter(
        is_active=True,
        affiliations__organisation_id=practice.organisation_id,
        affiliations__role=Role.COORDINATOR,
    )
    return sorted(set(people.values_list("email", "language")))


def _secretariat() -> list[tuple[str, str]]:
    people = get_user_model().objects.filter(is_active=True, affiliations__role=Role.SECRETARIAT)
    return sorted(set(people.values_list("email", "language")))


def _notify(practice: Practice, transition: PracticeTransition) -> None:
    site = settings.LC_SITE_URL.rstrip("/")

    def context() -> dict:
        return {
            "practice": practice.title,
            "city": practice.city.name,
            "comment": transition.comment,
            "link": site + practice.get_absolute_url(),
        }

    if transition.to_state == PracticeStatus.SUBMITTED:
        code, recipients = "practices.practice.submitted", _secretariat()
    elif transition.to_state in CITY_NOTICES:
        code, recipients = CITY_NOTICES[transition.to_state], _coordinators(practice)
    else:
        return
    queue_message_by_language(
        code,
        recipients=recipients,
        context=context,
        language=practice.language,
        related_object=practice,
    )
