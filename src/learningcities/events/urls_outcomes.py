"""URLs of events: see urls.py. Outcome documents: public pages, then the secretariat's."""

from django.urls import path

from .views import outcomes, outcomes_manage

urlpatterns = [
    path("outcomes/", outcomes.outcome_list, name="outcomes"),
    path("outcomes/<int:pk>/", outcomes.outcome_detail, name="outcome"),
    path("outcomes/<int:pk>/files/<slug:language>/", outcomes.outcome_file, name="outcome-file"),
    path("outcomes/<int:pk>/endorse/", outcomes.outcome_endorse, name="outcome-endorse"),
    path("outcomes/<int:pk>/withdraw/", outcomes.outcome_withdraw, name="outcome-withdraw"),
    path("manage/outcomes/new/", outcomes_manage.outcome_create, name="outcome-create"),
    path("manage/outcomes/<int:pk>/", outcomes_manage.outcome_edit, name="outcome-edit"),
    path(
        "manage/outcomes/<int:pk>/files/",
        outcomes_manage.outcome_file_add,
        name="outcome-file-add",
    ),
    path(
        "manage/outcomes/files/<int:pk>/remove/",
        outcomes_manage.outcome_file_remove,
        name="outcome-file-remove",
    ),
    path("manage/outcomes/<int:pk>/share/", outcomes_manage.outcome_share, name="outcome-share"),
    path("manage/outcomes/<int:pk>/adopt/", outcomes_manage.outcome_adopt, name="outcome-adopt"),
]
