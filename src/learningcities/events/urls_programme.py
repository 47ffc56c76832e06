"""URLs of events: see urls.py. The programme: schedule, agenda, sign-ups and feeds."""

from django.urls import path

from .views import programme

urlpatterns = [
    path("<slug:slug>/programme/", programme.programme, name="programme"),
    path("<slug:slug>/programme.ics", programme.programme_ics, name="programme-ics"),
    path("<slug:slug>/agenda/", programme.agenda, name="agenda"),
    path("<slug:slug>/agenda/<str:token>.ics", programme.agenda_ics, name="agenda-ics"),
    path(
        "<slug:slug>/sessions/<int:pk>/sign-up/",
        programme.session_sign_up,
        name="session-sign-up",
    ),
    path("<slug:slug>/sessions/<int:pk>/cancel/", programme.session_cancel, name="session-cancel"),
    path("<slug:slug>/sessions/<int:pk>/accept/", programme.session_accept, name="session-accept"),
    path(
        "<slug:slug>/sessions/<int:pk>/decline/",
        programme.session_decline,
        name="session-decline",
    ),
]
