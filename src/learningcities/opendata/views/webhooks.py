"""Webhooks: an organisation's people subscribe addresses, read each delivery, remove them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcities.accounts.domain.tokens import organisations_for_tokens
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.views.errors import show_error

from ..domain.webhooks import WebhookError, create_webhook, delete_webhook, webhooks_for_user
from ..enums import WebhookEvent
from ..interfaces.forms import WebhookForm

# The most recent deliveries a webhook's page lists.
DELIVERIES_SHOWN = 100


def _events(webhook) -> list[str]:
    labels = dict(WebhookEvent.choices)
    return [str(labels.get(event, event)) for event in webhook.events]


@permission_required("opendata.view_webhooks")
def webhooks(request: HttpRequest) -> HttpResponse:
    """List the webhooks the person may see; add one (its secret is shown on the answer only)."""
    organisations = [organisation for organisation, _s in organisations_for_tokens(request.user)]
    form = WebhookForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST" and organisations and form.is_valid():
        try:
            webhook, secret = create_webhook(
                form.organisations[form.cleaned_data["organisation"]],
                actor=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except WebhookError as error:
            status = show_error(request, error, form, field="url")
        else:
            response = render(
                request,
                "opendata/webhook_created.html",
                {"webhook": webhook, "secret": secret, "events": _events(webhook)},
            )
            response["Cache-Control"] = "no-store"
            return response
    elif request.method == "POST":
        status = 400
    rows = [
        {"webhook": webhook, "events": _events(webhook)}
        for webhook in webhooks_for_user(request.user)
    ]
    return render(
        request,
        "opendata/webhooks.html",
        {"form": form, "may_add": bool(organisations), "rows": rows},
        status=status,
    )


@permission_required("opendata.view_webhooks")
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    """One webhook: its events and its latest deliveries with their answers."""
    found = get_object_for_user_or_404(request.user, webhooks_for_user, pk=pk)
    return render(
        request,
        "opendata/webhook.html",
        {
            "webhook": found,
            "events": _events(found),
            "deliveries": list(found.deliveries.order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]),
        },
    )


@require_POST
@permission_required("opendata.view_webhooks")
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a webhook and its deliveries."""
    found = get_object_for_user_or_404(request.user, webhooks_for_user, pk=pk)
    try:
        delete_webhook(found, actor=request.user)
    except WebhookError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The webhook to %(url)s is removed.") % {"url": found.url})
    return redirect("opendata:webhooks")
