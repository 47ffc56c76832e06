"""Compare two backup archives, row by row and file by file: the round-trip tests' oracle."""

import io
import itertools
import json
import os
import zipfile
from collections.abc import Iterator

from learningcities.common.domain.backups import open_archive


def canonical_rows(archive: zipfile.ZipFile, member: str) -> Iterator[str]:
    """Yield the rows of a data member as canonical JSON (keys sorted), for comparisons."""
    with archive.open(member) as source:
        for line in io.TextIOWrapper(source, encoding="utf-8"):
            if line.strip():
                yield json.dumps(json.loads(line), sort_keys=True)


def _first_row_difference(label: str, rows_a: Iterator[str], rows_b: Iterator[str]) -> list[str]:
    """Return the first row in which two members differ, as a one-line list (empty: none)."""
    for number, (row_a, row_b) in enumerate(itertools.zip_longest(rows_a, rows_b), start=1):
        if row_a != row_b:
            return [f"{label}: row {number} differs: {row_a} != {row_b}"]
    return []


def _row_differences(archive_a, manifest_a: dict, archive_b, manifest_b: dict) -> list[str]:
    """Return the models in one archive only, then the first differing row of each shared one."""
    models_a = {entry["label"]: entry for entry in manifest_a["models"]}
    models_b = {entry["label"]: entry for entry in manifest_b["models"]}
    differences = [
        f"{label}: in one archive only" for label in sorted(set(models_a) ^ set(models_b))
    ]
    for label in sorted(set(models_a) & set(models_b)):
        rows_a = canonical_rows(archive_a, models_a[label]["member"])
        rows_b = canonical_rows(archive_b, models_b[label]["member"])
        differences += _first_row_difference(label, rows_a, rows_b)
    return differences


def _file_differences(manifest_a: dict, manifest_b: dict) -> list[str]:
    """Return the stored files that differ (by size and SHA-256) or are in one archive only."""
    files_a = {(e["storage"], e["name"]): (e["size"], e["sha256"]) for e in manifest_a["files"]}
    files_b = {(e["storage"], e["name"]): (e["size"], e["sha256"]) for e in manifest_b["files"]}
    return [
        f"file {storage}:{name} differs"
        for storage, name in sorted(set(files_a) | set(files_b))
        if files_a.get((storage, name)) != files_b.get((storage, name))
    ]


def compare_archives(first: str | os.PathLike, second: str | os.PathLike) -> list[str]:
    """Return the differences between two archives' rows and files (empty list: the same).

    Rows are compared as canonical JSON (every field, keys sorted), so two
    databases of different vendors holding the same data compare equal; files
    by size and SHA-256.
    """
    archive_a, manifest_a = open_archive(first)
    archive_b, manifest_b = open_archive(second)
    with archive_a, archive_b:
        differences = _row_differences(archive_a, manifest_a, archive_b, manifest_b)
        differences += _file_differences(manifest_a, manifest_b)
    return differences
