from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_mail_templates(sender, using="default", **kwargs):
    from .domain.outbox import sync_mail_templates

    sync_mail_templates()


class CommonConfig(AppConfig):
    # The module holds a second AppConfig (StaticFilesConfig below): say which is the app's.
    default = True
    name = "learningcities.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)

        # Shipped mail templates are kept in step with the code on every migrate
        # (and after a test database flush); edited ones are left alone.
        post_migrate.connect(
            _sync_mail_templates, sender=self, dispatch_uid="common-sync-mail-templates"
        )


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, leaving out the front-end packages' files no page uses.

    ``collectstatic`` compresses (brotli, gzip) every file it collects; the
    finer world outlines, the unminified sources of the packages and django-ninja's
    unused ReDoc would take
    most of its time for nothing.
    """

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "countries-10m.json",
        "countries-50m.json",
        "land-*.json",
        "*-src.js",
        "*-src.js.map",
        "*-src.esm.js",
        "*-src.esm.js.map",
        "WhereAreTheJavascriptFiles.txt",
        "redoc.standalone.js*",  # the API documentation is Swagger UI
    ]
