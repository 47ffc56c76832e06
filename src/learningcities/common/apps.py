from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_mail_templates(sender, using="default", **kwargs):
    from .domain.outbox import sync_mail_templates

    sync_mail_templates()


class CommonConfig(AppConfig):
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
