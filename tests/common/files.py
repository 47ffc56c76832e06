"""Real files built in memory for the upload tests."""

import io
import struct
import zipfile
import zlib


def _minimal_pdf() -> bytes:
    """A well-formed PDF of no pages: a catalog, a page tree, the cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    content, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(content))
        content += b"%d 0 obj %s endobj\n" % (number, body)
    xref = len(content)
    content += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    content += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    content += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return content


# Readable by pypdf: a juror who may not read a document's name gets it rewritten.
PDF = _minimal_pdf()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_content_types() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", docx_content_types())
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Letter of commitment</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 100)
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def xlsx() -> bytes:
    """A workbook as Excel writes it (openpyxl builds every part a real one has)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Learners reached"
    book.active["B1"] = 1200
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pptx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
            "</Types>",
        )
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def opendocument(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """An OpenDocument file: its ``mimetype`` part first and stored, as the standard asks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0"><office:body><office:text/></office:body></office:document-content>',
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mimetype}"/></manifest:manifest>',
        )
    return buffer.getvalue()


def docx_with(extra: dict[str, bytes]) -> bytes:
    """The docx of ``docx()`` with more parts (a photo, many small parts...), deflated."""
    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DEFLATED = 8


def raw_zip(
    parts: list[tuple[str, bytes, int, int, int]],
    *,
    declared: tuple[int, int] | None = None,
    zip64: bool = False,
) -> bytes:
    """Write a zip by hand from ``(name, data, method, crc, size)``: what zipfile will not write.

    ``data`` goes in as given (already deflated for ``DEFLATED``) and ``size``
    is declared as the unpacked size, whatever ``data`` really unpacks to.
    ``declared`` replaces the ``(parts, list size)`` the end record declares;
    with ``zip64`` the true ones go in a Zip64 end record, which readers
    believe over the classic one.
    """
    body = bytearray()
    directory = bytearray()
    for name, data, method, crc, size in parts:
        encoded = name.encode()
        offset = len(body)
        stamp = (0, 0x21)  # 1980-01-01 00:00, the format's first day
        body += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, method, *stamp, crc, len(data), size, len(encoded), 0
        )
        body += encoded + data
        directory += struct.pack(
            "<4s6H3L5H2L",
            *(b"PK\x01\x02", 20, 20, 0, method, *stamp, crc, len(data), size),
            *(len(encoded), 0, 0, 0, 0, 0, offset),
        )
        directory += encoded
    true = (len(parts), len(directory))
    count, listed_size = declared or true
    end = b""
    if zip64:
        record_at = len(body) + len(directory)
        end += struct.pack(
            "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, true[0], true[0], true[1], len(body)
        )
        end += struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
    end += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, listed_size, len(body), 0)
    return bytes(body + directory + end)


def zip_bomb(megabytes: int, *, part: str = "[Content_Types].xml") -> bytes:
    """A zip whose ``part`` unpacks to ``megabytes`` MiB of zeros, from about 1 KiB a MiB.

    Built in a fraction of a second: a MiB deflated on its own (a full flush
    empties the compressor's memory) gives the same bytes every time, so the
    part is one deflated MiB repeated, as a bomb's author writes it.
    """
    mebibyte = b"\x00" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(mebibyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * megabytes + b"\x03\x00"  # the final, empty block
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(mebibyte, crc)
    return raw_zip([(part, data, DEFLATED, crc, megabytes << 20)])
