from django.db import models


class NetworkRevision(models.Model):
    """A counter bumped by every write to the register, in the same transaction.

    Cached pages and statistics are keyed by it, so every process sees a change
    at once, whatever cache it runs with.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "network revision"

    def __str__(self) -> str:
        return f"revision {self.number}"
