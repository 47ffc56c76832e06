"""What an uploaded file really is (from its bytes) and a safe name for it.

Every inspection reads a bounded amount, whatever the file declares: the
first 4 KiB of the file (magic numbers, puremagic's guess; an OLE file is
judged by its first eight bytes), and for a zip (Office, OpenDocument) its end
record, its list of parts and at most ``PART_READ_LIMIT`` bytes of a part,
``READ_BUDGET`` in all, through ``_ArchiveParts``. What a zip declares (how
many parts, their unpacked sizes, how much they are compressed) is checked
before any part is read; an archive beyond the limits is refused with
``UnsafeArchive``, whose message says which limit.
"""

import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

import puremagic
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import FileFamily

MAX_NAME_LENGTH = 120

# What a zip may declare. An Office or OpenDocument file has tens of parts (a
# long presentation a few thousand) that unpack to a few times its size; a
# zip bomb declares gigabytes, or one part compressed a thousand times.
MAX_ARCHIVE_PARTS = 5_000
# zipfile reads the whole list of parts into memory (about ten times its size
# in Python objects) before anything can look at it: its size is checked
# from the end record first. 5,000 parts with long names take under 1 MB.
MAX_ARCHIVE_DIRECTORY = 2 * 1024 * 1024
MAX_ARCHIVE_UNPACKED = 512 * 1024 * 1024
# XML compresses 5 to 20 times, a very repetitive sheet perhaps 100 times;
# zeros 1,000 times. Small parts may do as they like.
MAX_PART_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
# How much of the parts an inspection reads: the head of a part, and in all.
PART_READ_LIMIT = 256 * 1024
READ_BUDGET = 1024 * 1024
_READ_CHUNK = 64 * 1024


class UnsafeArchive(Exception):
    """A zip declares more than can be inspected safely; the message says what and the limit."""


@dataclass(frozen=True)
class DetectedType:
    family: str  # a FileFamily value, or "" for a type no field accepts
    extension: str  # the canonical extension, without the dot
    mime_type: str
    description: str
    # Other extensions a correctly named file of this type may carry.
    aliases: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


def _type(family, extension, mime, description, aliases=()) -> DetectedType:
    return DetectedType(family, extension, mime, description, tuple(aliases))


PDF = _type(FileFamily.PDF, "pdf", "application/pdf", "PDF document")
PNG = _type(FileFamily.IMAGE, "png", "image/png", "PNG image")
JPEG = _type(FileFamily.IMAGE, "jpg", "image/jpeg", "JPEG image", ["jpeg"])
GIF = _type(FileFamily.IMAGE, "gif", "image/gif", "GIF image")
WEBP = _type(FileFamily.IMAGE, "webp", "image/webp", "WebP image")
OLE = _type(
    FileFamily.OFFICE,
    "doc",
    "application/x-ole-storage",
    "Microsoft Office 97-2003 document",
    ["xls", "ppt"],
)
_OLE_MIME = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

