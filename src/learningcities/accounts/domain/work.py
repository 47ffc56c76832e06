"""The parts of "My work": what waits for a person, one part per role they hold.

accounts sits below calls and reviews, so it cannot ask them what waits; they
register their parts here from their ``AppConfig.ready()`` instead
(``register_work_part``). A part is a function of the person that returns the
context of its template, or None when the role does not apply to them. Each
part runs a fixed number of queries whatever the number of items it shows,
so the page costs the same for one application and for a thousand.

accounts registers one part itself: the secretariat's held or failed mail and
failed background jobs (common's, below accounts).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.tasks import TaskResultStatus
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from learningcities.common.domain.jobs import database_queue_in_use
from learningcities.common.domain.queries.jobs import jobs_for_user
from learningcities.common.domain.queries.outbox import outbox_messages_for_user
from learningcities.common.enums import OutboxStatus

from ..enums import Role
from ..rules import is_secretariat

# The order of the roles on the page: the secretariat's overview first.
ROLE_ORDER = (Role.SECRETARIAT, Role.JUROR, Role.ENDORSER, Role.COORDINATOR)

WorkBuilder = Callable[[object], dict | None]


@dataclass(frozen=True)
class WorkPart:
    """One part of "My work": a role's view of one app's work, drawn by ``template``."""

    key: str
    role: str
    title: str | Promise
    template: str
    build: WorkBuilder = field(compare=False)
    order: int = 100


@dataclass
class RoleWork:
    """The parts that apply to a person in one role, each with its context."""

    role: str
    label: str | Promise
    parts: list[tuple[WorkPart, dict]]


_parts: dict[str, WorkPart] = {}


def register_work_part(
    key: str,
    *,
    role: str,
    title: str | Promise,
    template: str,
    build: WorkBuilder,
    order: int = 100,
) -> WorkPart:
    """Add a part to "My work" (registering ``key`` again replaces it: ready() may run twice).

    ``build(user)`` returns the context of ``template`` (which gets it as
    ``work``), or None when the part does not apply to ``user``; it must run a
    fixed number of queries. Parts show grouped by ``role``, by ``order``.
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r} for the work part {key!r}.")
    part = WorkPart(key=key, role=role, title=title, template=template, build=build, order=order)
    _parts[key] = part
    return part


def registered_work_parts() -> list[WorkPart]:
    """Return every registered part, by role (``ROLE_ORDER``), order and key."""
    return sorted(_parts.values(), key=lambda p: (ROLE_ORDER.index(p.role), p.order, p.key))


def work_for_user(user) -> list[RoleWork]:
    """Return, for each role with at least one part that applies to ``user``, those parts.

    A person with several roles gets several entries; a person with none, an
    empty list.
    """
    labels = dict(Role.choices)
    found: dict[str, RoleWork] = {}
    for part in registered_work_parts():
        context = part.build(user)
        if context is None:
            continue
        entry = found.setdefault(part.role, RoleWork(part.role, labels[part.role], []))
        entry.parts.append((part, context))
    return list(found.values())


def mail_and_jobs_work(user) -> dict | None:
    """Count the mail held or failed in the outbox and the failed background jobs.

    Two queries; None for anyone but the secretariat (and operators).
    """
    if not is_secretariat(user):
        return None
    counts = (
        outbox_messages_for_user(user)
        .order_by()
        .aggregate(
            held=Count("pk", filter=Q(status=OutboxStatus.HELD)),
            failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
        )
    )
    # Jobs run at once unless the database queue is in use: nothing can wait or fail there.
    queue = database_queue_in_use()
    failed_jobs = jobs_for_user(user, status=TaskResultStatus.FAILED).count() if queue else 0
    return {
        "held_mail": counts["held"],
        "failed_mail": counts["failed"],
        "failed_jobs": failed_jobs,
        "queue_in_use": queue,
    }


register_work_part(
    "accounts.mail_and_jobs",
    role=Role.SECRETARIAT,
    title=_("Mail and background jobs"),
    template="accounts/work/mail_and_jobs.html",
    build=mail_and_jobs_work,
    order=900,
)
