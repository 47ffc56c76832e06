"""URLs of membership calls; each audience's views have a module of their own."""

from django.urls import include, path

from .views import attachments, public

app_name = "calls"

urlpatterns = [
    path("join/", public.join, name="join"),
    path("join/calls/<int:pk>/", public.call_detail, name="join-call"),
    path("calls/attachments/<int:pk>/", attachments.attachment_file, name="call-attachment"),
    path("certificates/", include("learningcities.calls.urls_certificates")),
    path("", include("learningcities.calls.urls_city")),
    path("endorsements/", include("learningcities.calls.urls_endorsement")),
    path("workspace/calls/", include("learningcities.calls.urls_secretariat")),
    path("dossiers/", include("learningcities.calls.urls_dossier")),
    path("applications/", include("learningcities.calls.urls_workbook")),
]
