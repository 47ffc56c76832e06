from django.urls import path

from .views import activity, home, invitations, language, profile, tokens

app_name = "accounts"

urlpatterns = [
    path("my-work/", home.my_work, name="my-work"),
    path("profile/", profile.profile, name="profile"),
    path("language/", language.choose_language, name="language"),
    path("activity/", activity.own_activity, name="activity"),
    path("api-tokens/", tokens.tokens, name="api-tokens"),
    path("api-tokens/<int:pk>/", tokens.token, name="api-token"),
    path("api-tokens/<int:pk>/revoke/", tokens.revoke, name="api-token-revoke"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
]
