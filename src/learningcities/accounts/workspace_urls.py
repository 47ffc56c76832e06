"""The secretariat's workspace, under /workspace/ (the outbox and mail templates are common's)."""

from django.urls import path

from .views import activity, workspace

app_name = "workspace"

urlpatterns = [
    path("", workspace.dashboard, name="home"),
    path("organisations/", workspace.organisations, name="organisations"),
    path("organisations/new/", workspace.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", workspace.organisation_detail, name="organisation"),
    path("people/", workspace.people, name="people"),
    path("people/<int:pk>/", workspace.person_detail, name="person"),
    path(
        "people/<int:pk>/affiliations/<int:affiliation_pk>/remove/",
        workspace.affiliation_remove,
        name="affiliation-remove",
    ),
    path("invitations/", workspace.invitations, name="invitations"),
    path("invitations/new/", workspace.invitation_create, name="invitation-create"),
    path("invitations/<int:pk>/resend/", workspace.invitation_resend, name="invitation-resend"),
    path("invitations/<int:pk>/revoke/", workspace.invitation_revoke, name="invitation-revoke"),
    path("activity/", activity.workspace_activity, name="activity"),
]
