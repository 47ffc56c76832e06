"""The secretariat's outbox: every message, its status, a retry button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..domain.outbox import OutboxError, retry_message
from ..domain.queries.outbox import (
    outbox_message_for_user,
    outbox_messages_for_user,
    template_codes_in_outbox,
)
from ..enums import OutboxStatus
from ..forms import OutboxFilterForm
from .errors import show_error

PAGE_SIZE = 50


@require_safe
@login_required
@permission_required("common.view_outbox", raise_exception=True)
def outbox(request: HttpRequest) -> HttpResponse:
    """List the outbox, newest first, filtered by status, template and recipient."""
    form = OutboxFilterForm(request.GET or None, template_codes=template_codes_in_outbox())
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = outbox_messages_for_user(
        request.user,
        status=filters.get("status", ""),
        template_code=filters.get("template", ""),
        recipient=filters.get("recipient", ""),
    ).only(
        "pk",
        "recipients",
        "subject",
        "is_sensitive",
        "template_code",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    from django.conf import settings

    # Without a mail transport nothing leaves: say how many messages wait for it.
    held = (
        None
        if settings.LC_MAIL_ENABLED
        else outbox_messages_for_user(request.user, status=OutboxStatus.HELD).count()
    )
    return render(
        request,
        "common/outbox/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "statuses": OutboxStatus,
            "held_count": held,
        },
    )


@require_safe
@login_required
@permission_required("common.view_outbox", raise_exception=True)
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one message: recipients, text, status, attempts and the last error."""
    message = outbox_message_for_user(request.user, pk)
    if message is None:
        raise Http404
    return render(
        request,
        "common/outbox/detail.html",
        {"message": message, "statuses": OutboxStatus, "can_retry": _can_retry(message)},
    )


def _can_retry(message) -> bool:
    from django.conf import settings

    return settings.LC_MAIL_ENABLED and message.status in {
        OutboxStatus.HELD,
        OutboxStatus.FAILED,
        OutboxStatus.QUEUED,
    }


@require_POST
@login_required
@permission_required("common.retry_message", raise_exception=True)
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the message again and send it (CSRF-protected POST)."""
    message = outbox_message_for_user(request.user, pk)
    if message is None:
        raise Http404
    try:
        message = retry_message(message, actor=request.user)
    except OutboxError as error:
        show_error(request, error)  # shown after the redirect
    else:
        messages.success(request, OutboxStatus(message.status).label)
    return redirect("common:outbox-message", pk=pk)
