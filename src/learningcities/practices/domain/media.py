"""Images and attachments of a practice: added, described, ordered and removed by its city.

The city's coordinators change them wherever they may edit the practice
(``rules.can_edit_practice``). Each write runs in one transaction, the
practice locked: the check of the limits (``MAX_IMAGES``,
``MAX_ATTACHMENTS``), the stored files (``common.domain.documents``: a file
written for a transaction that rolls back is removed), the row, the
activity entry and, for a published practice, its next revision and the
library's revision (the cached pages show the change at once).

Who may open the files follows the practice (``views.media``): anyone once
it is published, its city's people and the secretariat before; unpublished,
it is private again.
"""

import io

import rules
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.documents import (
    DocumentError,
    check_upload,
    delete_document,
    store_document,
)
from learningcities.common.enums import FileFamily
from learningcities.common.rules import register_document_viewer
from learningcities.common.validators import sanitise_filename

from ..models import Practice, PracticeAttachment, PracticeImage
from ..rules import can_edit_practice, can_view_practice
from .errors import PracticeError
from .images import prepare_image
from .practices import add_revision
from .revision import bump_practices_revision

MAX_IMAGES = 6
MAX_ATTACHMENTS = 6
MAX_TEXT = 300
MAX_TITLE = 200
# The kinds of the common.Document rows holding a practice's files.
IMAGE_KIND = "practices.image"
THUMBNAIL_KIND = "practices.thumbnail"
ATTACHMENT_KIND = "practices.attachment"
MEDIA_KINDS = frozenset({IMAGE_KIND, THUMBNAIL_KIND, ATTACHMENT_KIND})
IMAGE_FAMILIES = (FileFamily.IMAGE,)
ATTACHMENT_FAMILIES = (FileFamily.PDF, FileFamily.OFFICE)
MOVES = ("up", "down")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_texts(alt_text: str, caption: str) -> None:
    if not alt_text:
        raise PracticeError(
            _(
                "Say what the image shows: the text alternative is required, for people "
                "who cannot see it."
            ),
        )
    if len(alt_text) > MAX_TEXT or len(caption) > MAX_TEXT:
        raise PracticeError(
            _("The text alternative and the caption take at most %(count)s characters each.")
            % {"count": MAX_TEXT}
        )


def _check_may_edit(actor, practice: Practice) -> None:
    if not can_edit_practice(actor, practice):
        raise PracticeError(
            _("This practice cannot be changed by you in its present state."),
            code="not_permitted",
        )


def _locked(practice: Practice, actor) -> Practice:
    """Return the practice locked for this transaction, after checking ``actor`` may edit it."""
    locked = (
        Practice.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=practice.pk)
    )
    _check_may_edit(actor, locked)
    return locked


def _after_change(practice: Practice, *, actor, note: str) -> None:
    """Keep a revision of a published practice and move the library's revision on."""
    if practice.is_published:
        add_revision(practice, actor=actor, note=note)
        bump_practices_revision()


def _checked_upload(upload, *, allowed, name: str):
    try:
        return check_upload(upload, name=name, allowed=allowed)
    except DocumentError as error:
        raise PracticeError(error.message, code=error.code) from error


def _stored(upload, *, practice: Practice, actor, kind: str, allowed, name: str):
    """Store ``upload`` as a private document of the practice's city (``store_document``).

    Raises PracticeError with the refusal of the checks or the virus scanner.
    """
    try:
        return store_document(
            upload,
            owner=practice.organisation,
            uploaded_by=actor,
            kind=kind,
            allowed=allowed,
            related_object=practice,
            name=name,
        )
    except DocumentError as error:
        raise PracticeError(error.message, code=error.code) from error


def _stem(name: str, default: str) -> str:
    stem, dot, _extension = sanitise_filename(name).rpartition(".")
    return (stem if dot else sanitise_filename(name)) or default


# Images ------------------------------------------------------------------------


def add_image(practice: Practice, *, actor, upload, alt_text: str, caption: str = ""):
    """Add a picture to ``practice``, last; return the ``PracticeImage``.

    The upload is checked (size and type by its bytes, ``check_upload``),
    decoded within bounds, resized and encoded again without metadata
    (``images.prepare_image``); its large and small copies are stored as
    private documents of the city (checked and scanned by ``store_document``),
    the upload itself never. Raises PracticeError naming what is wrong (no
    text alternative, not a picture, too large, too many pixels, damaged, one
    picture too many, not the actor's to change). Records
    ``practices.image.add``; a published practice gets a revision.
    """
    alt_text, caption = _one_line(alt_text), _one_line(caption)
    _check_texts(alt_text, caption)
    _check_may_edit(actor, practice)
    _check_room(practice.images.count(), MAX_IMAGES, _image_limit)
    name = getattr(upload, "name", "") or "image"
    _checked_upload(upload, allowed=IMAGE_FAMILIES, name=name)
    prepared = prepare_image(upload)
    stem = _stem(name, "image")
    with transaction.atomic():
        practice = _locked(practice, actor)
        _check_room(practice.images.count(), MAX_IMAGES, _image_limit)
        stored = {
            kind: _stored(
                io.BytesIO(rendition.content),
                practice=practice,
                actor=actor,
                kind=kind,
                allowed=IMAGE_FAMILIES,
                name=f"{stem}{suffix}.{prepared.extension}",
            )
            for kind, rendition, suffix in (
                (IMAGE_KIND, prepared.large, ""),
                (THUMBNAIL_KIND, prepared.thumbnail, "-small"),
            )
        }
        image = PracticeImage.objects.create(
            practice=practice,
            image=stored[IMAGE_KIND],
            thumbnail=stored[THUMBNAIL_KIND],
            width=prepared.large.width,
            height=prepared.large.height,
            thumbnail_width=prepared.thumbnail.width,
            thumbnail_height=prepared.thumbnail.height,
            alt_text=alt_text,
            caption=caption,
            order=_next_order(practice.images.all()),
        )
        record_activity(
            "practices.image.add",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"image": [None, image.pk], "alt_text": [None, alt_text]},
        )
        _after_change(practice, actor=actor, note=_("Image added"))
    return image


