"""URLs of an event's participant list (the secretariat's and the host organisers')."""

from django.urls import path

from .views import participants as views

urlpatterns = [
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/participants.csv", views.participants_csv, name="participants-csv"),
]
