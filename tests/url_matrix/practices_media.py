"""Images and documents of a practice (practices/views/media.py).

Their files are anyone's once the practice is published, and its city's and
the secretariat's before (404 for everyone else, as for a missing id). The
page that manages them is the city's coordinators'; its forms answer POST only.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from learningcities.practices.domain.media import add_attachment, add_image
from tests.common import files
from tests.practices.factories import make_practice
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, PUBLIC, row

COORDINATORS = row(LOGIN, 200, 403, 403, 403, 403, MFA)
HIDDEN_FILE = row(404, 404, 404, 404, 200, 200, MFA)

ENTRIES = {
    "practices:image": PUBLIC,
    "practices:image-thumbnail": PUBLIC,
    "practices:attachment": PUBLIC,
    "practices:media": COORDINATORS,
    "practices:image-add": POST_ONLY,
    "practices:image-change": POST_ONLY,
    "practices:attachment-add": POST_ONLY,
    "practices:attachment-change": POST_ONLY,
}

HIDDEN = {
    "practices:image": HIDDEN_FILE,
    "practices:image-thumbnail": HIDDEN_FILE,
    "practices:attachment": HIDDEN_FILE,
    "practices:media": row(LOGIN, 404, 404, 404, 403, 403, MFA),
}


def _with_media(practice, coordinator):
    image = add_image(
        practice,
        actor=coordinator,
        upload=SimpleUploadedFile("photo.png", files.png()),
        alt_text="A green dot",
    )
    attachment = add_attachment(
        practice,
        actor=coordinator,
        upload=SimpleUploadedFile("report.pdf", files.PDF),
        title="Report",
    )
    return {"pk": practice.pk, "image_id": image.pk}, {
        "pk": practice.pk,
        "attachment_id": attachment.pk,
    }


def build(context) -> tuple[dict, dict]:
    """A published practice of the coordinator's city, a draft of another's; both with files."""
    people = context["people"]
    published = make_practice(
        coordinator=people["coordinator"],
        organisation=context["city_org"],
        publish=True,
        secretariat=people["secretariat"],
        title="Practice with pictures",
    )
    draft = make_practice(
        coordinator=context["stranger"], organisation=context["other_org"], title="Draft pictures"
    )
    image, attachment = _with_media(published, people["coordinator"])
    hidden_image, hidden_attachment = _with_media(draft, context["stranger"])
    kwargs = {
        "practices:image": image,
        "practices:image-thumbnail": image,
        "practices:attachment": attachment,
        "practices:media": {"pk": published.pk},
        "practices:image-add": {"pk": published.pk},
        "practices:image-change": image,
        "practices:attachment-add": {"pk": published.pk},
        "practices:attachment-change": attachment,
    }
    hidden = {
        "practices:image": hidden_image,
        "practices:image-thumbnail": hidden_image,
        "practices:attachment": hidden_attachment,
        "practices:media": {"pk": draft.pk},
    }
    return kwargs, hidden
