"""URLs of the secretariat's calls (see calls/urls.py), mounted at /workspace/calls/."""

from django.urls import path

from .views import secretariat

urlpatterns: list = [
    path("", secretariat.call_list, name="secretariat-calls"),
    path("new/", secretariat.call_create, name="secretariat-call-create"),
    path("<int:pk>/", secretariat.call_dashboard, name="secretariat-call"),
    path("<int:pk>/export.csv", secretariat.call_export, name="secretariat-call-export"),
    path("<int:pk>/edit/", secretariat.call_edit, name="secretariat-call-edit"),
    path(
        "<int:pk>/attachments/",
        secretariat.call_attachment_add,
        name="secretariat-call-attachment-add",
    ),
    path(
        "attachments/<int:pk>/remove/",
        secretariat.call_attachment_remove,
        name="secretariat-call-attachment-remove",
    ),
    path("<int:pk>/message/", secretariat.call_message, name="secretariat-call-message"),
    path(
        "submissions/<int:pk>/deadline/",
        secretariat.submission_extend,
        name="secretariat-submission-extend",
    ),
    path(
        "submissions/<int:pk>/",
        secretariat.submission_screening,
        name="secretariat-submission",
    ),
]
