from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from learningcities.api import views as api_views
from learningcities.api.urls import api
from learningcities.common import views as common_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("-/health", common_views.health, name="health"),
    path("favicon.ico", common_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
# Public pages carry their language in the URL (/fr/cities/; English without a
# prefix), so a cached page never depends on a cookie or a header.
urlpatterns += i18n_patterns(
    # First: every address of events starts with events/ or workspace/events/,
    # so the others pass it at once, and the public programme (a page served
    # from the cache) is found without walking the other apps' patterns.
    path("", include("learningcities.events.urls")),
    # Second: the library's pages are served from the cache too (its other
    # addresses, clusters/ and cities/<id>/peers/, match no other app's).
    path("", include("learningcities.practices.urls")),
    # Third: progress reports, grouped under their three first segments; then open data.
    path("", include("learningcities.reports.urls")),
    path("", include("learningcities.opendata.urls")),
    path("open-data/api/", api_views.reference, name="api-reference"),
    path("account/", include("learningcities.accounts.urls")),
    path("account/", include("allauth.urls")),
    path("workspace/", include("learningcities.accounts.workspace_urls")),
    path("", include("learningcities.common.urls")),  # workspace outbox, documents
    path("", include("learningcities.network.urls")),
    path("", include("learningcities.frameworks.urls")),
    path("", include("learningcities.calls.urls")),
    path("", include("learningcities.reviews.urls")),
    prefix_default_language=False,
)
