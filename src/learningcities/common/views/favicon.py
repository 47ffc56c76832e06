from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Send browsers asking for /favicon.ico to the site's SVG icon (no 404 in the logs)."""
    return HttpResponsePermanentRedirect(static("lc/img/favicon.svg"))
