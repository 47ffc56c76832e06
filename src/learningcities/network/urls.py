from django.urls import path

from .views import public

app_name = "network"

urlpatterns = [
    path("", public.home, name="home"),
]
