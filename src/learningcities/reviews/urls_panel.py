"""URLs of the jury's set-up: the secretariat's panel pages and the juror's ties and recusal."""

from django.urls import path

from .views import exports, panel

urlpatterns = [
    path("workspace/calls/<int:call_pk>/jury/", panel.panel_overview, name="panel"),
    path("workspace/calls/<int:call_pk>/jury/phases/new/", panel.phase_create, name="phase-create"),
    path("workspace/calls/<int:call_pk>/jury/phases/<int:pk>/", panel.phase_edit, name="phase"),
    path(
        "workspace/calls/<int:call_pk>/jury/phases/advance/",
        panel.phase_advance,
        name="phase-advance",
    ),
    path("workspace/calls/<int:call_pk>/jury/jurors/add/", panel.juror_add, name="juror-add"),
    path(
        "workspace/calls/<int:call_pk>/jury/assignments.csv",
        exports.assignments_export,
        name="assignments-export",
    ),
    path(
        "workspace/calls/<int:call_pk>/jury/scores.csv",
        exports.scores_export,
        name="scores-export",
    ),
    path("workspace/calls/<int:call_pk>/jury/assign/", panel.assignment_run, name="auto-assign"),
    path(
        "workspace/calls/<int:call_pk>/jury/submissions/<int:pk>/",
        panel.submission_assignment,
        name="panel-submission",
    ),
    path(
        "workspace/calls/<int:call_pk>/jury/jurors/<int:pk>/",
        panel.juror_ties,
        name="panel-juror",
    ),
    path("jury/ties/", panel.own_ties, name="ties"),
    path("jury/submissions/<int:pk>/recuse/", panel.recuse_submission, name="recuse"),
]
