"""Images and attachments of a practice: checked, resized, stripped, private until published."""

import io
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from learningcities.common.models import Document
from learningcities.common.storage import private_storage
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.media import (
    MAX_IMAGES,
    add_attachment,
    add_image,
    move_image,
    remove_image,
    update_image,
)
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.domain.practices import update_practice
from learningcities.practices.enums import PracticeStatus
from learningcities.practices.models import PracticeImage
from tests.common import files
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

# Each test its own private storage: another test's file would read as one left behind.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_root")]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(size=(2400, 1200), *, orientation: int | None = None, gps: bool = False) -> bytes:
    """A JPEG photo, with the EXIF a phone writes when asked (the author, the place)."""
    picture = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Jane Photographer"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (2.0, 21.0, 3.0),
        }
    output = io.BytesIO()
    picture.save(output, "JPEG", exif=exif.tobytes(), quality=90)
    return output.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored(document: Document) -> bytes:
    with private_storage().open(document.file.name, "rb") as handle:
        return handle.read()


@pytest.fixture
def city():
    return coordinator_and_city()


@pytest.fixture
def draft(city):
    coordinator, organisation = city
    return make_practice(coordinator=coordinator, organisation=organisation)


def test_add_image_stores_a_resized_copy_and_a_thumbnail(city, draft):
    coordinator, organisation = city

    image = add_image(
        draft, actor=coordinator, upload=upload(photo()), alt_text="  Adults  reading in a park "
    )

    assert (image.width, image.height) == (1600, 800)
    assert (image.thumbnail_width, image.thumbnail_height) == (480, 240)
    assert image.alt_text == "Adults reading in a park"
    with Image.open(io.BytesIO(stored(image.image))) as large:
        assert (large.format, large.size) == ("JPEG", (1600, 800))
    with Image.open(io.BytesIO(stored(image.thumbnail))) as small:
        assert small.size == (480, 240)
    assert image.image.owner == organisation
    assert (image.image.kind, image.image.original_name) == ("practices.image", "photo.jpg")
    assert image.thumbnail.original_name == "photo-small.jpg"


def test_add_image_strips_exif_and_gps_and_turns_the_picture_upright(city, draft):
    coordinator, _organisation = city
    original = photo(orientation=6, gps=True)
    assert b"Jane Photographer" in original

    image = add_image(draft, actor=coordinator, upload=upload(original), alt_text="A street")

    for document in (image.image, image.thumbnail):
        content = stored(document)
        with Image.open(io.BytesIO(content)) as picture:
            assert dict(picture.getexif()) == {}
            assert picture.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
            assert "exif" not in picture.info
            assert "icc_profile" not in picture.info
        assert b"Jane Photographer" not in content
        assert b"Exif" not in content
    # Orientation 6: the 2400 x 1200 pixels are shown turned, 1200 wide and 2400 high.
    assert (image.width, image.height) == (800, 1600)


def test_a_transparent_png_stays_a_png_with_its_transparency(city, draft):
    coordinator, _organisation = city
    picture = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    content = io.BytesIO()
    picture.save(content, "PNG")

    image = add_image(
        draft, actor=coordinator, upload=upload(content.getvalue(), "logo.png"), alt_text="Logo"
    )

    with Image.open(io.BytesIO(stored(image.image))) as large:
        assert (large.format, large.mode, large.size) == ("PNG", "RGBA", (300, 200))
    assert image.image.content_type == "image/png"


@pytest.mark.parametrize("alt_text", ["", "   ", "\n"])
def test_alt_text_is_required(city, draft, alt_text):
    coordinator, _organisation = city

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(photo()), alt_text=alt_text)

    assert refused.value.code == "invalid"
    assert "text alternative is required" in refused.value.message
    assert not PracticeImage.objects.exists()
    assert not Document.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_by_name(city, draft):
    coordinator, _organisation = city

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(files.PDF, "a.pdf"), alt_text="A")

    assert refused.value.message == (
        "This file is a PDF document, which is not accepted here. "
        "Accepted: image (PNG, JPEG, GIF, WebP)."
    )


def test_a_damaged_image_is_refused_with_a_clear_message(city, draft):
    coordinator, _organisation = city
    damaged = photo()[:300]

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(damaged), alt_text="A street")

    assert refused.value.message == (
        "This picture is damaged and cannot be read; save it again and retry."
    )
    assert not Document.objects.exists()


