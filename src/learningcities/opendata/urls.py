"""Open data: the page, the files of each dataset, the data package; webhooks."""

from django.urls import include, path, re_path

from .views import public, webhooks

app_name = "opendata"

_pages = [
    path("", public.index, name="index"),
    path("datapackage.json", public.package, name="datapackage"),
    re_path(r"^catalogue\.(?P<format>ttl|jsonld)$", public.catalogue, name="catalogue"),
    path("snapshots/", public.snapshots, name="snapshots"),
    path(
        "snapshots/<int:pk>/<slug:name>.<slug:format>",
        public.snapshot_file,
        name="snapshot-file",
    ),
    path("<slug:name>.<slug:format>", public.download, name="download"),
]

_webhooks = [
    path("", webhooks.webhooks, name="webhooks"),
    path("<int:pk>/", webhooks.webhook, name="webhook"),
    path("<int:pk>/remove/", webhooks.remove, name="webhook-remove"),
]

urlpatterns = [
    path("open-data/", include(_pages)),
    path("account/webhooks/", include(_webhooks)),
]
