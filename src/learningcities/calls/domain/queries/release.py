"""Reads of a release: its preview before the confirmation, its certificates after."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import F

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.network.enums import Region

from ...enums import CallKind, Decision
from ...models import Call, Certificate, Release, Submission
from ..release import certifies, decided_submissions, release_problems


@dataclass
class RegionGroup:
    """The submissions of one UNESCO region, in one group of the preview."""

    value: str
    label: str
    submissions: list[Submission] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.submissions)


@dataclass
class ReleasePreview:
    """What a release will do: who is admitted (or wins) and who not, mails, certificates."""

    is_award: bool
    accepted: list[RegionGroup]
    rejected: list[RegionGroup]
    accepted_count: int
    rejected_count: int
    mails: int
    certificates: int
    problems: list[str]


def _by_region(submissions: list[Submission]) -> list[RegionGroup]:
    order = {value: index for index, value in enumerate(Region.values)}
    groups: dict[str, RegionGroup] = {}
    for submission in submissions:
        value = submission.country.region or ""
        if value not in groups:
            groups[value] = RegionGroup(value=value, label=_region_label(value))
        groups[value].submissions.append(submission)
    return sorted(groups.values(), key=lambda g: order.get(g.value, len(order)))


def _region_label(value: str) -> str:
    """The region's name ("" for a country without a known region)."""
    return str(Region(value).label) if value in Region.values else ""


def release_preview(call: Call) -> ReleasePreview:
    """Return the preview of ``call``'s release, in a fixed number of queries.

    Mails: one decision mail per submission to its city's coordinators and one
    to its country's National Commission, where such active people exist (as
    ``transition`` sends them; a call for presentations tells the coordinators
    only). Certificates: one per accepted submission, none for a call for
    presentations (``certifies``).
    """
    decided = list(decided_submissions(call))
    accepted = [s for s in decided if s.decision == Decision.ACCEPTED]
    rejected = [s for s in decided if s.decision != Decision.ACCEPTED]
    return ReleasePreview(
        is_award=call.kind == CallKind.AWARD,
        accepted=_by_region(accepted),
        rejected=_by_region(rejected),
        accepted_count=len(accepted),
        rejected_count=len(rejected),
        mails=_decision_mails(decided, endorsers=call.needs_endorsement),
        certificates=len(accepted) if certifies(call) else 0,
        problems=release_problems(call, decided),
    )


def _decision_mails(decided: list[Submission], *, endorsers: bool = True) -> int:
    """How many decision mails the release sends: to coordinators and to Commissions (2 queries).

    ``endorsers`` False: the Commissions are not told (a call without endorsement).
    """
    people = get_user_model().objects.filter(is_active=True)
    with_coordinators = set(
        people.filter(
            affiliations__organisation_id__in={s.organisation_id for s in decided},
            affiliations__role=Role.COORDINATOR,
        ).values_list("affiliations__organisation_id", flat=True)
    )
    with_endorsers = set()
    if endorsers:
        with_endorsers = set(
            people.filter(
                affiliations__organisation__kind=OrganisationKind.NATIONAL_COMMISSION,
                affiliations__organisation__country_id__in={s.country_id for s in decided},
                affiliations__role=Role.ENDORSER,
            ).values_list("affiliations__organisation__country_id", flat=True)
        )
    return sum(
        (s.organisation_id in with_coordinators) + (s.country_id in with_endorsers) for s in decided
    )


def certificates_for_release(release: Release):
    """The certificates of ``release``'s call, valid ones first, by city."""
    return (
        Certificate.objects.filter(submission__call_id=release.call_id)
        .select_related("submission__city", "submission__country", "document", "replaced_by")
        .order_by("submission__city__name", F("revoked_at").asc(nulls_first=True), "-issued_at")
    )


def certificate_for_public(number: str) -> Certificate | None:
    """Return the certificate numbered ``number`` (any case), with what its public page shows."""
    return (
        Certificate.objects.filter(number__iexact=(number or "").strip())
        .select_related(
            "submission__city__country",
            "submission__call__release__cohort",
            "replaced_by",
        )
        .first()
    )
