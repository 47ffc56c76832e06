from django.urls import path

from .views import invitations, profile

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
]
