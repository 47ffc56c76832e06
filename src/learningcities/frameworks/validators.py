"""Check a framework document (as read from YAML) and bring it to its canonical form.

Every problem names where it is, as a path such as
``sections[0].areas[1].criteria[2].answer_type``, and what is wrong. The
canonical form fills in every default, so two files that say the same thing
(one spelling a default out, one leaving it implicit) have the same content hash.
"""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .enums import DEFAULT_RATING_MAX, DEFAULT_RATING_MIN, AnswerType, FileKind

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

FRAMEWORK_KEYS = (
    "code",
    "version",
    "name",
    "language",
    "description",
    "is_official_wording",
    "source",
    "notes",
    "sections",
)
SECTION_KEYS = ("code", "title", "areas")
AREA_KEYS = ("code", "title", "criteria")
CRITERION_KEYS = (
    "code",
    "title",
    "guidance",
    "answer_type",
    "word_limit",
    "scale",
    "unit",
    "file_kinds",
    "weight",
    "required",
    "indicators",
    "carries_from",
)
SCALE_KEYS = ("min", "max", "levels")
INDICATOR_KEYS = ("code", "text")
ANSWER_TYPES = [choice.value for choice in AnswerType]
FILE_KINDS = [choice.value for choice in FileKind]
MAX_WEIGHT = Decimal("999.999")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a framework document, and where (a path; a line when known)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path:
            where.append(self.path)
        return ": ".join([*where, self.message])


