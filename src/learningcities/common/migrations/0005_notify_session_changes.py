from django.db import migrations

from learningcities.common.changes import notify_trigger_operation


class Migration(migrations.Migration):
    """Writes to sessions notify the processes that keep them (common.sessions, common.changes)."""

    dependencies = [
        ("common", "0004_mail_template_source_digest"),
        ("sessions", "0001_initial"),
    ]

    operations = [notify_trigger_operation("django_session")]
