from django.urls import path

from .views import directory, home, maps, register, statistics

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
]
