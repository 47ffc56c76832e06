"""URLs of the juror's pages (jury/…) and the secretariat's ranking (workspace/calls/<pk>/…)."""

from django.urls import path

from .views import jury, ranking

urlpatterns = [
    path("jury/", jury.workspace, name="jury-workspace"),
    path("jury/submissions/<int:pk>/", jury.review_submission, name="jury-review"),
    path("jury/submissions/<int:pk>/dossier.pdf", jury.dossier_pdf, name="jury-dossier"),
    path("workspace/calls/<int:call_pk>/ranking/", ranking.ranking, name="ranking"),
    path(
        "workspace/calls/<int:call_pk>/ranking.csv", ranking.ranking_export, name="ranking-export"
    ),
]