def _image_limit(limit: int) -> str:
    return ngettext(
        "A practice has at most %(count)s image: remove one before adding another.",
        "A practice has at most %(count)s images: remove one before adding another.",
        limit,
    ) % {"count": limit}


def _attachment_limit(limit: int) -> str:
    return ngettext(
        "A practice has at most %(count)s document: remove one before adding another.",
        "A practice has at most %(count)s documents: remove one before adding another.",
        limit,
    ) % {"count": limit}


def _check_room(count: int, limit: int, message) -> None:
    if count >= limit:
        raise PracticeError(message(limit), code="too_many")


def _next_order(rows) -> int:
    last = rows.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


def update_image(image: PracticeImage, *, actor, alt_text: str, caption: str = ""):
    """Change the text alternative and caption of ``image``; return it.

    Raises PracticeError if the text alternative is empty or a text too long.
    Records ``practices.image.update`` (when anything changed); a published
    practice gets a revision. A translation of a changed text becomes outdated.
    """
    alt_text, caption = _one_line(alt_text), _one_line(caption)
    _check_texts(alt_text, caption)
    with transaction.atomic():
        practice = _locked(image.practice, actor)
        image = PracticeImage.objects.select_for_update().get(pk=image.pk, practice=practice)
        changes = {
            name: [getattr(image, name), value]
            for name, value in (("alt_text", alt_text), ("caption", caption))
            if getattr(image, name) != value
        }
        if not changes:
            return image
        image.alt_text, image.caption = alt_text, caption
        image.save(update_fields=["alt_text", "caption"])
        record_activity(
            "practices.image.update",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"image": [image.pk, image.pk], **changes},
        )
        _after_change(practice, actor=actor, note=_("Image described again"))
    return image


def remove_image(image: PracticeImage, *, actor) -> None:
    """Remove ``image`` from its practice: the row, and both files once the removal commits.

    Records ``practices.image.remove`` (and ``common.document.delete`` for
    each file); a published practice gets a revision.
    """
    with transaction.atomic():
        practice = _locked(image.practice, actor)
        image = (
            # The owner may be null (an outer join): only the image's own row is locked.
            PracticeImage.objects.select_for_update(of=("self",))
            .select_related("image__owner", "thumbnail__owner")
            .get(pk=image.pk, practice=practice)
        )
        documents = (image.image, image.thumbnail)
        record_activity(
            "practices.image.remove",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"image": [image.pk, None], "alt_text": [image.alt_text, None]},
        )
        image.delete()
        for document in documents:
            delete_document(document, actor=actor)
        _after_change(practice, actor=actor, note=_("Image removed"))


def move_image(image: PracticeImage, *, actor, direction: str) -> None:
    """Move ``image`` one place ``up`` or ``down`` among its practice's images.

    Records ``practices.image.move``; a published practice gets a revision.
    Nothing happens at either end of the list.
    """
    with transaction.atomic():
        practice = _locked(image.practice, actor)
        if _moved(practice.images.all(), image.pk, direction):
            record_activity(
                "practices.image.move",
                actor=actor,
                organisation=practice.organisation,
                subject=practice,
                changes={"image": [image.pk, image.pk]},
            )
            _after_change(practice, actor=actor, note=_("Images reordered"))


def _moved(rows, pk: int, direction: str) -> bool:
    """Swap the row ``pk`` with its neighbour in ``direction``; number all rows 0, 1, 2...

    Return whether it moved. Raises PracticeError for a direction other than
    up or down, or a row not in ``rows``.
    """
    if direction not in MOVES:
        raise PracticeError(_("Move it up or down."))
    ordered = list(rows.select_for_update().order_by("order", "pk"))
    position = next((i for i, row in enumerate(ordered) if row.pk == pk), None)
    if position is None:
        raise PracticeError(_("This item is not part of the practice."))
    other = position - 1 if direction == "up" else position + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[position], ordered[other] = ordered[other], ordered[position]
    for order, row in enumerate(ordered):
        row.order = order
    type(ordered[0]).objects.bulk_update(ordered, ["order"])
    return True


