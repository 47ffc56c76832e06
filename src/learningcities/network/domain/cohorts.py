import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from learningcities.common.domain.activity import record_activity

from ..models import Cohort
from .revision import bump_network_revision


@transaction.atomic
def create_cohort(
    *,
    name: str,
    announced_on: dt.date,
    description: str = "",
    language: str = "en",
    is_synthetic: bool = False,
    actor=None,
) -> Cohort:
    """Create a cohort, or return the one of that name (updating its date and text).

    ``name`` and ``description`` are written in ``language`` (the cohort's original).

    Effects: one cohort row; the register revision is bumped.
    """
    cohort, created = Cohort.objects.get_or_create(
        name=name,
        defaults={
            "slug": _unique_slug(name),
            "announced_on": announced_on,
            "description": description,
            "language": language,
            "is_synthetic": is_synthetic,
        },
    )
    if created:
        bump_network_revision()
        record_activity(
            "network.cohort.create",
            actor=actor,
            subject=cohort,
            changes={"name": [None, name], "announced_on": [None, announced_on.isoformat()]},
        )
    elif (cohort.announced_on, cohort.description) != (announced_on, description):
        before = {
            "announced_on": cohort.announced_on.isoformat(),
            "description": cohort.description,
        }
        cohort.announced_on = announced_on
        cohort.description = description
        cohort.save(update_fields=["announced_on", "description"])
        bump_network_revision()
        record_activity(
            "network.cohort.update",
            actor=actor,
            subject=cohort,
            changes={
                "announced_on": [before["announced_on"], announced_on.isoformat()],
                "description": [before["description"], description],
            },
        )
    return cohort


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "cohort"
    slug, n = base, 1
    while Cohort.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
