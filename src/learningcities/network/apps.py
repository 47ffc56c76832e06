from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_countries(sender, using="default", **kwargs):
    from .domain.countries import sync_countries

    sync_countries()


class NetworkConfig(AppConfig):
    name = "learningcities.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self):
        # The country list is reference data, kept in step with the code on
        # every migrate (and after a test database flush).
        post_migrate.connect(_sync_countries, sender=self, dispatch_uid="network-sync-countries")
        from learningcities.common.site_search import SearchSection, register_search_section
        from learningcities.common.translated import TranslatableKind, register_translatable

        from .domain.revision import bump_network_revision
        from .interfaces.site_search import directory_url, find_cities
        from .models import Cohort

        register_search_section(
            SearchSection(
                key="cities",
                title=_("Cities"),
                search=find_cities,
                more_url=directory_url,
                order=20,
            )
        )
        register_translatable(
            TranslatableKind(
                key="network.cohort",
                label=_("Cohorts"),
                objects=lambda: Cohort.objects.filter(is_synthetic=False),
                url=lambda cohort: cohort.get_absolute_url(),
                changed=lambda cohort: bump_network_revision(),
            )
        )