def test_an_image_too_large_is_refused_before_it_is_read(city, draft, settings):
    coordinator, _organisation = city
    settings.LC_MAX_UPLOAD_MB = 1
    big = photo() + b"\x00" * (1024 * 1024)

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(big), alt_text="A street")

    assert refused.value.message.startswith("The file is too large")


@pytest.mark.parametrize(
    ("width", "height", "named"),
    [(10_000, 5_000, "10000 by 5000"), (60_000, 60_000, "")],  # ours; Pillow's own limit
)
def test_a_decompression_bomb_is_refused_quickly(city, draft, width, height, named):
    coordinator, _organisation = city
    bomb = png_declaring(width, height)
    assert len(bomb) < 200

    started = time.monotonic()
    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(bomb, "bomb.png"), alt_text="Bomb")
    elapsed = time.monotonic() - started

    assert elapsed < 1
    assert refused.value.code == "invalid"
    assert "too many pixels" in refused.value.message
    assert named in refused.value.message
    assert not Document.objects.exists()


def test_too_many_images_are_refused(city, draft):
    coordinator, _organisation = city
    small = photo((64, 48))
    for number in range(MAX_IMAGES):
        add_image(draft, actor=coordinator, upload=upload(small), alt_text=f"Image {number}")

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=coordinator, upload=upload(small), alt_text="One more")

    assert refused.value.message == (
        "A practice has at most 6 images: remove one before adding another."
    )
    assert draft.images.count() == MAX_IMAGES


def test_another_city_cannot_add_an_image(draft):
    stranger, _organisation = coordinator_and_city()

    with pytest.raises(PracticeError) as refused:
        add_image(draft, actor=stranger, upload=upload(photo((64, 48))), alt_text="Mine")

    assert refused.value.code == "not_permitted"


def test_a_rolled_back_image_leaves_no_file(city, draft, monkeypatch):
    coordinator, _organisation = city
    storage = private_storage()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The activity entry is the last write before the commit: its failure
    # rolls back the rows, and the files they held must go too.
    monkeypatch.setattr("learningcities.practices.domain.media.record_activity", fail)
    with pytest.raises(RuntimeError):
        add_image(draft, actor=coordinator, upload=upload(photo((64, 48))), alt_text="A")

    assert not Document.objects.exists()
    folders, _names = storage.listdir("documents") if storage.exists("documents") else ([], [])
    assert [name for folder in folders for name in storage.listdir(f"documents/{folder}")[1]] == []


def test_images_are_reordered_described_again_and_removed(
    city, draft, django_capture_on_commit_callbacks
):
    coordinator, _organisation = city
    first = add_image(draft, actor=coordinator, upload=upload(photo((64, 48))), alt_text="First")
    second = add_image(draft, actor=coordinator, upload=upload(photo((64, 48))), alt_text="Second")

    move_image(second, actor=coordinator, direction="up")
    update_image(first, actor=coordinator, alt_text="The first", caption="Photo: the city")

    assert [image.alt_text for image in draft.images.all()] == ["Second", "The first"]
    assert draft.images.get(pk=first.pk).caption == "Photo: the city"
    files_of_first = [first.image.file.name, first.thumbnail.file.name]
    with pytest.raises(PracticeError):
        update_image(first, actor=coordinator, alt_text=" ")
    with django_capture_on_commit_callbacks(execute=True):
        remove_image(first, actor=coordinator)
    assert [image.alt_text for image in draft.images.all()] == ["Second"]
    assert not Document.objects.filter(pk__in=[first.image_id, first.thumbnail_id]).exists()
    assert [private_storage().exists(name) for name in files_of_first] == [False, False]


# Who opens the files -----------------------------------------------------------


def _urls(image, attachment) -> list[str]:
    return [image.get_absolute_url(), image.thumbnail_url, attachment.get_absolute_url()]


def _statuses(client: Client, urls: list[str]) -> list[int]:
    return [client.get(url).status_code for url in urls]


@pytest.fixture
def with_media(city, draft):
    coordinator, _organisation = city
    image = add_image(draft, actor=coordinator, upload=upload(photo((640, 480))), alt_text="Kids")
    attachment = add_attachment(
        draft, actor=coordinator, upload=upload(files.PDF, "report.pdf"), title="Report 2024"
    )
    return draft, image, attachment