def join(path: str, key: str | int) -> str:
    """Extend a document path by a key (``a.b``) or a list index (``a[0]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _one_of(values) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]


def _decimal(value: Any) -> Decimal | None:
    """Return ``value`` (a number, or a number written as text) as a Decimal; None if it is not."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []
        # Where each code was first seen, per level: codes are unique per framework.
        self.seen: dict[str, dict[str, str]] = {"section": {}, "area": {}, "criterion": {}}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path or "(document)", message))

    # Building blocks -------------------------------------------------------------

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of keys to values")
            return None
        for key in value:
            if key not in allowed:
                message = f"unknown key {key!r}"
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                if close:
                    message += f" (did you mean {close[0]!r}?)"
                else:
                    message += f" (allowed: {', '.join(allowed)})"
                self.problem(join(path, str(key)), message)
        return value

    def text(
        self, data: dict, key: str, path: str, *, required=True, max_length=None, default=""
    ) -> str:
        where = join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "missing")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.problem(where, "must be text")
            return default
        value = str(value).strip()
        self.text_length(where, value, required=required, max_length=max_length)
        return value

    def text_length(self, where: str, value: str, *, required: bool, max_length: int | None):
        if required and not value:
            self.problem(where, "must not be empty")
        if max_length and len(value) > max_length:
            self.problem(where, f"must be at most {max_length} characters long")

    def code(self, data: dict, path: str, *, level: str | None, max_length=20) -> str:
        where = join(path, "code")
        value = data.get("code")
        if isinstance(value, float):
            self.problem(
                where,
                f'must be text: write it in quotes, such as code: "{value}", so YAML '
                "keeps it as written",
            )
            return ""
        value = self.text(data, "code", path, max_length=max_length)
        if value and not CODE_RE.match(value):
            self.problem(where, "may contain only letters, digits, dots, hyphens and underscores")
            return value
        if value and level:
            first = self.seen[level].get(value)
            if first is not None:
                self.problem(where, f"duplicate code {value} (also at {first})")
            else:
                self.seen[level][value] = path
        return value

    def items(self, data: dict, key: str, path: str, *, required=True) -> list:
        where = join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "missing")
            return []
        if not isinstance(value, list):
            self.problem(where, "must be a list")
            return []
        if required and not value:
            self.problem(where, "must not be empty")
        return value

    def boolean(self, data: dict, key: str, path: str, *, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(join(path, key), "must be true or false")
            return default
        return value

    def integer(self, data: dict, key: str, path: str, message: str) -> int | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(join(path, key), message)
            return None
        return value

    def refuse_unless(self, data: dict, key: str, path: str, answer_type: str, allowed: str):
        if data.get(key) is not None and answer_type != allowed:
            self.problem(join(path, key), f"applies to {allowed} answers only")

    # Levels of the document ------------------------------------------------------

    def framework(self, data: Any) -> dict:
        data = self.mapping(data, "", FRAMEWORK_KEYS)
        if data is None:
            return {}
        unquoted_version = self.unquoted_version(data)
        code = self.text(data, "code", "", max_length=60)
        if code and not SLUG_RE.match(code):
            self.problem(
                "code", "must be lower-case letters, digits and hyphens, such as key-features"
            )
        language = self.text(data, "language", "", required=False, default="en", max_length=20)
        if not LANGUAGE_RE.match(language):
            self.problem("language", "must be a language code such as en, fr or pt-BR")
        return {
            "code": code,
            "version": "" if unquoted_version else self.version(data),
            "name": self.text(data, "name", "", max_length=200),
            "language": language,
            "description": self.text(data, "description", "", required=False),
            "is_official_wording": self.boolean(data, "is_official_wording", "", default=False),
            "source": self.text(data, "source", "", required=False, max_length=300),
            "notes": self.text(data, "notes", "", required=False),
            "sections": [
                self.section(item, join("sections", i))
                for i, item in enumerate(self.items(data, "sections", ""))
            ],
        }

    def unquoted_version(self, data: dict) -> bool:
        """Name a version YAML read as a number (1.10 would become 1.1); return if it was one."""
        version = data.get("version")
        if not isinstance(version, float):
            return False
        self.problem(
            "version",
            f'must be text: write it in quotes, such as version: "{version}", so YAML '
            "keeps it as written",
        )
        return True

    def version(self, data: dict) -> str:
        version = self.text(data, "version", "", max_length=40)
        if version and not CODE_RE.match(version):
            self.problem(
                "version",
                "may contain only letters, digits, dots, hyphens and underscores, such as "
                "2013-short or 1.0",
            )
        return version

    def section(self, data: Any, path: str) -> dict:
        data = self.mapping(data, path, SECTION_KEYS)
        if data is None:
            return {}
        return {
            "code": self.code(data, path, level="section"),
            "title": self.text(data, "title", path, max_length=300),
            "areas": [
                self.area(item, join(join(path, "areas"), i))
                for i, item in enumerate(self.items(data, "areas", path))
            ],
        }

    def area(self, data: Any, path: str) -> dict:
        data = self.mapping(data, path, AREA_KEYS)
        if data is None:
            return {}
        return {
            "code": self.code(data, path, level="area"),
            "title": self.text(data, "title", path, max_length=300),
            "criteria": [
                self.criterion(item, join(join(path, "criteria"), i))
                for i, item in enumerate(self.items(data, "criteria", path))
            ],
        }

    def criterion(self, data: Any, path: str) -> dict:
        data = self.mapping(data, path, CRITERION_KEYS)
        if data is None:
            return {}
        answer_type = self.answer_type(data, path)
        result = {
            "code": self.code(data, path, level="criterion"),
            "title": self.text(data, "title", path, max_length=500),
            "guidance": self.text(data, "guidance", path, required=False),
            "answer_type": answer_type,
            "word_limit": None,
            "rating_min": None,
            "rating_max": None,
            "level_descriptors": [],
            "unit": "",
            "file_kinds": [],
            "weight": str(self.weight(data, path)),
            "required": self.boolean(data, "required", path, default=True),
            "indicators": self.indicators(data, path),
        }
        if answer_type:
            self.refuse_misplaced(data, path, answer_type)
            result.update(self.answer_details(data, path, answer_type))
        # Only when set: a criterion without it keeps the content hash it had
        # before the key existed, so loaded frameworks stay the same content.
        carries_from = self.carries_from(data, path)
        if carries_from:
            result["carries_from"] = carries_from
        return result

    def carries_from(self, data: dict, path: str) -> str:
        """Return the code of the application's criterion this one starts from ("" if none)."""
        where = join(path, "carries_from")
        value = data.get("carries_from")
        if isinstance(value, float):
            self.problem(
                where,
                f'must be text: write it in quotes, such as carries_from: "{value}", so YAML '
                "keeps it as written",
            )
            return ""
        value = self.text(data, "carries_from", path, required=False, max_length=20)
        if value and not CODE_RE.match(value):
            self.problem(where, "may contain only letters, digits, dots, hyphens and underscores")
        return value

    def answer_type(self, data: dict, path: str) -> str:
        """Return the criterion's answer type ("" if missing or unknown, after naming it)."""
        answer_type = data.get("answer_type")
        if answer_type is None:
            self.problem(join(path, "answer_type"), "missing")
            return ""
        if answer_type not in ANSWER_TYPES:
            self.problem(join(path, "answer_type"), f"must be one of {', '.join(ANSWER_TYPES)}")
            return ""
        return answer_type

    def refuse_misplaced(self, data: dict, path: str, answer_type: str) -> None:
        """Name each key given that does not apply to ``answer_type``."""
        for key, allowed in [
            ("word_limit", AnswerType.TEXT),
            ("scale", AnswerType.RATING),
            ("unit", AnswerType.NUMBER),
        ]:
            self.refuse_unless(data, key, path, answer_type, allowed)
        # A text answer may take evidence too: file_kinds on a text criterion
        # asks for a written account with documents beside it (the award does).
        if data.get("file_kinds") is not None and answer_type not in (
            AnswerType.FILE,
            AnswerType.TEXT,
        ):
            self.problem(join(path, "file_kinds"), "applies to file and text answers only")

    def answer_details(self, data: dict, path: str, answer_type: str) -> dict:
        """Return the fields that only criteria of ``answer_type`` have."""
        details = {
            AnswerType.TEXT: self.text_details,
            AnswerType.RATING: self.rating_details,
            AnswerType.NUMBER: self.number_details,
            AnswerType.FILE: self.file_details,
        }.get(answer_type)
        return details(data, path) if details else {}

    def text_details(self, data: dict, path: str) -> dict:
        details = {}
        if data.get("file_kinds") is not None:
            details["file_kinds"] = self.file_kinds(data, path)
        if data.get("word_limit") is not None:
            limit = self.integer(data, "word_limit", path, "word_limit must be a positive integer")
            if limit is not None and limit < 1:
                self.problem(join(path, "word_limit"), "word_limit must be a positive integer")
            details["word_limit"] = limit
        return details

    def rating_details(self, data: dict, path: str) -> dict:
        return self.scale(data.get("scale"), join(path, "scale"))

    def number_details(self, data: dict, path: str) -> dict:
        return {"unit": self.text(data, "unit", path, required=False, max_length=60)}

    def file_details(self, data: dict, path: str) -> dict:
        return {"file_kinds": self.file_kinds(data, path)}

    def weight(self, data: dict, path: str) -> Decimal:
        where = join(path, "weight")
        weight = _decimal(data.get("weight", 1))
        if weight is None:
            self.problem(where, "weight must be a positive number")
            return Decimal(1)
        if not weight.is_finite() or weight <= 0 or weight > MAX_WEIGHT:
            self.problem(where, f"weight must be a positive number up to {MAX_WEIGHT}")
            return Decimal(1)
        if weight != weight.quantize(Decimal("0.001")):
            self.problem(where, "weight may have at most 3 decimals")
        return weight.quantize(Decimal("0.001"))

    def scale(self, data: Any, path: str) -> dict:
        result = {
            "rating_min": DEFAULT_RATING_MIN,
            "rating_max": DEFAULT_RATING_MAX,
            "level_descriptors": [],
        }
        if data is None:
            return result
        data = self.mapping(data, path, SCALE_KEYS)
        if data is None:
            return result
        bounds = self.scale_bounds(data, path)
        if bounds is None:
            return result
        low, high = bounds
        result.update(rating_min=low, rating_max=high)
        if data.get("levels") is not None:
            result["level_descriptors"] = self.levels(
                data["levels"], join(path, "levels"), low, high
            )
        return result

    def scale_bounds(self, data: dict, path: str) -> tuple[int, int] | None:
        """Return the scale's lowest and highest points, or None after naming what is wrong."""
        low, high = data.get("min", DEFAULT_RATING_MIN), data.get("max", DEFAULT_RATING_MAX)
        for key, value in (("min", low), ("max", high)):
            if isinstance(value, bool) or not isinstance(value, int) or not -100 <= value <= 100:
                self.problem(join(path, key), f"rating {key} must be a whole number")
                return None
        if low >= high:
            self.problem(join(path, "min"), "rating min must be below max")
            return None
        return low, high

    def levels(self, levels: Any, where: str, low: int, high: int) -> list[str]:
        """Return the descriptor of each point of the scale ([] after naming what is wrong)."""
        if not isinstance(levels, list) or not all(
            isinstance(level, str) and level.strip() for level in levels
        ):
            self.problem(where, "must be a list of texts, one for each point of the scale")
            return []
        if len(levels) != high - low + 1:
            self.problem(
                where,
                f"must list {high - low + 1} descriptors, one for each point from {low} to "
                f"{high}; found {len(levels)}",
            )
            return []
        return [level.strip() for level in levels]

    def file_kinds(self, data: dict, path: str) -> list[str]:
        value = data.get("file_kinds")
        where = join(path, "file_kinds")
        if value is None:
            return list(FILE_KINDS)
        if not isinstance(value, list) or not value:
            self.problem(where, f"must be a list of kinds among {_one_of(FILE_KINDS)}")
            return []
        kinds = []
        for i, kind in enumerate(value):
            if kind not in FILE_KINDS:
                self.problem(join(where, i), f"must be one of {', '.join(FILE_KINDS)}")
            elif kind not in kinds:
                kinds.append(kind)
        return kinds

    def indicators(self, data: dict, path: str) -> list[dict]:
        result = []
        codes: dict[str, str] = {}
        for i, item in enumerate(self.items(data, "indicators", path, required=False)):
            where = join(join(path, "indicators"), i)
            if isinstance(item, str):
                item = {"text": item}
            item = self.mapping(item, where, INDICATOR_KEYS)
            if item is None:
                continue
            code = str(i + 1)
            if item.get("code") is not None:
                code = self.code(item, where, level=None, max_length=30)
            if code in codes:
                self.problem(join(where, "code"), f"duplicate code {code} (also at {codes[code]})")
            codes[code] = where
            result.append({"code": code, "text": self.text(item, "text", where)})
        return result


def check_framework(data: Any) -> tuple[dict, list[Problem]]:
    """Check a framework document; return its canonical form and every problem found."""
    checker = _Checker()
    canonical = checker.framework(data)
    return canonical, checker.problems


def content_hash(canonical: dict) -> str:
    """Return the SHA-256 of a canonical framework document."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
