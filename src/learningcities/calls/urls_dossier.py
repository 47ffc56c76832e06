"""URLs of submission dossiers (PDF), mounted at /dossiers/ by calls/urls.py."""

from django.urls import path

from .views.dossier import dossier_pdf

urlpatterns = [
    path("<int:pk>.pdf", dossier_pdf, name="dossier-pdf"),
]
