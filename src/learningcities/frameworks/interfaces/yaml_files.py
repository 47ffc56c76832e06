"""Read framework files (YAML) and tie every problem to its line in the file."""

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from learningcities.common.domain.activity import record_activity
from learningcities.common.languages import language_codes

from ..domain.errors import FrameworkInvalid
from ..domain.loading import LoadResult, load_framework
from ..domain.translations import check_only, record_translation
from ..validators import Problem, join

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data"
SHIPPED_FILES = (
    "key-features-short.yaml",
    "award-2024.yaml",
    "award-2024.2.yaml",
    "progress-report-2026.yaml",
)
_LAST_STEP = re.compile(r"(\.[^.\[]+|\[\d+\])$")


@dataclasses.dataclass
class FrameworkFile:
    """A framework document read from YAML, with the line of every key and list item."""

    data: Any
    lines: dict[str, int]

    def line_of(self, path: str) -> int | None:
        """Return the line of ``path``, or of its nearest ancestor the file has."""
        while path:
            if path in self.lines:
                return self.lines[path]
            shorter = _LAST_STEP.sub("", path)
            if shorter == path:
                break
            path = shorter
        return None

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Return the problems with their line numbers filled in."""
        return [
            problem
            if problem.line is not None
            else dataclasses.replace(problem, line=self.line_of(problem.path))
            for problem in problems
        ]


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = join(path, key)
            line = key_node.start_mark.line + 1
            if key in seen:
                # PyYAML would silently keep the last value; a framework file must not.
                problems.append(
                    Problem(where, f"duplicate key {key!r} (also on line {seen[key]})", line)
                )
                continue
            seen[key] = line
            lines[where] = line
            _walk(value_node, where, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            where = join(path, i)
            lines[where] = child.start_mark.line + 1
            _walk(child, where, lines, problems)


def _syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    """Return the problem of a YAML syntax error, at its line and column when known."""
    mark = error.problem_mark or error.context_mark
    reason = str(error.problem or error.context)
    if error.problem and error.context:
        reason += f" ({error.context})"
    if not mark:
        return Problem("", f"YAML syntax error: {reason}", None, None)
    return Problem("", f"YAML syntax error: {reason}", mark.line + 1, mark.column + 1)


def parse_framework_text(text: str) -> FrameworkFile:
    """Parse YAML text; raise ``FrameworkInvalid`` naming line and column of a syntax error."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise FrameworkInvalid([_syntax_problem(error)]) from None
    except yaml.YAMLError as error:
        raise FrameworkInvalid([Problem("", f"YAML error: {error}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise FrameworkInvalid([Problem("", "the file is empty")])
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    _walk(node, "", lines, problems)
    if problems:
        raise FrameworkInvalid(problems)
    return FrameworkFile(data=data, lines=lines)


def read_framework_file(path: str | Path) -> FrameworkFile:
    """Read a framework file (UTF-8 YAML); raise ``FrameworkInvalid`` for unreadable files."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FrameworkInvalid(
            [Problem("", f"not UTF-8 text (byte {error.start} cannot be read)")]
        ) from None
    except OSError as error:
        raise FrameworkInvalid([Problem("", f"cannot be read: {error.strerror}")]) from None
    return parse_framework_text(text)


def load_framework_file(
    path: str | Path, *, actor=None, dry_run: bool = False, record: bool = True
) -> LoadResult:
    """Read and load a framework file and its translations; problems carry their line numbers.

    Effects: those of ``load_framework``, then of ``record_translation`` for each
    sibling translation file (``<name>.<language>.yaml``), all in one
    transaction. A dry run reads and checks the translations of a framework
    loaded already, and writes nothing.
    """
    document = read_framework_file(path)
    with transaction.atomic():
        try:
            result = load_framework(document.data, actor=actor, dry_run=dry_run, record=record)
        except FrameworkInvalid as error:
            raise FrameworkInvalid(document.locate(error.problems)) from None
        if result.framework is not None:
            result.translations = _load_translations(
                result.framework, Path(path), actor=actor, dry_run=dry_run, record=record
            )
    return result


def translation_files(path: Path) -> list[Path]:
    """Return the translation files beside the framework file ``path``, by language."""
    candidates = (path.with_name(f"{path.stem}.{code}{path.suffix}") for code in language_codes())
    return [candidate for candidate in candidates if candidate.is_file()]


def _load_translations(framework, path: Path, *, actor, dry_run: bool, record: bool) -> list:
    """Record the translation files beside ``path`` that changed since they were recorded."""
    results = []
    for translation in translation_files(path):
        language = translation.stem.rsplit(".", 1)[1]
        digest = hashlib.sha256(translation.read_bytes()).hexdigest()
        if framework.translation_files.get(language) == digest:
            continue
        document = read_framework_file(translation)
        try:
            if dry_run:
                check_only(framework, document.data)
                continue
            results.append(record_translation(framework, document.data, actor=actor, record=record))
        except FrameworkInvalid as error:
            problems = document.locate(error.problems)
            raise FrameworkInvalid(
                [dataclasses.replace(p, path=f"{translation.name}: {p.path}") for p in problems]
            ) from None
        framework.translation_files = {**framework.translation_files, language: digest}
        type(framework).objects.filter(pk=framework.pk).update(
            translation_files=framework.translation_files
        )
    return results


def load_shipped_frameworks(*, actor=None, dry_run: bool = False) -> list[LoadResult]:
    """Load the frameworks shipped with the code that are not loaded yet, all or none.

    Effects: creates each shipped framework version not loaded yet, and records
    one ``frameworks.shipped.install`` entry naming them and the translations
    recorded (like the country list, this is reference data installed on
    migrate); a version loaded already with the same content and translation
    files changes nothing, and nothing at all is recorded then.
    """
    with transaction.atomic():
        results = [
            load_framework_file(SHIPPED_DIR / name, actor=actor, dry_run=dry_run, record=False)
            for name in SHIPPED_FILES
        ]
        created, translated = _installed(results)
        if created or translated:
            record_activity(
                "frameworks.shipped.install",
                actor=actor,
                changes={"frameworks": [None, created], "translations": [None, translated]},
            )
    return results


def _installed(results: list[LoadResult]) -> tuple[list[str], list[str]]:
    """Name the framework versions created and the translations recorded by ``results``."""
    created = [
        f"{result.code} {result.version}"
        for result in results
        if result.status == "created" and not result.dry_run
    ]
    translated = [
        f"{result.code} {result.version} {translation.language}"
        for result in results
        for translation in result.translations
        if translation.changed
    ]
    return created, translated
