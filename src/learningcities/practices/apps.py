from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_clusters(sender, using="default", **kwargs):
    # The seven clusters are reference data: back after a test database's flush too.
    from .enums import ClusterCode
    from .models import Cluster

    for order, code in enumerate(ClusterCode.values, start=1):
        Cluster.objects.using(using).get_or_create(code=code, defaults={"order": order})


def _rebuild_index_after_restore(sender, using="default", **kwargs):
    from .domain.search import rebuild_index

    rebuild_index(using=using)


class PracticesConfig(AppConfig):
    name = "learningcities.practices"
    label = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from learningcities.accounts.domain.work import register_work_part
        from learningcities.accounts.enums import Role
        from learningcities.common.domain.backups import restored
        from learningcities.common.site_search import SearchSection, register_search_section
        from learningcities.common.translated import TranslatableKind, register_translatable
        from learningcities.network.domain.city_sections import CitySection, register_city_section

        from . import rules  # noqa: F401 (adds the permissions)
        from .domain import clusters  # noqa: F401 (adds the cluster and peers permissions)
        from .domain.media import image_translation_saved  # and its document viewer
        from .domain.peers import peers_work
        from .domain.practices import translation_saved
        from .domain.queries import work
        from .domain.queries.clusters import lead_cluster_work, secretariat_cluster_work
        from .domain.revision import practices_revision
        from .enums import PracticeStatus
        from .interfaces.city_sections import city_peers_section, city_practices_section
        from .interfaces.site_search import find_practices, library_url
        from .models import Practice, PracticeImage

        post_migrate.connect(_ensure_clusters, sender=self, dispatch_uid="practices-clusters")
        # The search index is not in the backup: a restore rebuilds it.
        restored.connect(_rebuild_index_after_restore, dispatch_uid="practices-reindex")
        register_work_part(
            "practices.city",
            role=Role.COORDINATOR,
            title=_("Good practices"),
            template="practices/work/city.html",
            build=work.city_work,
            order=110,
        )
        register_work_part(
            "practices.moderation",
            role=Role.SECRETARIAT,
            title=_("Good practices"),
            template="practices/work/moderation.html",
            build=work.moderation_work,
            order=250,
        )
        register_work_part(
            "practices.cluster_requests",
            role=Role.SECRETARIAT,
            title=_("Requests to join a cluster"),
            template="practices/clusters/_work.html",
            build=secretariat_cluster_work,
            order=251,
        )
        register_work_part(
            "practices.cluster_leads",
            role=Role.COORDINATOR,
            title=_("Requests to join the clusters your city leads"),
            template="practices/clusters/_work.html",
            build=lead_cluster_work,
            order=111,
        )
        register_work_part(
            "practices.peers",
            role=Role.COORDINATOR,
            title=_("Cities like yours"),
            template="practices/peers/_work.html",
            build=peers_work,
            order=112,
        )
        register_city_section(
            CitySection(
                key="practices",
                template="practices/city/_practices.html",
                build=city_practices_section,
                revision=practices_revision,
                order=10,
            )
        )
        register_city_section(
            CitySection(
                key="peers",
                template="practices/city/_peers.html",
                build=city_peers_section,
                # Clusters' members move the library's revision; the rest is the register's.
                revision=practices_revision,
                order=20,
            )
        )
        register_search_section(
            SearchSection(
                key="practices",
                title=_("Good practices"),
                search=find_practices,
                more_url=library_url,
                order=10,
            )
        )
        register_translatable(
            TranslatableKind(
                key="practices.practice",
                label=_("Good practices"),
                objects=lambda: Practice.objects.filter(
                    status=PracticeStatus.PUBLISHED, is_synthetic=False
                ),
                url=lambda practice: practice.get_absolute_url(),
                # A translation is found by search, counted in the language facet, shown at once.
                changed=translation_saved,
            )
        )
        register_translatable(
            TranslatableKind(
                key="practices.image",
                label=_("Images of good practices"),
                objects=lambda: PracticeImage.objects.filter(
                    practice__status=PracticeStatus.PUBLISHED, practice__is_synthetic=False
                ).select_related("practice"),
                url=lambda image: image.practice.get_absolute_url(),
                changed=image_translation_saved,
            )
        )
