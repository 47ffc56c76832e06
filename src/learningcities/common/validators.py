"""What an uploaded file really is (from its bytes) and a safe name for it."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic

from .enums import FileFamily

MAX_NAME_LENGTH = 120


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


def _office_zip(file: IO[bytes]) -> DetectedType:
    """Tell an office document from any other zip (an archive, a Java program...)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")[:200_000].decode(
                    "utf-8", "replace"
                )
                # Macro-enabled variants (docm...) name ".macroEnabled" types
                # and are not accepted.
                for marker, extension, description in _OOXML:
                    if f"officedocument.{marker}" in content_types:
                        return _type(
                            FileFamily.OFFICE, extension, _OOXML_MIME[extension], description
                        )
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in _ODF:
                    extension, description = _ODF[mimetype]
                    return _type(FileFamily.OFFICE, extension, mimetype, description)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return _type("", "zip", "application/zip", "damaged zip archive")
    return _type("", "zip", "application/zip", "zip archive (not an office document)")


def detect_type(file: IO[bytes]) -> DetectedType:
    """Return the type of ``file`` judged by its bytes, never by its name.

    Only the types some field may accept are recognised exactly; anything else
    comes back with an empty family and a description for the refusal message
    (an ELF or Windows executable, a script, an archive...).
    """
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        detected = _office_zip(file)
        file.seek(0)
        return detected
    if head.startswith(b"\x7fELF"):
        return _type("", "", "application/x-executable", "ELF executable")
    if head.startswith(b"MZ"):
        return _type(
            "", "exe", "application/vnd.microsoft.portable-executable", "Windows executable"
        )
    if head.startswith(b"#!"):
        return _type("", "", "text/x-script", "script")
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
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    room = max_length - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or "document"
    return f"{stem}.{extension}" if extension else stem


def with_extension(name: str, detected: DetectedType) -> str:
    """Return ``name`` ending in ``detected``'s extension (added when missing)."""
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in detected.extensions:
        return f"{stem}.{extension.lower()}"
    return sanitise_filename(f"{name}.{detected.extension}")
