from django.db import migrations

from learningcities.common.changes import notify_trigger_operation


class Migration(migrations.Migration):
    """Writes to progress reports notify the processes that key pages by them (common.changes)."""

    dependencies = [("reports", "0002_report_practice")]

    operations = [notify_trigger_operation("reports_progressreport")]
