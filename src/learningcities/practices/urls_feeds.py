"""RSS and Atom feeds of the library: all published practices, a cluster's, a country's.

The country feeds sit under the register's country page (network's
``countries/<code>/``), one level deeper, so the two never match the same path.
"""

from django.urls import path

from . import feeds

urlpatterns = [
    path("practices/feed/rss/", feeds.library_rss, name="feed-rss"),
    path("practices/feed/atom/", feeds.library_atom, name="feed-atom"),
    path("clusters/<slug:code>/feed/rss/", feeds.cluster_rss, name="cluster-feed-rss"),
    path("clusters/<slug:code>/feed/atom/", feeds.cluster_atom, name="cluster-feed-atom"),
    path("countries/<str:code>/practices/feed/rss/", feeds.country_rss, name="country-feed-rss"),
    path("countries/<str:code>/practices/feed/atom/", feeds.country_atom, name="country-feed-atom"),
]
