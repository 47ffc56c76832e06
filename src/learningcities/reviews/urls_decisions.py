"""URLs of the secretariat's decisions and release of a call (mounted at the site root)."""

from django.urls import path

from .views import decisions

urlpatterns = [
    path("workspace/calls/<int:pk>/decisions/", decisions.decisions, name="decisions"),
    path(
        "workspace/calls/<int:pk>/decisions/finish/",
        decisions.finish_reviews,
        name="decisions-finish",
    ),
    path("workspace/calls/<int:pk>/decisions/decide/", decisions.decide, name="decisions-decide"),
    path(
        "workspace/calls/<int:pk>/decisions/release/",
        decisions.release,
        name="decisions-release",
    ),
]
