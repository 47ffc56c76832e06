"""URLs of what the secretariat learns from an event (views/statistics.py), in the workspace."""

from django.urls import path

from .views import statistics

urlpatterns = [
    path("<slug:slug>/statistics/", statistics.event_statistics_page, name="statistics"),
    path("<slug:slug>/prospects/", statistics.prospects, name="prospects"),
    path("<slug:slug>/prospects.csv", statistics.prospects_csv, name="prospects-csv"),
]