def test_files_of_a_draft_are_its_citys_and_the_secretariats_only(city, with_media):
    coordinator, _organisation = city
    _practice, image, attachment = with_media
    urls = _urls(image, attachment)
    stranger, _other = coordinator_and_city()

    assert _statuses(Client(), urls) == [404, 404, 404]
    assert _statuses(logged_in(stranger), urls) == [404, 404, 404]
    assert _statuses(logged_in(coordinator), urls) == [200, 200, 200]
    assert _statuses(logged_in(secretariat_person()), urls) == [200, 200, 200]
    own = logged_in(coordinator).get(urls[0])
    assert own["Content-Type"] == "image/jpeg"
    assert "private" in own["Cache-Control"]
    # The common documents view applies the same rule.
    document_url = reverse("common:document", kwargs={"document_id": image.image_id})
    assert logged_in(stranger).get(document_url).status_code == 404


def test_files_of_a_published_practice_are_public_and_private_again_once_unpublished(
    city, with_media
):
    coordinator, _organisation = city
    practice, image, attachment = with_media
    urls = _urls(image, attachment)
    secretariat = secretariat_person()
    stranger, _other = coordinator_and_city()
    move_practice(practice, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(practice, PracticeStatus.PUBLISHED, actor=secretariat)

    assert _statuses(Client(), urls) == [200, 200, 200]
    assert _statuses(logged_in(stranger), urls) == [200, 200, 200]
    public = Client().get(urls[2])
    assert public["Content-Type"] == "application/pdf"
    assert b"".join(public.streaming_content) == files.PDF
    assert "public" in public["Cache-Control"]
    document_url = reverse("common:document", kwargs={"document_id": attachment.document_id})
    assert logged_in(stranger).get(document_url).status_code == 200

    move_practice(practice, PracticeStatus.UNPUBLISHED, actor=secretariat, comment="Outdated")

    assert _statuses(Client(), urls) == [404, 404, 404]
    assert _statuses(logged_in(stranger), urls) == [404, 404, 404]
    assert logged_in(stranger).get(document_url).status_code == 404
    assert _statuses(logged_in(coordinator), urls) == [200, 200, 200]


def test_a_file_of_another_practice_is_not_served_under_this_one(city, with_media):
    coordinator, organisation = city
    _practice, image, _attachment = with_media
    other = make_practice(coordinator=coordinator, organisation=organisation, title="Other")
    url = reverse("practices:image", kwargs={"pk": other.pk, "image_id": image.pk})

    assert logged_in(coordinator).get(url).status_code == 404


def test_the_public_page_shows_the_images_with_alt_text_and_links_the_documents(city, with_media):
    coordinator, _organisation = city
    practice, image, attachment = with_media
    update_image(image, actor=coordinator, alt_text="Kids reading", caption="Photo: city library")
    move_practice(practice, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(practice, PracticeStatus.PUBLISHED, actor=secretariat_person())

    page = Client().get(practice.get_absolute_url()).text

    assert (
        f'<img src="{image.get_absolute_url()}" srcset="{image.thumbnail_url} 480w, '
        f'{image.get_absolute_url()} 640w" sizes="(min-width: 40rem) 20rem, 100vw" '
        'width="640" height="480" alt="Kids reading" loading="lazy" decoding="async">'
    ) in page
    assert "<figcaption>Photo: city library</figcaption>" in page
    assert f'<a href="{attachment.get_absolute_url()}">Report 2024</a>' in page


def test_changing_the_images_of_a_published_practice_keeps_a_revision_and_refreshes_the_page(
    city,
):
    coordinator, organisation = city
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    before = Client().get(practice.get_absolute_url()).text
    assert "Kids reading" not in before

    image = add_image(
        practice, actor=coordinator, upload=upload(photo((64, 48))), alt_text="Kids reading"
    )
    after = Client().get(practice.get_absolute_url()).text

    assert 'alt="Kids reading"' in after
    latest = practice.revisions.order_by("-number").first()
    assert latest.content["images"] == [{"id": image.pk, "alt_text": "Kids reading", "caption": ""}]
    assert latest.note == "Image added"
    history = Client().get(reverse("practices:revisions", kwargs={"pk": practice.pk})).text
    assert "Changed: images" in history
    assert "<li>Kids reading</li>" in history


def test_editing_the_texts_keeps_the_images_in_the_revision(city):
    coordinator, organisation = city
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    image = add_image(practice, actor=coordinator, upload=upload(photo((64, 48))), alt_text="A")

    update_practice(practice, actor=coordinator, data={"title": "A new title"})

    latest = practice.revisions.order_by("-number").first()
    assert latest.content["images"] == [{"id": image.pk, "alt_text": "A", "caption": ""}]


# The city's page ---------------------------------------------------------------


def test_the_city_adds_an_image_on_its_page_linked_from_the_practice(city, draft):
    coordinator, _organisation = city
    client = logged_in(coordinator)
    media_url = reverse("practices:media", kwargs={"pk": draft.pk})
    assert f'href="{media_url}"' in client.get(draft.get_absolute_url()).text
    assert f'href="{media_url}"' in client.get(reverse("practices:edit", args=[draft.pk])).text

    response = client.post(
        reverse("practices:image-add", kwargs={"pk": draft.pk}),
        {
            "new-image-file": upload(photo((64, 48))),
            "new-image-alt_text": "A reading circle",
            "new-image-caption": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == media_url
    page = client.get(media_url).text
    assert 'alt="A reading circle"' in page
    assert "The image is added." in page


def test_the_page_names_a_missing_alt_text_and_a_bomb_without_a_500(city, draft):
    coordinator, _organisation = city
    client = logged_in(coordinator)
    url = reverse("practices:image-add", kwargs={"pk": draft.pk})

    missing = client.post(
        url, {"new-image-file": upload(photo((64, 48))), "new-image-alt_text": ""}
    )
    bomb = client.post(
        url,
        {
            "new-image-file": upload(png_declaring(10_000, 5_000), "b.png"),
            "new-image-alt_text": "B",
        },
    )

    assert missing.status_code == 400
    assert missing.context["image_form"].errors["alt_text"] == [
        "Say what the image shows: the text alternative is required, for people who cannot see it."
    ]
    assert bomb.status_code == 400
    assert "too many pixels (10000 by 5000)" in bomb.context["image_form"].errors["file"][0]
    assert not PracticeImage.objects.exists()


def test_the_city_removes_an_image_only_with_the_box_ticked(city, with_media):
    coordinator, _organisation = city
    practice, image, _attachment = with_media
    client = logged_in(coordinator)
    url = reverse("practices:image-change", kwargs={"pk": practice.pk, "image_id": image.pk})

    unticked = client.post(url, {"action": "remove"})
    assert unticked.status_code == 400
    assert practice.images.count() == 1

    ticked = client.post(url, {"action": "remove", "confirm": "yes"})
    assert ticked.status_code == 302
    assert practice.images.count() == 0


@pytest.mark.parametrize("role", ["stranger", "secretariat", "anonymous"])
def test_only_the_city_manages_the_media(with_media, role):
    practice, image, _attachment = with_media
    client = {
        "stranger": lambda: logged_in(coordinator_and_city()[0]),
        "secretariat": lambda: logged_in(secretariat_person()),
        "anonymous": Client,
    }[role]()
    page = client.get(reverse("practices:media", kwargs={"pk": practice.pk}))
    post = client.post(
        reverse("practices:image-change", kwargs={"pk": practice.pk, "image_id": image.pk}),
        {"action": "remove", "confirm": "yes"},
    )

    expected = {"stranger": 404, "secretariat": 403, "anonymous": 302}[role]
    assert (page.status_code, post.status_code) == (expected, expected)
    assert practice.images.count() == 1


def test_the_secretariat_sees_the_images_when_moderating(city, with_media):
    coordinator, _organisation = city
    practice, _image, attachment = with_media
    move_practice(practice, PracticeStatus.SUBMITTED, actor=coordinator)

    page = logged_in(secretariat_person()).get(practice.get_absolute_url()).text

    assert 'alt="Kids"' in page
    assert attachment.get_absolute_url() in page
    assert "Publish" in page


def test_the_api_lists_a_published_practices_images_and_documents(city, with_media):
    coordinator, _organisation = city
    practice, image, attachment = with_media
    move_practice(practice, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(practice, PracticeStatus.PUBLISHED, actor=secretariat_person())

    body = Client().get(f"/api/v1/practices/{practice.pk}").json()

    assert body["images"] == [
        {
            "url": f"http://testserver{image.get_absolute_url()}",
            "width": 640,
            "height": 480,
            "thumbnail_url": f"http://testserver{image.thumbnail_url}",
            "thumbnail_width": 480,
            "thumbnail_height": 360,
            "alt_text": "Kids",
            "caption": "",
        }
    ]
    assert body["attachments"] == [
        {
            "title": "Report 2024",
            "url": f"http://testserver{attachment.get_absolute_url()}",
            "file_name": "report.pdf",
            "content_type": "application/pdf",
            "size": len(files.PDF),
        }
    ]
    assert Client().get(body["images"][0]["url"]).status_code == 200


def _illustrated(city, count: int):
    coordinator, organisation = city
    practice = make_practice(coordinator=coordinator, organisation=organisation)
    for number in range(count):
        add_image(practice, actor=coordinator, upload=upload(photo((64, 48))), alt_text=f"{number}")
        add_attachment(
            practice, actor=coordinator, upload=upload(files.PDF, "a.pdf"), title=f"{number}"
        )
    return practice


@pytest.mark.parametrize("count", [1, 3])
def test_the_practice_page_queries_do_not_grow_with_images(city, count, django_assert_num_queries):
    coordinator, _organisation = city
    practice = _illustrated(city, count)
    client = logged_in(coordinator)
    client.get(practice.get_absolute_url())  # the session and the person, once

    with django_assert_num_queries(12):
        page = client.get(practice.get_absolute_url())

    assert page.text.count('loading="lazy"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_media_page_queries_do_not_grow_with_images(city, count, django_assert_num_queries):
    coordinator, _organisation = city
    practice = _illustrated(city, count)
    client = logged_in(coordinator)
    url = reverse("practices:media", kwargs={"pk": practice.pk})
    client.get(url)

    with django_assert_num_queries(5):
        page = client.get(url)

    assert page.text.count('class="media-item"') == 2 * count


def test_the_secretariat_translates_an_images_texts_shown_at_once(city):
    coordinator, organisation = city
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    image = add_image(
        practice, actor=coordinator, upload=upload(photo((64, 48))), alt_text="Kids reading"
    )
    page = practice.get_absolute_url()
    Client().get("/fr" + page)  # cached for visitors
    url = reverse(
        "common:translation-edit",
        kwargs={"kind": "practices.image", "pk": image.pk, "language": "fr"},
    )

    response = logged_in(secretariat_person()).post(
        url, {"alt_text": "Des enfants lisent", "caption": ""}
    )

    assert response.status_code == 302
    french = Client().get("/fr" + page).text
    assert 'alt="Des enfants lisent" loading="lazy"' in french
    english = Client().get(page).text
    assert 'alt="Kids reading" loading="lazy"' in english
    overview = logged_in(secretariat_person()).get("/workspace/translations/").text
    assert "Images of good practices" in overview


def test_the_page_says_when_there_are_as_many_images_as_allowed(city, draft):
    coordinator, _organisation = city
    for number in range(MAX_IMAGES):
        add_image(draft, actor=coordinator, upload=upload(photo((64, 48))), alt_text=f"{number}")
    client = logged_in(coordinator)

    response = client.post(
        reverse("practices:image-add", kwargs={"pk": draft.pk}),
        {"new-image-file": upload(photo((64, 48))), "new-image-alt_text": "One more"},
    )

    assert response.status_code == 409
    assert "A practice has at most 6 images: remove one before adding another." in response.text
    assert "The practice has as many images as it may" in response.text
    assert draft.images.count() == MAX_IMAGES


def test_a_document_of_a_type_not_accepted_is_named_on_the_page(city, draft):
    coordinator, _organisation = city

    response = logged_in(coordinator).post(
        reverse("practices:attachment-add", kwargs={"pk": draft.pk}),
        {"new-attachment-file": upload(photo((64, 48)), "p.jpg"), "new-attachment-title": "P"},
    )

    assert response.status_code == 400
    assert response.context["attachment_form"].errors["file"] == [
        "This file is a JPEG image, which is not accepted here. Accepted: PDF, office "
        "document (Word, Excel, PowerPoint, OpenDocument)."
    ]
    assert not draft.attachments.exists()


@pytest.mark.parametrize("kind", ["image", "attachment"])
def test_a_file_the_virus_scanner_refuses_is_named_and_nothing_is_kept(city, draft, kind, settings):
    coordinator, _organisation = city
    settings.LC_VIRUS_SCANNER = "tests.common.scanners.refuse_everything"

    add = {
        "image": lambda: add_image(
            draft, actor=coordinator, upload=upload(photo((64, 48))), alt_text="A"
        ),
        "attachment": lambda: add_attachment(
            draft, actor=coordinator, upload=upload(files.PDF, "a.pdf"), title="A"
        ),
    }[kind]

    with pytest.raises(PracticeError) as refused:
        add()

    assert refused.value.message == (
        "The virus scanner refused this file: Eicar-Test-Signature FOUND"
    )
    assert not Document.objects.exists()
