from django.db import migrations

from learningcities.common.changes import notify_trigger_operation


class Migration(migrations.Migration):
    """Writes to events (their programme revision) notify the processes that keep it (common.changes)."""

    dependencies = [("events", "0002_presentation_call")]

    operations = [notify_trigger_operation("events_event")]
