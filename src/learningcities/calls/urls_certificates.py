"""Public URLs that verify a certificate by its number (no login)."""

from django.urls import path

from .views import certificates

urlpatterns = [
    path("", certificates.lookup, name="certificate-lookup"),
    path("<str:number>/", certificates.certificate, name="certificate"),
]
