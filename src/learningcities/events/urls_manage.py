"""URLs of events: see urls.py. The secretariat's pages of events (``views.manage``)."""

from django.urls import path

from .views import manage

urlpatterns = [
    path("", manage.event_list, name="manage-list"),
    path("new/", manage.event_create, name="manage-create"),
    path("<slug:slug>/", manage.event_edit, name="manage-edit"),
    path("<slug:slug>/status/", manage.event_move, name="manage-status"),
    path("<slug:slug>/venues/", manage.venue_list, name="manage-venues"),
    path("<slug:slug>/venues/<int:venue_pk>/", manage.venue_edit, name="manage-venue-edit"),
    path(
        "<slug:slug>/venues/<int:venue_pk>/delete/",
        manage.venue_delete,
        name="manage-venue-delete",
    ),
    path("<slug:slug>/rooms/<int:room_pk>/", manage.room_edit, name="manage-room-edit"),
    path("<slug:slug>/rooms/<int:room_pk>/delete/", manage.room_delete, name="manage-room-delete"),
    path("<slug:slug>/categories/", manage.category_list, name="manage-categories"),
    path("<slug:slug>/categories/new/", manage.category_create, name="manage-category-create"),
    path(
        "<slug:slug>/categories/<int:category_pk>/",
        manage.category_edit,
        name="manage-category-edit",
    ),
    path(
        "<slug:slug>/categories/<int:category_pk>/delete/",
        manage.category_delete,
        name="manage-category-delete",
    ),
]
