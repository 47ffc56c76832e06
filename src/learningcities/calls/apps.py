from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "learningcities.calls"
    label = "calls"
    verbose_name = _("Calls and submissions")

    def ready(self):
        # "My work" (accounts) cannot import calls: calls tells it what waits here.
        from learningcities.accounts.domain.work import register_work_part
        from learningcities.accounts.enums import Role
        from learningcities.common.translated import TranslatableKind, register_translatable

        # The submission machine's own guards, registered on import, before any
        # other app's (``domain.transitions.register_calls_rules``).
        from .domain import transitions  # noqa: F401 (imported to register)
        from .domain.queries import work
        from .domain.revision import bump_call_revision
        from .models import Call

        register_translatable(
            TranslatableKind(
                key="calls.call",
                label=_("Calls"),
                objects=lambda: Call.objects.order_by("-opens_at", "pk"),
                url=lambda call: reverse("calls:secretariat-call", kwargs={"pk": call.pk}),
                changed=lambda call: bump_call_revision(call.pk),
            )
        )
        register_work_part(
            "calls.screening",
            role=Role.SECRETARIAT,
            title=_("Applications to screen and endorsements overdue"),
            template="calls/work/secretariat.html",
            build=work.secretariat_calls_work,
            order=100,
        )
        register_work_part(
            "calls.endorsements",
            role=Role.ENDORSER,
            title=_("Applications to endorse"),
            template="calls/work/endorser.html",
            build=work.endorser_work,
        )
        register_work_part(
            "calls.applications",
            role=Role.COORDINATOR,
            title=_("Your cities' applications"),
            template="calls/work/coordinator.html",
            build=work.coordinator_work,
        )
