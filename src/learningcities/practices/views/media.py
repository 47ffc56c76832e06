"""A practice's images and attachments: the city's page to manage them, and their files.

The city's coordinators add, describe, order and remove them on one page
(linked from the practice's page and its edit page) wherever they may edit
the practice. The files are served here to whoever sees the practice
(``practices_for_user``): anyone once it is published, the city and the
secretariat before; everyone else gets 404, as for a missing id.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learningcities.common.access import get_object_for_user_or_404
from learningcities.common.storage import private_storage
from learningcities.common.views.errors import show_error

from ..domain.errors import PracticeError
from ..domain.media import (
    MAX_ATTACHMENTS,
    MAX_IMAGES,
    MOVES,
    add_attachment,
    add_image,
    move_attachment,
    move_image,
    remove_attachment,
    remove_image,
    update_attachment,
    update_image,
)
from ..domain.queries.practices import practices_for_user
from ..interfaces.media_forms import AttachmentForm, AttachmentTitleForm, ImageForm, ImageTextForm
from ..models import Practice, PracticeAttachment, PracticeImage
from ..rules import can_edit_practice

# How long a browser or a shared cache may keep a published practice's file
# (after it is unpublished, a copy may live this long in such a cache).
PUBLIC_MAX_AGE = 300


def _editable_practice(request: HttpRequest, pk: int) -> Practice:
    practice = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    if not can_edit_practice(request.user, practice):
        raise PermissionDenied
    return practice


def _image_form(image: PracticeImage, data=None) -> ImageTextForm:
    return ImageTextForm(
        data,
        prefix=f"image-{image.pk}",
        initial={"alt_text": image.alt_text, "caption": image.caption},
    )


def _attachment_form(attachment: PracticeAttachment, data=None) -> AttachmentTitleForm:
    return AttachmentTitleForm(
        data, prefix=f"attachment-{attachment.pk}", initial={"title": attachment.title}
    )


def _media_page(
    request: HttpRequest,
    practice: Practice,
    *,
    status: int = 200,
    image_form: ImageForm | None = None,
    attachment_form: AttachmentForm | None = None,
    image_forms: dict | None = None,
    attachment_forms: dict | None = None,
) -> HttpResponse:
    """Draw the media page; the forms given (bound, with errors) replace the page's own."""
    images = list(practice.images.all())
    attachments = list(practice.attachments.select_related("document"))
    bound_images = image_forms or {}
    bound_attachments = attachment_forms or {}
    return render(
        request,
        "practices/manage/media.html",
        {
            "practice": practice,
            "images": [
                (image, bound_images.get(image.pk) or _image_form(image)) for image in images
            ],
            "attachments": [
                (attachment, bound_attachments.get(attachment.pk) or _attachment_form(attachment))
                for attachment in attachments
            ],
            "image_form": image_form or ImageForm(prefix="new-image"),
            "attachment_form": attachment_form or AttachmentForm(prefix="new-attachment"),
            "max_images": MAX_IMAGES,
            "max_attachments": MAX_ATTACHMENTS,
            "room_for_images": len(images) < MAX_IMAGES,
            "room_for_attachments": len(attachments) < MAX_ATTACHMENTS,
        },
        status=status,
    )


@login_required
@require_safe
def media(request: HttpRequest, pk: int) -> HttpResponse:
    """The practice's images and attachments, and the forms that add and change them."""
    return _media_page(request, _editable_practice(request, pk))


