"""Reads of the people who may join a jury panel."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Affiliation, User

from ...models import Panel


def juror_candidates_for_panel(panel: Panel, *, search: str = "") -> QuerySet[User]:
    """Return the active people who hold the juror role and are not jurors of ``panel`` yet.

    ``search`` matches the name or the e-mail address (case-insensitive);
    by name. One query.
    """
    jurors = Affiliation.objects.filter(user=OuterRef("pk"), role=Role.JUROR)
    on_panel = jurors.filter(organisation_id=panel.organisation_id)
    people = User.objects.filter(Exists(jurors), ~Exists(on_panel), is_active=True)
    search = (search or "").strip()
    if search:
        people = people.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return people.order_by("name", "email")
