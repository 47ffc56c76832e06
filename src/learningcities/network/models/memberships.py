from django.db import models
from django.utils.translation import gettext_lazy as _

from ..dates import format_partial, format_partial_iso
from ..enums import DatePrecision, MembershipStatus


class Membership(models.Model):
    """One period of membership of a city; a re-admitted city has several."""

    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined"), help_text=_("The first day of the period given."))
    joined_precision = models.CharField(
        _("precision of the joining date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    # A partial date counts from the last day of the period it names (DESIGN.md).
    member_from = models.DateField(_("member from"), editable=False, db_index=True)
    cohort = models.ForeignKey(
        "network.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, db_index=True)
    end_reason = models.TextField(_("reason for the end"), max_length=1000, blank=True)
    # A member that owes a progress report long overdue is on hold (the reports app
    # sets and lifts it): still a member, left out of the list of active members.
    on_hold_since = models.DateField(_("on hold since"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member_from", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["city"],
                condition=models.Q(status=MembershipStatus.ACTIVE),
                name="network_membership_one_active_per_city",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=MembershipStatus.ACTIVE, ended_on__isnull=True)
                    | (~models.Q(status=MembershipStatus.ACTIVE) & models.Q(ended_on__isnull=False))
                ),
                name="network_membership_end_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gt=models.F("member_from")),
                name="network_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} ({self.joined_display})"

    @property
    def joined_display(self) -> str:
        return format_partial(self.joined_on, self.joined_precision)

    @property
    def joined_iso(self) -> str:
        return format_partial_iso(self.joined_on, self.joined_precision)