@require_POST
@login_required
def image_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a picture with its text alternative (``domain.media.add_image``)."""
    practice = _editable_practice(request, pk)
    form = ImageForm(request.POST, request.FILES, prefix="new-image")
    if form.is_valid():
        try:
            add_image(
                practice,
                actor=request.user,
                upload=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
            )
        except PracticeError as error:
            status = _show_add_error(request, error, form)
        else:
            messages.success(request, _("The image is added."))
            return redirect("practices:media", pk=practice.pk)
    else:
        status = 400
    return _media_page(request, practice, image_form=form, status=status)


def _show_add_error(request: HttpRequest, error: PracticeError, form) -> int:
    """Show a refused upload beside its file; any other refusal (one too many) above the page."""
    if error.code == "invalid":
        return show_error(request, error, form, field="file")
    return show_error(request, error)


def _confirmed(request: HttpRequest) -> bool:
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, _("Nothing was deleted: tick the box to confirm."))
    return False


@require_POST
@login_required
def image_change(request: HttpRequest, pk: int, image_id: int) -> HttpResponse:
    """Describe a picture again (``action=save``), move it (``up``, ``down``) or remove it.

    Removing needs ``confirm=yes``.
    """
    practice = _editable_practice(request, pk)
    image = practice.images.filter(pk=image_id).first()
    if image is None:
        raise Http404
    action = request.POST.get("action", "")
    form = _image_form(image, request.POST)
    try:
        if action in MOVES:
            move_image(image, actor=request.user, direction=action)
        elif action == "remove":
            if not _confirmed(request):
                return _media_page(request, practice, status=400)
            remove_image(image, actor=request.user)
            messages.success(request, _("The image is removed."))
        elif action == "save" and form.is_valid():
            update_image(
                image,
                actor=request.user,
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("The image's texts are saved."))
        else:
            return _media_page(request, practice, image_forms={image.pk: form}, status=400)
    except PracticeError as error:
        status = show_error(request, error, form if action == "save" else None)
        return _media_page(request, practice, image_forms={image.pk: form}, status=status)
    return redirect("practices:media", pk=practice.pk)


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document with its title (``domain.media.add_attachment``)."""
    practice = _editable_practice(request, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="new-attachment")
    if form.is_valid():
        try:
            add_attachment(
                practice,
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except PracticeError as error:
            status = _show_add_error(request, error, form)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("practices:media", pk=practice.pk)
    else:
        status = 400
    return _media_page(request, practice, attachment_form=form, status=status)


@require_POST
@login_required
def attachment_change(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Rename an attachment (``action=save``), move it (``up``, ``down``) or remove it.

    Removing needs ``confirm=yes``.
    """
    practice = _editable_practice(request, pk)
    attachment = practice.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    action = request.POST.get("action", "")
    form = _attachment_form(attachment, request.POST)
    try:
        if action in MOVES:
            move_attachment(attachment, actor=request.user, direction=action)
        elif action == "remove":
            if not _confirmed(request):
                return _media_page(request, practice, status=400)
            remove_attachment(attachment, actor=request.user)
            messages.success(request, _("The document is removed."))
        elif action == "save" and form.is_valid():
            update_attachment(attachment, actor=request.user, title=form.cleaned_data["title"])
            messages.success(request, _("The document's title is saved."))
        else:
            return _media_page(
                request, practice, attachment_forms={attachment.pk: form}, status=400
            )
    except PracticeError as error:
        status = show_error(request, error, form if action == "save" else None)
        return _media_page(request, practice, attachment_forms={attachment.pk: form}, status=status)
    return redirect("practices:media", pk=practice.pk)


# The files ---------------------------------------------------------------------


def _file_response(request: HttpRequest, practice: Practice, document, *, inline: bool):
    """Stream ``document`` of ``practice``: cacheable by anyone once published, else private."""
    try:
        handle = private_storage().open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline or request.GET.get("download") == "1",
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    if practice.is_published:
        # Published under an open licence: other sites may show it too.
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response["Vary"] = "Cookie"
    return response


def _visible_image(request: HttpRequest, pk: int, image_id: int) -> tuple[Practice, PracticeImage]:
    practice = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    image = (
        PracticeImage.objects.filter(practice=practice, pk=image_id)
        .select_related("image", "thumbnail")
        .first()
    )
    if image is None:
        raise Http404
    return practice, image


@require_safe
def image_file(request: HttpRequest, pk: int, image_id: int) -> HttpResponse:
    """Serve the large copy of a picture of a practice the person sees (else 404)."""
    practice, image = _visible_image(request, pk, image_id)
    return _file_response(request, practice, image.image, inline=True)


@require_safe
def image_thumbnail(request: HttpRequest, pk: int, image_id: int) -> HttpResponse:
    """Serve the small copy of a picture of a practice the person sees (else 404)."""
    practice, image = _visible_image(request, pk, image_id)
    return _file_response(request, practice, image.thumbnail, inline=True)


@require_safe
def attachment_file(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Serve an attachment of a practice the person sees (else 404); a PDF opens in the browser."""
    practice = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    attachment = (
        PracticeAttachment.objects.filter(practice=practice, pk=attachment_id)
        .select_related("document")
        .first()
    )
    if attachment is None:
        raise Http404
    document = attachment.document
    return _file_response(
        request, practice, document, inline=document.content_type == "application/pdf"
    )
