from django.db import migrations

from learningcities.common.changes import notify_trigger_operation


class Migration(migrations.Migration):
    """Writes to people and organisations notify the processes that keep them (common.changes)."""

    dependencies = [("accounts", "0003_alter_user_language")]

    operations = [
        notify_trigger_operation("accounts_user"),
        notify_trigger_operation("accounts_organisation"),
    ]
