"""Writing practices: from scratch, or from an answer the city already wrote; revisions.

Every write runs in one transaction with its activity entry, its facet rows
and search index entry (``search``) and the library's revision, so a search
or page after the commit sees the change and nothing else does before.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.languages import language_codes

from ..enums import SDG_GOALS, PracticeSource, PracticeStatus, TargetGroup
from ..models import Practice, PracticeIndicator, PracticeRevision
from ..rules import can_edit_practice, coordinated_organisation_ids
from . import search
from .errors import PracticeError
from .facets import refresh_facets
from .revision import bump_practices_revision

# The texts and single values a form sets (the rest are relations).
TEXT_FIELDS = (
    "title",
    "summary",
    "body",
    "results",
    "language",
    "started_year",
    "ended_year",
    "contact_name",
    "contact_email",
    "licence",
    "publication_consent",
    "framework",
)
RELATION_FIELDS = ("partner_cities", "areas", "features", "clusters")
LIST_FIELDS = ("sdgs", "target_groups")
SUMMARY_CHARACTERS = 600
# Where a practice made from an answer came from, by the kind of its call.
SOURCE_OF_CALL = {
    "membership": PracticeSource.APPLICATION,
    "award": PracticeSource.NOMINATION,
    "presentations": PracticeSource.PRESENTATION,
}


def _check_coordinator(actor, organisation_id: int) -> None:
    if organisation_id not in coordinated_organisation_ids(actor):
        raise PracticeError(
            _("Only a coordinator of the city writes its practices."), code="not_permitted"
        )


def _clean_lists(data: dict) -> dict:
    cleaned = dict(data)
    if "sdgs" in cleaned:
        goals = sorted({int(goal) for goal in cleaned["sdgs"]})
        if any(goal not in SDG_GOALS for goal in goals):
            raise PracticeError(_("A goal is not one of the 17 Sustainable Development Goals."))
        cleaned["sdgs"] = goals
    if "target_groups" in cleaned:
        groups = sorted(set(cleaned["target_groups"]))
        if any(group not in TargetGroup.values for group in groups):
            raise PracticeError(_("A target group is not one the library knows."))
        cleaned["target_groups"] = groups
    if cleaned.get("language") and cleaned["language"] not in language_codes():
        raise PracticeError(_("The language is not one of the platform's."))
    started, ended = cleaned.get("started_year"), cleaned.get("ended_year")
    if started and ended and ended < started:
        raise PracticeError(_("The practice cannot end before it started."))
    return cleaned


def _apply(practice: Practice, data: dict) -> None:
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        if name in data:
            setattr(practice, name, data[name])


def _apply_relations(practice: Practice, data: dict) -> None:
    for name in RELATION_FIELDS:
        if name in data:
            getattr(practice, name).set(data[name])
    if "indicators" in data:
        practice.indicators.all().delete()
        PracticeIndicator.objects.bulk_create(
            PracticeIndicator(practice=practice, order=order, **values)
            for order, values in enumerate(data["indicators"])
        )


def refresh_public_copy(practice: Practice) -> None:
    """Refresh what the library shows of ``practice`` (facets, search) and its revision."""
    refresh_facets(practice)
    search.index_practice(practice)
    bump_practices_revision()


def snapshot(practice: Practice) -> dict:
    """Return the practice's texts, tags, images and attachments as they stand (a revision).

    Images and attachments are recorded by id with their texts (alt text,
    caption, title), in their order; their files are not copied.
    """
    return {
        "title": practice.title,
        "summary": practice.summary,
        "body": practice.body,
        "results": practice.results,
        "language": practice.language,
        "translations": practice.translations,
        "sdgs": practice.sdgs,
        "target_groups": practice.target_groups,
        "areas": sorted(practice.areas.values_list("code", flat=True)),
        "features": sorted(practice.features.values_list("code", flat=True)),
        "clusters": sorted(practice.clusters.values_list("code", flat=True)),
        "partner_cities": sorted(practice.partner_cities.values_list("pk", flat=True)),
        "started_year": practice.started_year,
        "ended_year": practice.ended_year,
        "licence": practice.licence,
        "images": [
            {"id": image.pk, "alt_text": image.alt_text, "caption": image.caption}
            for image in practice.images.order_by("order", "pk")
        ],
        "attachments": [
            {"id": attachment.pk, "title": attachment.title}
            for attachment in practice.attachments.order_by("order", "pk")
        ],
    }


def add_revision(practice: Practice, *, actor, note: str = "") -> PracticeRevision:
    """Keep the practice as it stands now as its next revision."""
    last = practice.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return PracticeRevision.objects.create(
        practice=practice,
        number=last + 1,
        status=practice.status,
        content=snapshot(practice),
        author=actor,
        note=note,
    )


def create_practice(*, organisation, actor, data: dict, **origin) -> Practice:
    """Write a new draft practice of ``organisation``'s city (a coordinator's)."""
    _check_coordinator(actor, organisation.pk)
    if organisation.city_id is None:
        raise PracticeError(_("Only a city writes practices."), code="not_permitted")
    data = _clean_lists(data)
    with transaction.atomic():
        practice = Practice(
            organisation=organisation,
            city_id=organisation.city_id,
            created_by=actor,
            status=PracticeStatus.DRAFT,
            **origin,
        )
        _apply(practice, data)
        practice.save()
        _apply_relations(practice, data)
        record_activity(
            "practices.practice.create",
            actor=actor,
            organisation=organisation,
            subject=practice,
            changes={"title": [None, practice.title], "source": [None, practice.source]},
        )
    return practice


def update_practice(practice: Practice, *, actor, data: dict, note: str = "") -> Practice:
    """Save the city's changes; a published practice stays published and keeps a revision."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if not can_edit_practice(actor, practice):
            raise PracticeError(
                _("This practice cannot be changed by you in its present state."),
                code="not_permitted",
            )
        data = _clean_lists(data)
        before = {name: getattr(practice, name) for name in TEXT_FIELDS if name != "framework"}
        _apply(practice, data)
        practice.save()
        _apply_relations(practice, data)
        changes = field_changes(practice, before.keys(), before)
        record_activity(
            "practices.practice.update",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes=changes,
        )
        if practice.is_published:
            add_revision(practice, actor=actor, note=note)
            refresh_public_copy(practice)
    return practice


