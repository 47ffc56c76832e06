"""Documents without the properties that may name whoever made them.

A file's own properties often name the city: a PDF's title and author
("Gemeente ... learning city plan"), a photo's EXIF artist, an Office
document's creator and company. A person who may open a document but not
read its name (a juror while the city's identity is hidden) gets a copy
rewritten without them by the libraries that read these formats: pypdf for
PDF, Pillow for images, zipfile for Office Open XML and OpenDocument.

A file those libraries cannot read (damaged, locked by a password, too large
once decoded) or of a type nobody maintains a way to clean (Office 97-2003)
raises MetadataError: it is withheld from that person, never served as it is.
What is left is the content itself; a city that writes its name on the first
page is not hidden by this.
"""

import io
import zipfile

from django.conf import settings
from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class MetadataError(Exception):
    """The document's metadata could not be taken out; the message says why (for the log)."""


def without_metadata(content: bytes, content_type: str) -> bytes:
    """Return a copy of ``content`` (of type ``content_type``) without its metadata.

    Raises MetadataError when the file cannot be rewritten, whatever the
    reason: the caller must then not serve it at all.
    """
    rewrite = _REWRITERS.get(content_type)
    if rewrite is None:
        raise MetadataError(f"no way to take the metadata out of {content_type or 'this type'}")
    try:
        return rewrite(content)
    except MetadataError:
        raise
    except Exception as exc:
        # The bytes were uploaded by someone else and a parser can fail on them
        # in many ways (a damaged table, a missing decoder, a recursion too
        # deep): each one means the same thing here, withhold the file.
        raise MetadataError(f"{content_type} could not be rewritten: {exc!r}") from exc


# PDF ---------------------------------------------------------------------------

# XMP streams (the catalog's, a page's, an embedded picture's or font's: any
# dictionary may carry one) and the private data of the program that made it.
_PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def _pdf_without_metadata(content: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(content))
    # A PDF locked against changes only (copying, printing) opens with the
    # empty password, here as in the juror's reader; one that asks for a
    # password is withheld.
    if reader.is_encrypted and not reader.decrypt(""):
        raise MetadataError("the PDF asks for a password")
    _drop_pdf_metadata(reader.root_object)
    # The document information dictionary (title, author, subject, keywords,
    # creator, producer) hangs from the trailer, not from the catalog; the
    # file identifier is derived from it by some producers.
    for key in ("/Info", "/ID"):
        reader.trailer.pop(key, None)
    # The copy takes only what the catalog still reaches: the XMP streams
    # dropped above, and any older revision of the file, are left behind.
    writer = PdfWriter(clone_from=reader)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _drop_pdf_metadata(root: DictionaryObject) -> None:
    """Remove the metadata keys from every dictionary ``root`` reaches."""
    seen: set[tuple[int, int]] = set()
    pending: list = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key in _PDF_METADATA_KEYS:
                item.pop(key, None)
            # dict's own values(): the raw entries, without resolving references
            # (and without an outline's iteration over its children).
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))


# Images ------------------------------------------------------------------------

# What of an image's own details is kept: how to draw it, nothing about who
# made it (EXIF, XMP, ICC profile, comments and PNG text chunks all go).
_IMAGE_DRAWING_INFO = ("transparency", "duration", "loop", "background")


def _image_rewriter(image_format: str):
    def rewrite(content: bytes) -> bytes:
        return _image_without_metadata(content, image_format)

    return rewrite


# The most pixels (all frames together) rewritten for one request: a 40
# megapixel photo, about 160 MB decoded. Pillow's own limit (about 89
# megapixels, refused only at twice that) would let one request take 700 MB.
MAX_REWRITTEN_PIXELS = 40_000_000


def _image_without_metadata(content: bytes, image_format: str) -> bytes:
    # Image.open reads the header only: the size is checked before any pixel
    # is decoded.
    with Image.open(io.BytesIO(content), formats=[image_format]) as image:
        frames = _image_frames(image)
        options = _save_options(image, image_format)
    for frame in frames:
        frame.info = {key: frame.info[key] for key in _IMAGE_DRAWING_INFO if key in frame.info}
    first, *others = frames
    if others:
        options.update(
            save_all=True,
            append_images=others,
            duration=[frame.info.get("duration", 100) for frame in frames],
        )
    output = io.BytesIO()
    first.save(output, image_format, **options)
    return output.getvalue()


