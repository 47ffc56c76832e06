from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "learningcities.reports"
    label = "reports"
    verbose_name = _("Progress reports")

    def ready(self):
        from learningcities.common.rules import register_document_viewer
        from learningcities.common.translated import TranslatableKind, register_translatable

        # Imported for what they register: the report's own guards and effects.
        from .domain import standing, transitions  # noqa: F401
        from .models import ReportingCycle
        from .rules import can_view_report_document

        register_document_viewer(can_view_report_document)
        self._register_work()
        # A "Reporting" section of the public city page (standing, accepted cycles).
        from .domain.city_section import register_reporting_section

        register_reporting_section()
        register_translatable(
            TranslatableKind(
                key="reports.cycle",
                label=_("Reporting cycles"),
                objects=lambda: ReportingCycle.objects.filter(is_synthetic=False),
                url=lambda cycle: cycle.get_absolute_url(),
            )
        )

    def _register_work(self):
        from .domain.queries.work_city import register_city_work_parts
        from .domain.queries.work_secretariat import register_secretariat_work_parts

        register_city_work_parts()
        register_secretariat_work_parts()
