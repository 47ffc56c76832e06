"""The clusters' pages and cities like mine (included by ``practices.urls``)."""

from django.urls import path

from .views import clusters, peers

urlpatterns = [
    path("clusters/", clusters.cluster_list, name="clusters"),
    path("clusters/<slug:code>/", clusters.cluster_detail, name="cluster"),
    path("clusters/<slug:code>/join/", clusters.cluster_join, name="cluster-join"),
    path(
        "clusters/<slug:code>/requests/<int:pk>/decide/",
        clusters.cluster_decide,
        name="cluster-decide",
    ),
    path("clusters/<slug:code>/cities/<int:pk>/role/", clusters.cluster_role, name="cluster-role"),
    path("clusters/<slug:code>/message/", clusters.cluster_message, name="cluster-message"),
    path("cities/<int:pk>/peers/", peers.city_peers, name="peers"),
    path("cities/<int:pk>/write/", peers.contact_city, name="contact-city"),
]
