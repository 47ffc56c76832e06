"""The jurors of a call, as an audience the secretariat may write to (calls.domain.messages).

Registered from ``ReviewsConfig.ready()``: calls sits below reviews and offers
the registry, so it never imports this app.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.enums import Role
from learningcities.calls.domain.messages import register_audience

from ...models import Assignment


def call_jurors(call, submissions: QuerySet, filtered: bool) -> QuerySet:
    """Return the active jurors of ``call``'s panel (none without a panel).

    With filters, only those assigned to one of ``submissions``.
    """
    people = get_user_model().objects.filter(
        is_active=True,
        affiliations__role=Role.JUROR,
        affiliations__organisation__panels__call=call,
    )
    if filtered:
        people = people.filter(
            pk__in=Assignment.objects.filter(
                panel__call=call, submission__in=submissions.values("pk")
            ).values("juror_id")
        )
    return people


def register_juror_audience() -> None:
    """Add the ``jurors`` audience to the messages of calls."""
    register_audience("jurors", _("Jurors (the call's jury panel)"), call_jurors)