def _image_frames(image: Image.Image) -> list[Image.Image]:
    """Return the decoded frames of ``image``; MetadataError if they hold too many pixels."""
    frame_count = getattr(image, "n_frames", 1)
    width, height = image.size
    if width * height * frame_count > MAX_REWRITTEN_PIXELS:
        raise MetadataError(f"{width}x{height} pixels in {frame_count} frames is too large")
    if frame_count == 1:
        # Turned upright by its EXIF orientation, which then goes with the rest.
        return [ImageOps.exif_transpose(image)]
    return [frame.copy() for frame in ImageSequence.Iterator(image)]


def _save_options(image: Image.Image, image_format: str) -> dict:
    """Return the options that save the image again at the quality it had."""
    if image_format == "JPEG":
        # The original's quantisation tables and sampling: the quality it had.
        return {
            "qtables": image.quantization,
            "subsampling": JpegImagePlugin.get_sampling(image),
        }
    if image_format == "WEBP":
        return {"quality": 90}
    return {}


# Office Open XML and OpenDocument ---------------------------------------------

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>'
)
_EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
# The parts that hold a document's properties (author, last editor, company,
# title, template, custom fields) are replaced by empty ones rather than
# removed: the package's relationships and manifest still name them.
_OOXML_PROPERTIES = {
    "docProps/core.xml": _EMPTY_CORE,
    "docProps/app.xml": _EMPTY_APP,
    "docProps/custom.xml": _EMPTY_CUSTOM,
}
_ODF_PROPERTIES = {"meta.xml": _EMPTY_ODF_META}

# A package's parts are decompressed to be written again: bounded, so that a
# small zip of enormous parts (a zip bomb) is refused before it fills memory.
_MAX_PARTS = 10_000
_TOTAL_FACTOR = 5  # all parts together: this many times the upload limit
_CHUNK = 64 * 1024


def _package_rewriter(replacements: dict[str, bytes]):
    def rewrite(content: bytes) -> bytes:
        return _package_without_properties(content, replacements)

    return rewrite


def _package_without_properties(content: bytes, replacements: dict[str, bytes]) -> bytes:
    part_limit = settings.LC_MAX_UPLOAD_MB * 1024 * 1024
    budget = _TOTAL_FACTOR * part_limit
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        parts = source.infolist()
        if len(parts) > _MAX_PARTS:
            raise MetadataError(f"{len(parts)} parts in one package")
        for part in parts:
            if part.file_size > part_limit:
                raise MetadataError(f"{part.filename} declares {part.file_size} bytes")
            entry = _fresh_entry(part)
            if part.filename in replacements:
                target.writestr(entry, replacements[part.filename])
                continue
            with source.open(part) as reading, target.open(entry, "w") as writing:
                budget -= _copy_part(reading, writing, part.filename, min(part_limit, budget))
    return output.getvalue()


def _fresh_entry(part: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """Return a new entry for ``part``: its name, time, compression and attributes only.

    No extra field (owner ids, times) and no comment, neither the part's nor the archive's.
    """
    entry = zipfile.ZipInfo(part.filename, date_time=part.date_time)
    entry.compress_type = (
        zipfile.ZIP_STORED if part.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
    )
    entry.external_attr = part.external_attr
    return entry


def _copy_part(reading, writing, name: str, limit: int) -> int:
    """Copy a part in chunks; return its size. MetadataError once it passes ``limit`` bytes.

    zipfile stops a part at its declared size (and then fails its check sum);
    the bytes read are what count.
    """
    written = 0
    while chunk := reading.read(_CHUNK):
        written += len(chunk)
        if written > limit:
            raise MetadataError(f"{name} is larger once decompressed")
        writing.write(chunk)
    return written


_REWRITERS = {
    "application/pdf": _pdf_without_metadata,
    "image/jpeg": _image_rewriter("JPEG"),
    "image/png": _image_rewriter("PNG"),
    "image/gif": _image_rewriter("GIF"),
    "image/webp": _image_rewriter("WEBP"),
    **dict.fromkeys(
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        _package_rewriter(_OOXML_PROPERTIES),
    ),
    **dict.fromkeys(
        (
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
        ),
        _package_rewriter(_ODF_PROPERTIES),
    ),
    # Office 97-2003 (application/msword, vnd.ms-excel, vnd.ms-powerpoint):
    # their summary information names the author, and no maintained library
    # rewrites it; they are withheld.
}
