from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..enums import ClusterCode, ClusterRequestStatus, ClusterRole


class Cluster(models.Model):
    """One of the network's thematic clusters; its name comes from ``ClusterCode``."""

    code = models.CharField(_("code"), max_length=30, choices=ClusterCode.choices, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("practices:cluster", kwargs={"code": self.code})

    @property
    def name(self) -> str:
        return ClusterCode(self.code).label


class ClusterMembership(models.Model):
    """A city in a cluster: asked to join, a member, or a lead city."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="cluster_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=ClusterRole.choices, default=ClusterRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ClusterRequestStatus.choices,
        default=ClusterRequestStatus.REQUESTED,
    )
    motivation = models.TextField(_("why the city wants to join"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["cluster__order", "city__name"]
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "city"], name="practices_one_cluster_city")
        ]

    def __str__(self) -> str:
        return f"{self.city} in {self.cluster}"


class ContactRequest(models.Model):
    """A message from one city to another, relayed by the platform (no address is shown)."""

    from_city = models.ForeignKey(
        "network.City", on_delete=models.CASCADE, related_name="contact_requests_sent"
    )
    to_city = models.ForeignKey(
        "network.City", on_delete=models.CASCADE, related_name="contact_requests_received"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self) -> str:
        return f"{self.from_city_id} -> {self.to_city_id}"
