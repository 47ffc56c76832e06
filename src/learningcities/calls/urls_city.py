"""URLs of the city coordinator's applications (see calls/urls.py)."""

from django.urls import path

from .views import city

urlpatterns: list = [
    path("applications/", city.applications, name="city-applications"),
    path("applications/<int:pk>/", city.application, name="city-application"),
    path("applications/<int:pk>/profile/", city.profile, name="city-profile"),
    path("applications/<int:pk>/section/<str:code>/", city.section, name="city-section"),
    path("applications/<int:pk>/preview/", city.preview, name="city-preview"),
]
