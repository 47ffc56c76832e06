"""URLs of the endorser's journey (see calls/urls.py), mounted at /endorsements/."""

from django.urls import path

from .views import endorsement

urlpatterns: list = [
    path("", endorsement.queue, name="endorsement-queue"),
    path("history/", endorsement.history, name="endorsement-history"),
    path("<int:pk>/", endorsement.detail, name="endorsement-detail"),
]
