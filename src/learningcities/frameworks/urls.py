from django.urls import path

from . import views

app_name = "frameworks"

urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<slug:code>/<str:version>/", views.framework_detail, name="detail"),
]
