import logging

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _load_shipped_frameworks(sender, using="default", **kwargs):
    from .domain.errors import FrameworkError
    from .interfaces.yaml_files import load_shipped_frameworks
    from .models import Framework

    # Migrating backwards may leave the tables out.
    if Framework._meta.db_table not in connections[using].introspection.table_names():
        return
    try:
        load_shipped_frameworks()
    except FrameworkError as error:
        # A shipped file edited without a new version: the tests catch it; a
        # migration must not fail over it.
        logger.warning("Shipped framework not loaded: %s", error)


class FrameworksConfig(AppConfig):
    name = "learningcities.frameworks"
    label = "frameworks"
    verbose_name = _("Criteria frameworks")

    def ready(self):
        # Every installation has the shipped frameworks; loading is idempotent
        # and cheap (one query per file when they are loaded already).
        post_migrate.connect(
            _load_shipped_frameworks, sender=self, dispatch_uid="frameworks-load-shipped"
        )
        from learningcities.common.translated import TranslatableKind, register_translatable

        from .domain.queries.frameworks import framework_rows
        from .models import Framework

        register_translatable(
            TranslatableKind(
                key="frameworks.framework",
                label=_("Criteria frameworks"),
                objects=lambda: Framework.objects.all(),
                rows=framework_rows,
                editable=False,
                url=lambda framework: framework.get_absolute_url(),
            )
        )
