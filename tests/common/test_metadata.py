"""Taking a document's metadata out: PDF, images, Office packages; what cannot be is refused."""

import io
import zipfile

import pytest
from PIL import ExifTags, Image, ImageSequence
from pypdf import PdfReader, PdfWriter

from learningcities.common.metadata import MetadataError, without_metadata

from .city_files import (
    OLE_DOC,
    SIGNATURE,
    WORD_TEXT,
    animated_gif_naming_the_city,
    docx_naming_the_city,
    everything_in_pdf,
    jpeg_naming_the_city,
    locked_pdf,
    names_the_city,
    odt_naming_the_city,
    pdf_naming_the_city,
    png_naming_the_city,
    png_of_size,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


# PDF


def test_pdf_naming_the_city_names_it_in_info_and_both_xmp_streams():
    # The files the tests below clean do name the city, where a reader looks.
    reader = PdfReader(io.BytesIO(pdf_naming_the_city()))

    assert reader.metadata.author == SIGNATURE
    assert SIGNATURE.encode() in reader.xmp_metadata.stream.get_data()
    assert reader.root_object["/Metadata"].get_object()["/Filter"] == "/FlateDecode"
    assert SIGNATURE.encode() in reader.pages[0]["/Metadata"].get_object().get_data()


def test_without_metadata_takes_info_and_xmp_out_of_a_pdf():
    cleaned = without_metadata(pdf_naming_the_city(), "application/pdf")

    reader = PdfReader(io.BytesIO(cleaned))
    assert not names_the_city(cleaned)
    assert not names_the_city(everything_in_pdf(cleaned))
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert [page.get("/Metadata") for page in reader.pages] == [None, None]
    assert [page.mediabox[2:] for page in reader.pages] == [[595, 842], [595, 842]]


def test_without_metadata_leaves_an_older_revision_of_a_pdf_behind():
    # Saved again with a neutral title, a PDF keeps its first revision (and
    # the city's name in it) in its bytes, unreachable but there.
    writer = PdfWriter(io.BytesIO(pdf_naming_the_city()), incremental=True)
    writer.metadata = {"/Title": "Plan"}
    revised = io.BytesIO()
    writer.write(revised)

    cleaned = without_metadata(revised.getvalue(), "application/pdf")

    assert names_the_city(revised.getvalue())
    assert not names_the_city(everything_in_pdf(cleaned))
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == 2


def test_without_metadata_opens_a_pdf_locked_against_changes_only():
    # Many "protected" PDFs open without a password (they forbid copying or
    # printing): the juror's reader opens them, and so does the library.
    cleaned = without_metadata(locked_pdf(user_password=""), "application/pdf")

    reader = PdfReader(io.BytesIO(cleaned))
    assert not names_the_city(everything_in_pdf(cleaned))
    assert (reader.metadata, reader.xmp_metadata, len(reader.pages)) == (None, None, 2)


@pytest.mark.parametrize(
    "content",
    [
        locked_pdf(user_password="city secret"),
        b"%PDF-1.7\n" + f"({SIGNATURE}) and no objects at all\n".encode() * 3,
        pdf_naming_the_city()[:400],
    ],
    ids=["password", "garbage", "truncated"],
)
def test_without_metadata_refuses_a_pdf_it_cannot_read(content):
    with pytest.raises(MetadataError):
        without_metadata(content, "application/pdf")


# Images


def test_without_metadata_takes_exif_xmp_and_comment_out_of_a_jpeg():
    original = jpeg_naming_the_city()

    cleaned = without_metadata(original, "image/jpeg")

    assert not names_the_city(cleaned)
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(cleaned)) as after:
        assert before.getexif()[ExifTags.Base.Artist] == SIGNATURE
        assert (after.format, after.size, after.mode) == ("JPEG", (64, 48), "RGB")
        assert dict(after.getexif()) == {}
        assert [key for key in ("exif", "xmp", "comment", "icc_profile") if key in after.info] == []
        # The original's quantisation: no second loss of quality.
        assert after.quantization == before.quantization


def test_without_metadata_turns_a_jpeg_upright_by_its_orientation():
    # Orientation 6: the camera was held on its side; viewers turn the picture
    # 90 degrees clockwise. Once the tag is gone, the pixels must be turned.
    cleaned = without_metadata(jpeg_naming_the_city((64, 48), orientation=6), "image/jpeg")

    with Image.open(io.BytesIO(cleaned)) as after:
        picture = after.convert("RGB")
        assert (after.size, dict(after.getexif())) == ((48, 64), {})
    top, bottom = picture.getpixel((24, 4)), picture.getpixel((24, 60))
    assert top[0] > 150 > top[2]  # red, the picture's left half, now on top
    assert bottom[2] > 150 > bottom[0]


