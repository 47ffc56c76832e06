"""Load a criteria framework: validate, then write it whole or not at all."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from learningcities.common.domain.activity import record_activity

from ..models import Area, Criterion, Framework, Indicator, Section
from ..validators import check_framework, content_hash
from .errors import FrameworkInvalid, FrameworkVersionConflict


@dataclass
class LoadResult:
    """What loading a framework did (or, in a dry run, would do)."""

    status: Literal["created", "unchanged"]
    code: str
    version: str
    content_hash: str
    dry_run: bool = False
    framework: Framework | None = None  # None only for a dry run that would create
    counts: dict[str, int] = field(default_factory=dict)
    translations: list = field(default_factory=list)  # TranslationResult, one per language

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        if self.status == "unchanged":
            return (
                f"{self.code} {self.version}: unchanged (already loaded with this content)."
                + self._translated()
            )
        if self.dry_run:
            return f"Dry run, nothing written: would load {self.code} {self.version} ({counts})."
        return f"{self.code} {self.version}: loaded ({counts})." + self._translated()

    def _translated(self) -> str:
        return "".join(f"\n{translation}" for translation in self.translations)


def _counts(canonical: dict) -> dict[str, int]:
    areas = [area for section in canonical["sections"] for area in section["areas"]]
    criteria = [criterion for area in areas for criterion in area["criteria"]]
    return {
        "sections": len(canonical["sections"]),
        "areas": len(areas),
        "criteria": len(criteria),
        "indicators": sum(len(criterion["indicators"]) for criterion in criteria),
    }


def _conflict(code: str, version: str) -> FrameworkVersionConflict:
    return FrameworkVersionConflict(
        f"{code} version {version} already loaded with different content; "
        "give the new content a new version"
    )


def load_framework(
    data: Any, *, actor=None, dry_run: bool = False, record: bool = True
) -> LoadResult:
    """Validate a framework document and load it as a new framework version.

    Effects: creates the framework with its sections, areas, criteria and
    indicators in one transaction, and records ``frameworks.framework.load`` in
    the activity log. Loading content that is loaded already (same code,
    version and content hash) writes nothing and reports "unchanged". Raises
    ``FrameworkInvalid`` (every problem with its path) for a bad document and
    ``FrameworkVersionConflict`` when the version exists with other content; then
    nothing is written. ``dry_run`` checks everything and writes nothing.
    ``record=False`` leaves the activity entry to the caller, which must then
    write one in the same transaction (the installation of shipped frameworks
    records one entry for all of them).
    """
    canonical, problems = check_framework(data)
    if problems:
        raise FrameworkInvalid(problems)
    code, version = canonical["code"], canonical["version"]
    digest = content_hash(canonical)
    result = LoadResult(
        status="created",
        code=code,
        version=version,
        content_hash=digest,
        dry_run=dry_run,
        counts=_counts(canonical),
    )
    existing = Framework.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise _conflict(code, version)
        result.status, result.framework = "unchanged", existing
        return result
    if dry_run:
        return result
    try:
        with transaction.atomic():
            result.framework = _create(canonical, digest)
            if record:
                record_activity(
                    "frameworks.framework.load",
                    actor=actor,
                    subject=result.framework,
                    changes={
                        "version": [None, version],
                        "content_hash": [None, digest],
                        "criteria": [None, result.counts["criteria"]],
                    },
                )
    except IntegrityError:
        # Another process loaded the same version between our check and our write.
        existing = Framework.objects.filter(code=code, version=version).first()
        if existing is None:
            raise
        if existing.content_hash != digest:
            raise _conflict(code, version) from None
        result.status, result.framework = "unchanged", existing
    return result


def _create(canonical: dict, digest: str) -> Framework:
    framework = Framework.objects.create(
        code=canonical["code"],
        version=canonical["version"],
        name=canonical["name"],
        language=canonical["language"],
        description=canonical["description"],
        is_official_wording=canonical["is_official_wording"],
        source=canonical["source"],
        notes=canonical["notes"],
        loaded_at=timezone.now(),
        content_hash=digest,
    )
    sections = Section.objects.bulk_create(
        Section(framework=framework, code=s["code"], title=s["title"], order=i)
        for i, s in enumerate(canonical["sections"], start=1)
    )
    area_rows = [
        (Area(section=section, code=a["code"], title=a["title"], order=i), a)
        for section, s in zip(sections, canonical["sections"], strict=True)
        for i, a in enumerate(s["areas"], start=1)
    ]
    Area.objects.bulk_create(area for area, _ in area_rows)
    criterion_rows = _criterion_rows(framework, area_rows)
    Criterion.objects.bulk_create(criterion for criterion, _ in criterion_rows)
    Indicator.objects.bulk_create(
        Indicator(criterion=criterion, code=ind["code"], text=ind["text"], order=i)
        for criterion, c in criterion_rows
        for i, ind in enumerate(c["indicators"], start=1)
    )
    return framework


def _criterion_rows(framework: Framework, area_rows: list[tuple[Area, dict]]) -> list[tuple]:
    """Return each criterion (unsaved) with its canonical form, numbered through the framework."""
    criteria = [(area, c) for area, a in area_rows for c in a["criteria"]]
    return [
        (_criterion(framework, area, c, order=order), c)
        for order, (area, c) in enumerate(criteria, start=1)
    ]


def _criterion(framework: Framework, area: Area, c: dict, *, order: int) -> Criterion:
    return Criterion(
        framework=framework,
        area=area,
        code=c["code"],
        title=c["title"],
        guidance=c["guidance"],
        answer_type=c["answer_type"],
        word_limit=c["word_limit"],
        rating_min=c["rating_min"],
        rating_max=c["rating_max"],
        level_descriptors=c["level_descriptors"],
        unit=c["unit"],
        file_kinds=c["file_kinds"],
        weight=Decimal(c["weight"]),
        required=c["required"],
        carries_from=c.get("carries_from", ""),
        order=order,
    )
