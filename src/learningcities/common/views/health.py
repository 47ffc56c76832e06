from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Answer "ok": for load balancers, and the hello-world ceiling of the benchmark."""
    return HttpResponse("ok", content_type="text/plain")
