"""What waits in "My work": a city's practices to finish, the secretariat's to moderate."""

from django.db.models import Count, Q

from learningcities.accounts.rules import is_secretariat

from ...enums import PracticeStatus
from ...models import Practice
from ...rules import coordinated_organisation_ids
from ..clusters import coordinated_city_ids


def city_work(user) -> dict | None:
    """The city's practices returned or in draft; None for a person who coordinates no city.

    Two queries, the first (the person's cities) shared with the other parts.
    """
    if not coordinated_city_ids(user):
        return None
    ids = coordinated_organisation_ids(user)
    counts = Practice.objects.filter(organisation_id__in=ids).aggregate(
        returned=Count("pk", filter=Q(status=PracticeStatus.RETURNED)),
        drafts=Count("pk", filter=Q(status=PracticeStatus.DRAFT)),
    )
    return counts


def moderation_work(user) -> dict | None:
    """How many practices wait for the secretariat (one query)."""
    if not is_secretariat(user):
        return None
    return {"waiting": Practice.objects.filter(status=PracticeStatus.SUBMITTED).count()}
