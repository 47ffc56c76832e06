"""URLs of the secretariat's calls (see calls/urls.py), mounted at /workspace/calls/."""

from django.urls import path

from .views import secretariat

urlpatterns: list = [
    path("", secretariat.call_list, name="secretariat-calls"),
    path("new/", secretariat.call_create, name="secretariat-call-create"),
    path("<int:pk>/", secretariat.call_dashboard, name="secretariat-call"),
    path("<int:pk>/export.csv", secretariat.call_export, name="secretariat-call-export"),
    path(
        "submissions/<int:pk>/",
        secretariat.submission_screening,
        name="secretariat-submission",
    ),
]
