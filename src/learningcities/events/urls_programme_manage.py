"""URLs of events: see urls.py. The secretariat's editing of a programme (/workspace/events/)."""

from django.urls import path

from .views import programme_manage as views

urlpatterns = [
    path("<slug:slug>/programme/", views.programme_manage, name="programme-manage"),
    path("<slug:slug>/programme/new/", views.session_create, name="programme-session-create"),
    path("<slug:slug>/programme/<int:pk>/", views.session_edit, name="programme-session-edit"),
    path(
        "<slug:slug>/programme/<int:pk>/delete/",
        views.session_delete,
        name="programme-session-delete",
    ),
    path(
        "<slug:slug>/programme/<int:pk>/presentations/new/",
        views.presentation_create,
        name="programme-presentation-create",
    ),
    path(
        "<slug:slug>/programme/presentations/<int:pk>/",
        views.presentation_edit,
        name="programme-presentation-edit",
    ),
    path(
        "<slug:slug>/programme/presentations/<int:pk>/delete/",
        views.presentation_delete,
        name="programme-presentation-delete",
    ),
]
