from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "learningcities.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    # Variables of our mail templates that hold a one-time link: a subject never
    # carries them, and the message is hidden in the outbox (common.domain.outbox).
    personal_link_variables = {"accounts.invitation": {"link"}}

    def ready(self):
        from learningcities.common import api_http

        from . import signals
        from .domain.tokens import key_is_live

        signals.connect()
        api_http.token_is_live = key_is_live
