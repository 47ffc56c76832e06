from django.urls import path

from .views import activity, invitations, profile

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("activity/", activity.own_activity, name="activity"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
]
