"""Archive uploads (Office, OpenDocument) are judged by bounded reads: a zip bomb costs little.

A coordinator's 3 MB zip whose ``[Content_Types].xml`` unpacked to 3 GB once
made a web worker allocate 6 GB before refusing it. The bombs here are built
in a fraction of a second (``files.zip_bomb``); each test holds the check to a
ceiling of memory allocated while it runs (tracemalloc's peak).
"""

import io
import random
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learningcities.common.domain.documents import DocumentError, check_upload
from learningcities.common.enums import FileFamily
from learningcities.common.validators import detect_type

from . import files

MB = 1024 * 1024


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def message(error: Exception) -> str:
    return str(error).replace("\xa0", " ")  # filesizeformat keeps "600.0 MB" on one line


def measured(check):
    """Run ``check()``; return what it returned or raised, its peak allocation and its time."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = check()
    except Exception as error:  # the outcome under test, compared by the caller
        outcome = error
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, peak, seconds


def test_check_upload_refuses_a_zip_bomb_over_the_unpacked_limit_within_a_memory_ceiling():
    bomb = upload("plan.docx", files.zip_bomb(600))  # 600 MiB from 0.6 MB

    refusal, peak, seconds = measured(lambda: check_upload(bomb, name="plan.docx"))

    assert message(refusal) == "This archive's parts unpack to 600.0 MB; the limit is 512.0 MB."
    assert isinstance(refusal, DocumentError)
    # Unpacking it took 1.4 GB and 4.5 s; judging what it declares takes neither.
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"
    assert seconds < 2, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"


def test_check_upload_refuses_a_zip_bomb_under_the_unpacked_limit_by_its_ratio():
    bomb = upload("plan.docx", files.zip_bomb(300))

    refusal, peak, seconds = measured(lambda: check_upload(bomb, name="plan.docx"))

    assert message(refusal) == (
        "A part of this archive unpacks to 300.0 MB from 303.8 KB (a ratio of 1011 to 1), "
        "as a zip bomb does; the limit is 200 to 1."
    )
    assert isinstance(refusal, DocumentError)
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"


def test_detect_type_reads_only_the_head_of_a_large_part():
    # A part of ordinary ratio (stored, 15 MB) that declares nothing amiss:
    # only its head is read, whatever its size.
    content_types = files.docx_content_types().ljust(15 * MB, b" ")
    archive = files.raw_zip(
        [("[Content_Types].xml", content_types, 0, zlib.crc32(content_types), len(content_types))]
    )
    del content_types

    detected, peak, seconds = measured(lambda: detect_type(io.BytesIO(archive)))

    assert detected.extension == "docx"
    assert peak < 2 * MB, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"


def test_check_upload_refuses_an_archive_of_too_many_parts():
    crowded = upload("plan.docx", files.docx_with({f"word/p{n}.xml": b"" for n in range(5001)}))

    with pytest.raises(DocumentError) as refusal:
        check_upload(crowded, name="plan.docx")

    assert message(refusal.value) == "This archive has 5003 parts; the limit is 5000."


def test_check_upload_refuses_a_long_list_of_parts_that_declares_few_within_a_memory_ceiling():
    # The end record says 10 parts; the list holds 40,000. zipfile reads the
    # whole list (about 25 MB of Python objects for this one) before any check
    # on what it holds could run, so the list's size is checked first.
    parts = [(f"word/media/image{n:06}.png", b"", 0, 0, 0) for n in range(40_000)]
    crowded = upload("plan.docx", files.raw_zip(parts, declared=(10, 2_880_000)))

    refusal, peak, seconds = measured(lambda: check_upload(crowded, name="plan.docx"))

    assert message(refusal) == "This archive's list of parts takes 2.7 MB; the limit is 2.0 MB."
    assert isinstance(refusal, DocumentError)
    assert peak < 2 * MB, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"


def test_check_upload_refuses_a_long_list_of_parts_declared_in_a_zip64_record():
    # The classic end record declares 10 parts in 700 bytes; the Zip64 record,
    # which zipfile believes, declares the 40,000 parts there are.
    parts = [(f"word/media/image{n:06}.png", b"", 0, 0, 0) for n in range(40_000)]
    crowded = upload("plan.docx", files.raw_zip(parts, declared=(10, 700), zip64=True))

    refusal, peak, seconds = measured(lambda: check_upload(crowded, name="plan.docx"))

    assert message(refusal) == "This archive has 40000 parts; the limit is 5000."
    assert isinstance(refusal, DocumentError)
    assert peak < 2 * MB, f"peak {peak / MB:.1f} MB in {seconds:.2f} s"


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("plan.docx", files.docx(), "docx"),
        ("budget.xlsx", files.xlsx(), "xlsx"),
        ("slides.pptx", files.pptx(), "pptx"),
        ("plan.odt", files.opendocument(), "odt"),
        (
            "budget.ods",
            files.opendocument("application/vnd.oasis.opendocument.spreadsheet"),
            "ods",
        ),
        # A report with a 3 MB photo (which does not compress) and 300 small parts.
        (
            "report.docx",
            files.docx_with(
                {"word/media/photo.jpg": random.Random(11).randbytes(3 * MB)}
                | {f"word/p{n}.xml": b"<w:p/>" * 50 for n in range(300)}
            ),
            "docx",
        ),
    ],
)
def test_check_upload_accepts_real_office_documents(name, content, extension):
    detected, size, _sha256, clean_name = check_upload(upload(name, content), name=name)

    assert (detected.family, detected.extension, clean_name, size) == (
        FileFamily.OFFICE,
        extension,
        name,
        len(content),
    )


def damaged_deflate() -> bytes:
    data = b"\xff" * 64  # not a deflate stream
    return files.raw_zip([("[Content_Types].xml", data, files.DEFLATED, 0, 1000)])


def unknown_method() -> bytes:
    return files.raw_zip([("[Content_Types].xml", b"x" * 64, 99, 0, 64)])  # AES, by WinZip


def truncated() -> bytes:
    return files.docx()[:-30]


@pytest.mark.parametrize("content", [damaged_deflate(), unknown_method(), truncated()])
def test_check_upload_calls_an_unreadable_archive_damaged(content):
    with pytest.raises(DocumentError) as refusal:
        check_upload(upload("plan.docx", content), name="plan.docx")

    assert str(refusal.value).startswith(
        "This file is a damaged zip archive, which is not accepted here. Accepted: "
    )


def test_zip_bomb_helper_builds_a_real_bomb():
    # The bomb tests above prove something only if the bomb is real: its part
    # unpacks, checksum and all, to what it declares.
    bomb = zipfile.ZipFile(io.BytesIO(files.zip_bomb(3)))

    with bomb.open("[Content_Types].xml") as part:
        chunks = list(iter(lambda: part.read(MB), b""))  # to the end: the CRC is checked

    assert [len(chunk) for chunk in chunks] == [MB, MB, MB]
    assert b"".join(chunks).strip(b"\x00") == b""
