"""The library of good practices, its clusters and feeds; a city's and the secretariat's pages."""

from django.urls import include, path

from .views import library, manage, media, moderation

app_name = "practices"

urlpatterns = [
    path("practices/", library.library, name="library"),
    path("practices/<int:pk>/", library.practice, name="practice"),
    path("practices/<int:pk>/revisions/", library.revisions, name="revisions"),
    path("practices/<int:pk>/images/<int:image_id>/", media.image_file, name="image"),
    path(
        "practices/<int:pk>/images/<int:image_id>/small/",
        media.image_thumbnail,
        name="image-thumbnail",
    ),
    path(
        "practices/<int:pk>/attachments/<int:attachment_id>/",
        media.attachment_file,
        name="attachment",
    ),
    path("workspace/practices/", manage.city_practices, name="city-practices"),
    path("workspace/practices/new/", manage.create, name="create"),
    path("workspace/practices/<int:pk>/edit/", manage.edit, name="edit"),
    path("workspace/practices/<int:pk>/move/", manage.move, name="move"),
    path("workspace/practices/<int:pk>/media/", media.media, name="media"),
    path("workspace/practices/<int:pk>/images/", media.image_add, name="image-add"),
    path(
        "workspace/practices/<int:pk>/images/<int:image_id>/",
        media.image_change,
        name="image-change",
    ),
    path("workspace/practices/<int:pk>/attachments/", media.attachment_add, name="attachment-add"),
    path(
        "workspace/practices/<int:pk>/attachments/<int:attachment_id>/",
        media.attachment_change,
        name="attachment-change",
    ),
    path(
        "workspace/applications/answers/<int:pk>/practice/",
        manage.from_answer,
        name="from-answer",
    ),
    path("workspace/practices/moderation/", moderation.queue, name="moderation"),
    path("", include("learningcities.practices.urls_clusters")),
    path("", include("learningcities.practices.urls_feeds")),
]
