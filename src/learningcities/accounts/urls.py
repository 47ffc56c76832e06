from django.urls import path

from .views import activity, home, invitations, profile

app_name = "accounts"

urlpatterns = [
    path("my-work/", home.my_work, name="my-work"),
    path("profile/", profile.profile, name="profile"),
    path("activity/", activity.own_activity, name="activity"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
]