# Attachments -------------------------------------------------------------------


def add_attachment(practice: Practice, *, actor, upload, title: str) -> PracticeAttachment:
    """Attach a document (PDF or office file) to ``practice``, last; return the attachment.

    Stored as a private document of the city (``store_document``: checked by
    its bytes, scanned). Raises PracticeError naming what is wrong (no title,
    a type not accepted, too large, one attachment too many, not the actor's
    to change). Records ``practices.attachment.add``; a published practice
    gets a revision.
    """
    title = _one_line(title)
    _check_title(title)
    _check_may_edit(actor, practice)
    _check_room(practice.attachments.count(), MAX_ATTACHMENTS, _attachment_limit)
    name = getattr(upload, "name", "") or "document"
    _checked_upload(upload, allowed=ATTACHMENT_FAMILIES, name=name)
    with transaction.atomic():
        practice = _locked(practice, actor)
        _check_room(practice.attachments.count(), MAX_ATTACHMENTS, _attachment_limit)
        document = _stored(
            upload,
            practice=practice,
            actor=actor,
            kind=ATTACHMENT_KIND,
            allowed=ATTACHMENT_FAMILIES,
            name=name,
        )
        attachment = PracticeAttachment.objects.create(
            practice=practice,
            document=document,
            title=title,
            order=_next_order(practice.attachments.all()),
        )
        record_activity(
            "practices.attachment.add",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"attachment": [None, attachment.pk], "title": [None, title]},
        )
        _after_change(practice, actor=actor, note=_("Document attached"))
    return attachment


def _check_title(title: str) -> None:
    if not title:
        raise PracticeError(_("Give the document a title: it is the link's text."))
    if len(title) > MAX_TITLE:
        raise PracticeError(
            _("The title takes at most %(count)s characters.") % {"count": MAX_TITLE}
        )


def update_attachment(attachment: PracticeAttachment, *, actor, title: str):
    """Change the title of ``attachment``; return it.

    Records ``practices.attachment.update`` (when it changed); a published
    practice gets a revision.
    """
    title = _one_line(title)
    _check_title(title)
    with transaction.atomic():
        practice = _locked(attachment.practice, actor)
        attachment = PracticeAttachment.objects.select_for_update().get(
            pk=attachment.pk, practice=practice
        )
        if attachment.title == title:
            return attachment
        before, attachment.title = attachment.title, title
        attachment.save(update_fields=["title"])
        record_activity(
            "practices.attachment.update",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"attachment": [attachment.pk, attachment.pk], "title": [before, title]},
        )
        _after_change(practice, actor=actor, note=_("Document renamed"))
    return attachment


def remove_attachment(attachment: PracticeAttachment, *, actor) -> None:
    """Remove ``attachment``: the row, and its file once the removal commits.

    Records ``practices.attachment.remove`` (and ``common.document.delete``);
    a published practice gets a revision.
    """
    with transaction.atomic():
        practice = _locked(attachment.practice, actor)
        attachment = (
            PracticeAttachment.objects.select_for_update(of=("self",))
            .select_related("document__owner")
            .get(pk=attachment.pk, practice=practice)
        )
        document = attachment.document
        record_activity(
            "practices.attachment.remove",
            actor=actor,
            organisation=practice.organisation,
            subject=practice,
            changes={"attachment": [attachment.pk, None], "title": [attachment.title, None]},
        )
        attachment.delete()
        delete_document(document, actor=actor)
        _after_change(practice, actor=actor, note=_("Document removed"))


def move_attachment(attachment: PracticeAttachment, *, actor, direction: str) -> None:
    """Move ``attachment`` one place ``up`` or ``down``; records ``practices.attachment.move``."""
    with transaction.atomic():
        practice = _locked(attachment.practice, actor)
        if _moved(practice.attachments.all(), attachment.pk, direction):
            record_activity(
                "practices.attachment.move",
                actor=actor,
                organisation=practice.organisation,
                subject=practice,
                changes={"attachment": [attachment.pk, attachment.pk]},
            )
            _after_change(practice, actor=actor, note=_("Documents reordered"))


# Who opens the files -----------------------------------------------------------


def media_practice(document) -> Practice | None:
    """Return the practice whose image, small copy or attachment ``document`` is (None if none)."""
    if document.kind not in MEDIA_KINDS:
        return None
    if document.kind == ATTACHMENT_KIND:
        row = PracticeAttachment.objects.filter(document=document).select_related("practice")
    elif document.kind == IMAGE_KIND:
        row = PracticeImage.objects.filter(image=document).select_related("practice")
    else:
        row = PracticeImage.objects.filter(thumbnail=document).select_related("practice")
    found = row.first()
    return found.practice if found is not None else None


@register_document_viewer
@rules.predicate
def can_view_practice_document(user, document) -> bool:
    """Whoever sees a practice opens its images and attachments (anyone, once published)."""
    practice = media_practice(document)
    return practice is not None and can_view_practice(user, practice)


def image_translation_saved(image: PracticeImage) -> None:
    """Show a translation of an image's texts at once (the secretariat saved it)."""
    if image.practice.is_published:
        bump_practices_revision()
