"""The API's reference page, in the site's frame and language (its content is the schema's)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from learningcities.accounts.enums import Scope
from learningcities.common.markdown import render_markdown
from learningcities.opendata.enums import WEBHOOK_BACKOFF_MINUTES, WebhookEvent

from .reference import api_reference

# How a receiver checks a webhook's signature: code, shown as it is in every language.
SIGNATURE_CHECK = """import hashlib, hmac, time

def verified(secret: str, header: str, body: bytes) -> bool:
    fields = dict(part.split("=", 1) for part in header.split(","))
    message = fields["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(fields["t"])) < 300
    return fresh and hmac.compare_digest(expected, fields["v1"])"""


@require_safe
def reference(request: HttpRequest) -> HttpResponse:
    """Every operation of the REST API (parameters, responses) and every body's schema."""
    ref = api_reference()
    tags = [
        (tag, [(op, render_markdown(op.description)) for op in operations])
        for tag, operations in ref.tags
    ]
    return render(
        request,
        "api/reference.html",
        {
            "reference": ref,
            "tags": tags,
            "introduction": render_markdown(ref.description),
            "scopes": Scope.choices,
            "events": WebhookEvent.choices,
            "retries": len(WEBHOOK_BACKOFF_MINUTES),
            "signature_check": SIGNATURE_CHECK,
        },
    )