# OOXML: the main part's content type in [Content_Types].xml names the kind.
_OOXML = [
    ("wordprocessingml.document.main+xml", "docx", "Word document"),
    ("spreadsheetml.sheet.main+xml", "xlsx", "Excel workbook"),
    ("presentationml.presentation.main+xml", "pptx", "PowerPoint presentation"),
]
_OOXML_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF = {
    "application/vnd.oasis.opendocument.text": ("odt", "OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods", "OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": ("odp", "OpenDocument presentation"),
}


_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_END_RECORD = b"PK\x06\x06"
_ZIP64_END_RECORD_SIZE = 56


def declared_directory(file: IO[bytes]) -> tuple[int, int] | None:
    """Return ``(parts, directory size)`` from a zip's end record; None if it has none.

    Found as zipfile finds it (the last end record in the final 64 KiB, then
    the Zip64 record just before it if there is one), so the figures checked
    are the ones ``ZipFile()`` will act on.
    """
    size = file.seek(0, 2)
    window = _END_RECORD_SIZE + 0xFFFF  # the record and the longest comment
    # Read the Zip64 locator's length more: it sits just before the record.
    start = max(size - window - _ZIP64_LOCATOR_SIZE, 0)
    file.seek(start)
    tail = file.read(size - start)
    found = _end_record_at(tail, max(size - window, 0) - start)
    if found < 0 or len(tail) - found < _END_RECORD_SIZE:
        return None
    locator = found - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        return _zip64_directory(file, start + locator - _ZIP64_END_RECORD_SIZE)
    return struct.unpack_from("<10xHL", tail, found)


def _end_record_at(tail: bytes, earliest: int) -> int:
    """Return where the end record starts in ``tail`` (-1: nowhere), as zipfile finds it."""
    last = len(tail) - _END_RECORD_SIZE
    if last >= 0 and tail[last:].startswith(_END_RECORD) and tail.endswith(b"\x00\x00"):
        return last  # no comment: zipfile's first guess
    return tail.rfind(_END_RECORD, earliest)


def _zip64_directory(file: IO[bytes], record: int) -> tuple[int, int] | None:
    """Return ``(parts, directory size)`` from the Zip64 end record at ``record``; None if none."""
    if record < 0:
        return None
    file.seek(record)
    zip64 = file.read(_ZIP64_END_RECORD_SIZE)
    if len(zip64) < _ZIP64_END_RECORD_SIZE or not zip64.startswith(_ZIP64_END_RECORD):
        return None
    return struct.unpack_from("<32xQQ", zip64)


def _refuse_many_parts(parts: int) -> None:
    if parts > MAX_ARCHIVE_PARTS:
        raise UnsafeArchive(
            ngettext(
                "This archive has %(count)s part; the limit is %(limit)s.",
                "This archive has %(count)s parts; the limit is %(limit)s.",
                parts,
            )
            % {"count": parts, "limit": MAX_ARCHIVE_PARTS}
        )


class _ArchiveParts:
    """A zip opened for inspection: its declarations checked, its parts read by bounded heads.

    Opening raises UnsafeArchive if the archive declares too many parts, a
    list of parts too long, parts that unpack to more than
    ``MAX_ARCHIVE_UNPACKED`` or a large part compressed more than
    ``MAX_PART_RATIO`` times; zipfile.BadZipFile if it has no end record.
    Every read goes through ``head()``: no inspection can read more than
    ``READ_BUDGET``, however large a part says or turns out to be.
    """

    def __init__(self, file: IO[bytes]):
        declared = declared_directory(file)
        if declared is None:
            raise zipfile.BadZipFile("no end of central directory record")
        parts, directory = declared
        _refuse_many_parts(parts)
        if directory > MAX_ARCHIVE_DIRECTORY:
            raise UnsafeArchive(
                _("This archive's list of parts takes %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(directory),
                    "limit": filesizeformat(MAX_ARCHIVE_DIRECTORY),
                }
            )
        file.seek(0)
        self.archive = zipfile.ZipFile(file)
        try:
            self._check_declarations()
        except BaseException:
            self.archive.close()
            raise
        self.names = set(self.archive.namelist())
        self.budget = READ_BUDGET

    def _check_declarations(self) -> None:
        infos = self.archive.infolist()
        _refuse_many_parts(len(infos))  # the list may hold more than the end record said
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_ARCHIVE_UNPACKED:
            raise UnsafeArchive(
                _("This archive's parts unpack to %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(unpacked),
                    "limit": filesizeformat(MAX_ARCHIVE_UNPACKED),
                }
            )
        for info in infos:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size >= RATIO_CHECKED_FROM and ratio > MAX_PART_RATIO:
                raise UnsafeArchive(
                    _(
                        "A part of this archive unpacks to %(size)s from %(packed)s (a ratio "
                        "of %(ratio)s to 1), as a zip bomb does; the limit is %(limit)s to 1."
                    )
                    % {
                        "size": filesizeformat(info.file_size),
                        "packed": filesizeformat(info.compress_size),
                        "ratio": ratio,
                        "limit": MAX_PART_RATIO,
                    }
                )

    def head(self, name: str, size: int) -> bytes:
        """Return at most the first ``size`` bytes of the part ``name``, within the budgets.

        Read in chunks: the part is never unpacked further than what is
        returned (a zip may lie about sizes; the reads do not rely on it).
        """
        wanted = min(size, PART_READ_LIMIT, self.budget)
        chunks = []
        read = 0
        with self.archive.open(name) as part:
            while read < wanted and (chunk := part.read(min(_READ_CHUNK, wanted - read))):
                chunks.append(chunk)
                read += len(chunk)
        self.budget -= read
        return b"".join(chunks)

    def __enter__(self) -> "_ArchiveParts":
        return self

    def __exit__(self, *exc_info) -> None:
        self.archive.close()


def _office_zip(file: IO[bytes]) -> DetectedType:
    """Tell an office document from any other zip (an archive, a Java program...).

    Raises UnsafeArchive for a zip that declares more than can be inspected
    safely (see ``_ArchiveParts``).
    """
    try:
        with _ArchiveParts(file) as parts:
            if "[Content_Types].xml" in parts.names:
                content_types = parts.head("[Content_Types].xml", 200_000).decode(
                    "utf-8", "replace"
                )
                # Macro-enabled variants (docm...) name ".macroEnabled" types
                # and are not accepted.
                for marker, extension, description in _OOXML:
                    if f"officedocument.{marker}" in content_types:
                        return _type(
                            FileFamily.OFFICE, extension, _OOXML_MIME[extension], description
                        )
            if "mimetype" in parts.names:
                mimetype = parts.head("mimetype", 100).decode("ascii", "replace").strip()
                if mimetype in _ODF:
                    extension, description = _ODF[mimetype]
                    return _type(FileFamily.OFFICE, extension, mimetype, description)
    # What a damaged or exotic part raises: zlib's and zipfile's errors, an
    # encrypted part or a method zipfile lacks, such as WinZip's AES (both
    # RuntimeError).
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        KeyError,
        RuntimeError,
    ):
        return _type("", "zip", "application/zip", "damaged zip archive")
    return _type("", "zip", "application/zip", "zip archive (not an office document)")


