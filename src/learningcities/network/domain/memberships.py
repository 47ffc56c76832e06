import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity

from ..dates import PartialDate
from ..enums import MEMBERSHIP_TRANSITIONS, MembershipStatus
from ..exceptions import NetworkError
from ..models import City, Cohort, Membership
from .revision import bump_network_revision


@transaction.atomic
def admit_city(
    city: City,
    *,
    joined: PartialDate,
    cohort: Cohort | None = None,
    source: str = "",
    actor=None,
) -> Membership:
    """Open a new membership period for ``city``.

    Refused when the city is already an active member, or when the new period
    would start before an earlier one ended. Effects: one membership row; the
    register revision is bumped.
    """
    memberships = list(Membership.objects.select_for_update().filter(city=city))
    if any(m.status == MembershipStatus.ACTIVE for m in memberships):
        raise NetworkError(_("%(city)s is already a member.") % {"city": city.name})
    member_from = joined.end
    for earlier in memberships:
        if earlier.ended_on and earlier.ended_on >= member_from:
            raise NetworkError(
                _("%(city)s can only rejoin after its earlier membership ended on %(date)s.")
                % {"city": city.name, "date": earlier.ended_on.isoformat()}
            )
    membership = Membership(
        city=city,
        joined_on=joined.start,
        joined_precision=joined.precision,
        member_from=member_from,
        cohort=cohort,
        source=source,
    )
    membership.save()
    bump_network_revision()
    record_activity(
        "network.membership.admit",
        actor=actor,
        subject=membership,
        changes={
            "city": [None, city.pk],
            "joined": [None, joined.isoformat()],
            "cohort": [None, cohort.pk if cohort else None],
        },
    )
    return membership


@transaction.atomic
def correct_joining(
    membership: Membership,
    *,
    joined: PartialDate,
    cohort: Cohort | None = None,
    source: str | None = None,
    actor=None,
) -> list[str]:
    """Correct the joining date, cohort or source of a membership; return what changed."""
    before = {
        "joined_on": membership.joined_on,
        "joined_precision": membership.joined_precision,
        "member_from": membership.member_from,
        "cohort": membership.cohort_id,
        "source": membership.source,
    }
    values = {
        "joined_on": joined.start,
        "joined_precision": joined.precision,
        "member_from": joined.end,
        "cohort": cohort,
    }
    if source is not None:
        values["source"] = source
    changed = _set_changed(membership, values)
    if membership.ended_on and membership.ended_on <= membership.member_from:
        raise NetworkError(_("A membership must start before it ends."))
    if changed:
        membership.save(update_fields=[*changed, "updated_at"])
        bump_network_revision()
        record_activity(
            "network.membership.correct",
            actor=actor,
            subject=membership,
            changes={f: [_plain(before[f]), _plain(_stored(membership, f))] for f in changed},
        )
    return changed


def _set_changed(membership: Membership, values: dict) -> list[str]:
    """Set the values that differ on ``membership`` (unsaved); return those fields."""
    changed = []
    for field, value in values.items():
        if getattr(membership, field) != value:
            setattr(membership, field, value)
            changed.append(field)
    return changed


def _stored(membership: Membership, field: str):
    """Return the value of ``field`` as the activity log records it (a cohort by its id)."""
    return membership.cohort_id if field == "cohort" else getattr(membership, field)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def end_membership(
    membership: Membership, *, status: str, ended_on: dt.date, actor=None, reason: str = ""
) -> Membership:
    """Move an active membership to lapsed or withdrawn, ending on ``ended_on``, for ``reason``.

    The city counts as a member up to the day before ``ended_on`` (statistics
    as of any earlier date still count it). Refused (NetworkError) for a
    membership that has already ended and for an end on or before its start.
    Effects: the membership's status, end date and reason; one
    ``network.membership.end`` activity entry; the register revision is bumped.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if status not in MEMBERSHIP_TRANSITIONS.get(membership.status, set()):
        raise NetworkError(
            _("A membership that is %(current)s cannot become %(new)s.")
            % {
                "current": MembershipStatus(membership.status).label,
                "new": MembershipStatus(status).label if status in MembershipStatus else status,
            }
        )
    if ended_on <= membership.member_from:
        raise NetworkError(
            _("The end date must come after the membership started (%(date)s).")
            % {"date": membership.member_from.isoformat()}
        )
    previous = membership.status
    membership.status = status
    membership.ended_on = ended_on
    membership.end_reason = reason.strip()
    membership.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    bump_network_revision()
    changes = {"status": [previous, status], "ended_on": [None, ended_on.isoformat()]}
    if membership.end_reason:
        changes["end_reason"] = ["", membership.end_reason]
    record_activity("network.membership.end", actor=actor, subject=membership, changes=changes)
    return membership


@transaction.atomic
def hold_membership(
    membership: Membership, *, since: dt.date, actor=None, reason: str = ""
) -> bool:
    """Put an active membership on hold from ``since`` (a report long overdue).

    The city stays a member (statistics count it) but leaves the list of
    active members and its page says so. Returns False, changing nothing, when
    it is already on hold; refused (NetworkError) for a membership that ended.
    Effects: ``on_hold_since``; one ``network.membership.hold`` activity entry;
    the register revision is bumped.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise NetworkError(
            _("Only an active membership can be put on hold; this one is %(status)s.")
            % {"status": MembershipStatus(membership.status).label}
        )
    if membership.on_hold_since is not None:
        return False
    membership.on_hold_since = since
    membership.save(update_fields=["on_hold_since", "updated_at"])
    bump_network_revision()
    changes = {"on_hold_since": [None, since.isoformat()]}
    if reason:
        changes["reason"] = ["", reason]
    record_activity("network.membership.hold", actor=actor, subject=membership, changes=changes)
    return True


@transaction.atomic
def lift_hold(membership: Membership, *, actor=None, reason: str = "") -> bool:
    """Take a membership off hold (its report came); return False when it was not on hold.

    Effects: ``on_hold_since`` cleared; one ``network.membership.restore``
    activity entry; the register revision is bumped.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.on_hold_since is None:
        return False
    since = membership.on_hold_since
    membership.on_hold_since = None
    membership.save(update_fields=["on_hold_since", "updated_at"])
    bump_network_revision()
    changes = {"on_hold_since": [since.isoformat(), None]}
    if reason:
        changes["reason"] = ["", reason]
    record_activity("network.membership.restore", actor=actor, subject=membership, changes=changes)
    return True
