from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "learningcities.accounts.console"
    label = "accounts_console"
    verbose_name = _("Console commands")
