"""URLs of membership calls; each audience's views have a module of their own."""

from django.urls import include, path

app_name = "calls"

urlpatterns = [
    path("", include("learningcities.calls.urls_city")),
    path("endorsements/", include("learningcities.calls.urls_endorsement")),
    path("workspace/calls/", include("learningcities.calls.urls_secretariat")),
    path("dossiers/", include("learningcities.calls.urls_dossier")),
    path("applications/", include("learningcities.calls.urls_workbook")),
]
