"""URLs of events: see urls.py. The public list and archive, and each event's page."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.event_list, name="list"),
    path("<slug:slug>/", public.event_detail, name="event"),
]