def first_words(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end > limit // 3:
        return cut[: end + 1]
    return cut.rsplit(" ", 1)[0] + " …"


def practice_from_answer(answer, *, actor) -> Practice:
    """Start a draft practice from a text answer of the city's application or nomination.

    One step, no retyping: the answer's text becomes the description, its
    first sentences the summary, its question the Key Feature (and area)
    the practice shows. If the answer already became a practice, that one
    is returned.
    """
    submission = answer.submission
    _check_coordinator(actor, submission.organisation_id)
    text = (answer.text_value or "").strip()
    if not text:
        raise PracticeError(_("Only an answer with text can become a practice."))
    existing = Practice.objects.filter(
        source_submission=submission, source_criterion=answer.criterion_id
    ).first()
    if existing is not None:
        return existing
    criterion = answer.criterion
    call = submission.call
    source = SOURCE_OF_CALL.get(call.kind, PracticeSource.APPLICATION)
    language = submission.communication_language or call.language or "en"
    if language not in language_codes():
        language = "en"
    data = {
        "title": first_words(str(criterion.title), 200).rstrip(" …"),
        "summary": first_words(text, SUMMARY_CHARACTERS),
        "body": text,
        "language": language,
        "framework": criterion.framework,
        "features": [criterion],
        "areas": [criterion.area] if criterion.area_id else [],
        "contact_name": submission.contact_name,
        "contact_email": submission.contact_email,
    }
    return create_practice(
        organisation=submission.organisation,
        actor=actor,
        data=data,
        source=source,
        source_submission=submission,
        source_criterion=criterion,
    )


def translation_saved(practice: Practice) -> None:
    """Refresh the library's copy of ``practice`` after the secretariat saved a translation."""
    with transaction.atomic():
        refresh_public_copy(Practice.objects.get(pk=practice.pk))


def import_practice(organisation, *, data: dict, published_at=None, **flags) -> Practice:
    """Write a published practice on no person's behalf (the demo, a migration of old records).

    No moderation and no notice: the practice is what an operator loads.
    ``flags`` are ``is_sample`` or ``is_synthetic``. One transaction with its
    revision, facets, search entry and the library's revision.
    """
    from django.utils import timezone

    if organisation.city_id is None:
        raise PracticeError(_("Only a city writes practices."), code="not_permitted")
    data = _clean_lists(data)
    with transaction.atomic():
        practice = Practice(
            organisation=organisation,
            city_id=organisation.city_id,
            status=PracticeStatus.PUBLISHED,
            published_at=published_at or timezone.now(),
            publication_consent=True,
            **flags,
        )
        _apply(practice, data)
        practice.save()
        _apply_relations(practice, data)
        add_revision(practice, actor=None, note="")
        record_activity(
            "practices.practice.import",
            organisation=organisation,
            subject=practice,
            changes={"title": [None, practice.title]},
        )
        refresh_public_copy(practice)
    return practice
