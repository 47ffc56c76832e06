"""URLs of the offline workbook of an application (mounted at /applications/, see calls/urls.py)."""

from django.urls import path

from .views import workbook

urlpatterns: list = [
    path("<int:pk>/workbook.xlsx", workbook.download, name="workbook-download"),
    path("<int:pk>/workbook/", workbook.upload, name="workbook-upload"),
]
