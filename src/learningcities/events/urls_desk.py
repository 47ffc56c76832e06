"""URLs of the registration desks, badges and letters (views/desk.py), under /workspace/events/."""

from django.urls import path

from .views import desk

urlpatterns = [
    path("<slug:slug>/desk/", desk.desk, name="desk"),
    path("<slug:slug>/desk/counts/", desk.desk_counts, name="desk-counts"),
    path("<slug:slug>/desk/<int:pk>/check-in/", desk.desk_check_in, name="desk-check-in"),
    path("<slug:slug>/desk/<int:pk>/undo/", desk.desk_undo_check_in, name="desk-undo-check-in"),
    path("<slug:slug>/badges/", desk.badges, name="badges"),
    path("letters/<int:pk>/<str:kind>/", desk.letter, name="letter"),
]
