from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "learningcities.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # Imported for what they register: the datasets, in the order the page lists them.
        from .domain import hooks
        from .domain.datasets import awards, events, network, practices, reports  # noqa: F401

        hooks.connect()
