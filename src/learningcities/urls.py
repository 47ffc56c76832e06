from django.contrib import admin
from django.urls import include, path

from learningcities.api.urls import api
from learningcities.common import views as common_views

urlpatterns = [
    path("", include("learningcities.network.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("-/health", common_views.health, name="health"),
    path("admin/", admin.site.urls),
]
