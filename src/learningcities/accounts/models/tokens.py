from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A key for a partner's program to use the API on behalf of an organisation.

    It acts as the person who made it, within its scopes, for as long as that
    person holds a role in the organisation, until it expires or is revoked.
    Only a hash of the key is stored: the key is shown once, when made.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    # The key's first characters, to tell tokens apart in lists and logs.
    prefix = models.CharField(_("key begins"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiTokenUse(models.Model):
    """One request made with a token: the usage log its organisation reads."""

    token = models.ForeignKey(
        ApiToken, verbose_name=_("API token"), on_delete=models.CASCADE, related_name="uses"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("address"), max_length=300)
    status = models.PositiveSmallIntegerField(_("answer"))
    address = models.GenericIPAddressField(_("from"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="accounts_token_use_recent")]
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
