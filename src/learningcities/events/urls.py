"""URLs of events; each audience's views have a module of their own."""

from django.urls import include, path

app_name = "events"

urlpatterns = [
    path("events/", include("learningcities.events.urls_programme")),
    path("events/", include("learningcities.events.urls_registration")),
    path("events/", include("learningcities.events.urls_outcomes")),
    # Last: its event page (events/<slug>/) would shadow the fixed addresses above.
    path("events/", include("learningcities.events.urls_public")),
    path("workspace/events/", include("learningcities.events.urls_manage")),
    path("workspace/events/", include("learningcities.events.urls_desk")),
    path("workspace/events/", include("learningcities.events.urls_participants")),
    path("workspace/events/", include("learningcities.events.urls_programme_manage")),
    path("workspace/events/", include("learningcities.events.urls_statistics")),
]
