"""Files whose own properties name a city, built in memory, and where to look for the name.

A Dutch city signs its documents "Gemeente <name>": if "Gemeente" or the
city's name shows in a copy, the copy names the city.
"""

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

CITY = "Qwyxlborough"  # as tests.reviews.scoring_helpers.UNIQUE_CITY: found nowhere else
SIGNATURE = f"Gemeente {CITY}"
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:creator><rdf:Seq><rdf:li>{SIGNATURE}</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode()


def names_the_city(content: bytes) -> bool:
    return b"Gemeente" in content or CITY.encode() in content


# PDF


def pdf_naming_the_city(pages: int = 2) -> bytes:
    """A PDF whose info, catalog XMP (compressed) and first page's XMP name the city."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata(
        {
            "/Title": f"{SIGNATURE} learning city plan",
            "/Author": SIGNATURE,
            "/Subject": f"Learning city {CITY}",
            "/Keywords": CITY,
            "/Creator": f"Word for {SIGNATURE}",
        }
    )
    catalog_xmp = StreamObject()
    catalog_xmp[NameObject("/Type")] = NameObject("/Metadata")
    catalog_xmp[NameObject("/Subtype")] = NameObject("/XML")
    catalog_xmp.set_data(XMP)
    # Compressed, as most producers write it: the name is then in no raw byte.
    writer.root_object[NameObject("/Metadata")] = writer._add_object(catalog_xmp.flate_encode())
    page_xmp = StreamObject()
    page_xmp.set_data(XMP)
    writer.pages[0][NameObject("/Metadata")] = writer._add_object(page_xmp)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def locked_pdf(*, user_password: str) -> bytes:
    """The PDF naming the city, encrypted (AES); ``""`` opens without a password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_naming_the_city())))
    writer.encrypt(user_password=user_password, owner_password="owner secret", algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def everything_in_pdf(content: bytes) -> bytes:
    """Every object of the PDF, its streams decompressed: wherever a name could hide."""
    reader = PdfReader(io.BytesIO(content))
    found = [repr(reader.trailer).encode()]
    for idnum in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(idnum)
        if obj is None:
            continue
        found.append(repr(obj).encode())
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    return b"\n".join(found)


# Images


def jpeg_naming_the_city(size=(64, 48), *, orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF (artist, description), XMP and comment name the city.

    The left half is red, the right half blue: a turned picture shows.
    """
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = SIGNATURE
    exif[ExifTags.Base.ImageDescription] = f"{SIGNATURE}: learning festival"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    output = io.BytesIO()
    image.save(output, "JPEG", quality=90, exif=exif, xmp=XMP, comment=SIGNATURE.encode())
    return output.getvalue()


def png_naming_the_city() -> bytes:
    """A half-transparent PNG whose text chunks (one compressed) and EXIF name the city."""
    text = PngInfo()
    text.add_text("Author", SIGNATURE)
    text.add_itxt("Description", f"{SIGNATURE}: learning festival", zip=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = SIGNATURE
    output = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 128, 0, 128)).save(output, "PNG", pnginfo=text, exif=exif)
    return output.getvalue()


def animated_gif_naming_the_city() -> bytes:
    """Three frames (red, green, blue), looping, with a comment naming the city."""
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "lime", "blue")]
    output = io.BytesIO()
    frames[0].save(
        output,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=SIGNATURE.encode(),
    )
    return output.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels in a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    pixels = zlib.compress((b"\x00" * (width + 1)) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# Office documents

WORD_TEXT = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Our plan for the years to come</w:t></w:r></w:p></w:body>"
    b"</w:document>"
)
CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:title>{SIGNATURE} learning city plan</dc:title>"
    f"<dc:creator>{SIGNATURE}</dc:creator>"
    f"<cp:lastModifiedBy>{SIGNATURE}</cp:lastModifiedBy>"
    "</cp:coreProperties>"
)
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    f'extended-properties"><Company>{SIGNATURE}</Company></Properties>'
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/'
    'vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)


def docx_naming_the_city(*, padding: int = 0) -> bytes:
    """A Word document whose core and app properties and zip comment name the city.

    ``padding`` adds a part of that many zero bytes (a few kilobytes once compressed).
    """
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", WORD_TEXT)
        archive.writestr("docProps/core.xml", CORE_XML)
        archive.writestr("docProps/app.xml", APP_XML)
        if padding:
            archive.writestr("word/media/padding.bin", b"\x00" * padding)
        archive.comment = SIGNATURE.encode()
    return output.getvalue()


def odt_naming_the_city() -> bytes:
    """An OpenDocument text whose meta.xml names the city."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr(
            "meta.xml",
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0">'
            f"<office:meta><meta:initial-creator>{SIGNATURE}</meta:initial-creator>"
            "</office:meta></office:document-meta>",
        )
    return output.getvalue()


# The signature of an Office 97-2003 file and, where its summary information
# would be, the city's name.
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + SIGNATURE.encode() + b"\x00" * 64
