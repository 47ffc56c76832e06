from django.urls import include, path

app_name = "reviews"

urlpatterns = [
    # The secretariat's jury pages: panel, phases, ties, assignment (workspace/calls/<pk>/jury/…).
    path("", include("learningcities.reviews.urls_panel")),
    # The juror's workspace, review form, dossier, ties (jury/…).
    path("", include("learningcities.reviews.urls_jury")),
    # Ranking, staged decisions and release (workspace/calls/<pk>/…).
    path("", include("learningcities.reviews.urls_decisions")),
]
