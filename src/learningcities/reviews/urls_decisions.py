"""URLs of the secretariat's decisions and release of a call (mounted at the site root)."""

from django.urls import path

from .views import decisions, release

urlpatterns = [
    path("workspace/calls/<int:pk>/decisions/", decisions.decisions, name="decisions"),
    path(
        "workspace/calls/<int:pk>/decisions/finish/",
        decisions.finish_reviews,
        name="decisions-finish",
    ),
    path("workspace/calls/<int:pk>/decisions/decide/", decisions.decide, name="decisions-decide"),
    # The release: preview and typed confirmation, then its progress and result.
    path(
        "workspace/calls/<int:pk>/decisions/release/",
        release.preview,
        name="decisions-release",
    ),
    path(
        "workspace/calls/<int:pk>/release/",
        release.status,
        name="decisions-release-status",
    ),
    path(
        "workspace/calls/<int:pk>/release/continue/",
        release.resume,
        name="decisions-release-resume",
    ),
    path(
        "workspace/calls/<int:pk>/release/certificates.zip",
        release.certificates_zip,
        name="decisions-certificates-zip",
    ),
    path(
        "workspace/calls/<int:pk>/release/certificates/<int:certificate_pk>/reissue/",
        release.reissue,
        name="decisions-certificate-reissue",
    ),
]