# Types told by their first bytes alone (no two signatures begin alike). WebP
# (a RIFF container) and zip archives (office documents or not) need more.
_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"\x7fELF", _type("", "", "application/x-executable", "ELF executable")),
    (
        b"MZ",
        _type("", "exe", "application/vnd.microsoft.portable-executable", "Windows executable"),
    ),
    (b"#!", _type("", "", "text/x-script", "script")),
)


def detect_type(file: IO[bytes]) -> DetectedType:
    """Return the type of ``file`` judged by its bytes, never by its name.

    Only the types some field may accept are recognised exactly; anything else
    comes back with an empty family and a description for the refusal message
    (an ELF or Windows executable, a script, an archive...). Raises
    UnsafeArchive for a zip that declares more than can be inspected safely.
    Reads a bounded amount of ``file`` and leaves it at its start.
    """
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        try:
            return _office_zip(file)
        finally:
            file.seek(0)
    for signature, detected in _SIGNATURES:
        if head.startswith(signature):
            return detected
    return _describe_unknown(head)


def _describe_unknown(head: bytes) -> DetectedType:
    try:
        matches = puremagic.magic_string(head) if head else []
    except (puremagic.PureError, ValueError):
        matches = []
    if matches:
        best = matches[0]
        return _type("", best.extension.lstrip("."), best.mime_type or "", best.name)
    if not head:
        return _type("", "", "", "empty file")
    return _type("", "", "application/octet-stream", "unrecognised data")


_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")


def sanitise_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """Return ``name`` safe to store and to send back in a Content-Disposition.

    Drops any folder part, control and reserved characters and leading dots;
    normalises Unicode (NFC, diacritics kept); collapses whitespace; caps the
    length while keeping the extension. Never returns an empty string.
    """
    return _capped_filename(_safe_characters(name), max_length)


def _safe_characters(name: str) -> str:
    """Return the last part of ``name`` in NFC without control or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    return " ".join(name.split()).strip(" .")


def _capped_filename(name: str, max_length: int) -> str:
    """Return ``name`` cut to ``max_length``, keeping its extension (at most 10 characters)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    room = max_length - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or "document"
    return f"{stem}.{extension}" if extension else stem
