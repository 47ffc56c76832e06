from django.urls import path

from .views import directory, home, maps, register, statistics, workspace

app_name = "network"

urlpatterns = [
    path("", home.home, name="home"),
    path("cities/", directory.directory, name="directory"),
    path("cities/<int:pk>/", register.city_detail, name="city"),
    path("map/", maps.map_page, name="map"),
    path("map/members.geojson", maps.map_data, name="map-data"),
    path("countries/", register.countries, name="countries"),
    path("countries/<str:code>/", register.country_detail, name="country"),
    path("cohorts/", register.cohorts, name="cohorts"),
    path("cohorts/<slug:slug>/", register.cohort_detail, name="cohort"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/growth.csv", statistics.statistics_csv, name="statistics-csv"),
    # The secretariat's register screens.
    path("workspace/register/", workspace.register, name="register"),
    path("workspace/register/cities/<int:pk>/", workspace.register_city, name="register-city"),
    path(
        "workspace/register/memberships/<int:pk>/end/",
        workspace.membership_end,
        name="register-membership-end",
    ),
    path("workspace/register/places/", workspace.places, name="register-places"),
    path("workspace/register/places/<int:pk>/", workspace.place, name="register-place"),
]
