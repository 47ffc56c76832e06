"""URLs of registration: delegations, delegates, a person's registrations, approvals."""

from django.urls import path

from .views import registration as views

urlpatterns = [
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/delegation/", views.open_delegation, name="open-delegation"),
    path("<slug:slug>/register/as/<int:category_pk>/", views.register_self, name="register-self"),
    path("delegations/<int:pk>/", views.delegation_detail, name="delegation"),
    path("delegations/<int:pk>/add/<int:category_pk>/", views.add_delegate, name="delegate-add"),
    path("registrations/", views.my_registrations, name="my-registrations"),
    path("registrations/approvals/", views.approvals, name="approvals"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/move/", views.move, name="registration-move"),
    path("registrations/<int:pk>/substitute/", views.substitute, name="substitute"),
    path("registrations/link/<str:token>/", views.registration_by_token, name="registration-token"),
    path(
        "registrations/link/<str:token>/move/", views.move_by_token, name="registration-token-move"
    ),
]