def test_without_metadata_takes_text_and_exif_out_of_a_png():
    cleaned = without_metadata(png_naming_the_city(), "image/png")

    assert not names_the_city(cleaned)
    with Image.open(io.BytesIO(cleaned)) as after:
        assert (after.format, after.size, after.mode) == ("PNG", (30, 20), "RGBA")
        assert (after.text, dict(after.getexif())) == ({}, {})
        assert after.getpixel((3, 3)) == (0, 128, 0, 128)


def test_without_metadata_keeps_every_frame_of_an_animation():
    cleaned = without_metadata(animated_gif_naming_the_city(), "image/gif")

    assert not names_the_city(cleaned)
    with Image.open(io.BytesIO(cleaned)) as after:
        frames = [
            (frame.convert("RGB").getpixel((8, 8)), frame.info["duration"])
            for frame in ImageSequence.Iterator(after)
        ]
        assert "comment" not in after.info
        assert after.info["loop"] == 0
    assert frames == [((255, 0, 0), 100), ((0, 255, 0), 200), ((0, 0, 255), 300)]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "size",
    [(7_000, 7_000), (10_000, 10_000), (30_000, 30_000)],
    ids=["over-our-limit", "over-pillows-limit", "over-twice-pillows-limit"],
)
def test_without_metadata_refuses_an_image_too_large_to_decode(size):
    # Our limit (40 million pixels) is below Pillow's guard against
    # decompression bombs (about 89 million), which only warns below twice
    # its limit and refuses above.
    with pytest.raises(MetadataError):
        without_metadata(png_of_size(*size), "image/png")


def test_without_metadata_refuses_an_image_of_another_format_than_its_type():
    with pytest.raises(MetadataError):
        without_metadata(png_naming_the_city(), "image/jpeg")


# Office documents


def test_without_metadata_empties_the_properties_of_a_word_document():
    cleaned = without_metadata(docx_naming_the_city(), DOCX)

    with zipfile.ZipFile(io.BytesIO(cleaned)) as package:
        assert package.testzip() is None
        parts = {name: package.read(name) for name in package.namelist()}
        assert package.comment == b""
    assert sorted(parts) == [
        "[Content_Types].xml",
        "docProps/app.xml",
        "docProps/core.xml",
        "word/document.xml",
    ]
    assert parts["word/document.xml"] == WORD_TEXT
    assert not names_the_city(b"".join(parts.values()))


def test_without_metadata_empties_the_meta_of_an_opendocument():
    cleaned = without_metadata(odt_naming_the_city(), ODT)

    with zipfile.ZipFile(io.BytesIO(cleaned)) as package:
        first = package.infolist()[0]
        parts = {name: package.read(name) for name in package.namelist()}
    # ODF readers find the type in a first, uncompressed "mimetype" part.
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert parts["mimetype"] == b"application/vnd.oasis.opendocument.text"
    assert sorted(parts) == ["content.xml", "meta.xml", "mimetype"]
    assert not names_the_city(b"".join(parts.values()))


def test_without_metadata_refuses_a_package_with_a_part_over_the_upload_limit(settings):
    settings.LC_MAX_UPLOAD_MB = 1
    # Two megabytes of zeros: a few kilobytes in the zip.
    bomb = docx_naming_the_city(padding=2 * 1024 * 1024)

    with pytest.raises(MetadataError):
        without_metadata(bomb, DOCX)


def test_without_metadata_refuses_a_package_whose_parts_are_larger_than_declared(settings):
    settings.LC_MAX_UPLOAD_MB = 1
    package = bytearray(docx_naming_the_city(padding=2 * 1024 * 1024))
    # Declare the padding part 1 KiB large, in its local and central headers.
    real = (2 * 1024 * 1024).to_bytes(4, "little")
    assert package.count(real) == 2
    package = package.replace(real, (1024).to_bytes(4, "little"))

    with pytest.raises(MetadataError):
        without_metadata(bytes(package), DOCX)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (OLE_DOC, "application/msword"),
        (OLE_DOC, "application/vnd.ms-excel"),
        (b"plain text", "text/plain"),
        (b"", ""),
    ],
)
def test_without_metadata_refuses_a_type_it_cannot_clean(content, content_type):
    with pytest.raises(MetadataError):
        without_metadata(content, content_type)
