from django.db import migrations

from learningcities.common.changes import notify_trigger_operation


class Migration(migrations.Migration):
    """Writes to the register's revision notify the processes that keep it (common.changes)."""

    dependencies = [("network", "0004_translations")]

    operations = [notify_trigger_operation("network_networkrevision")]
