from django.db import migrations

from learningcities.common.changes import notify_trigger_operation

CLUSTERS = ("esd", "equity", "planning", "gced", "entrepreneurship", "health", "literacy")


def add_rows(apps, schema_editor):
    Cluster = apps.get_model("practices", "Cluster")
    for order, code in enumerate(CLUSTERS, start=1):
        Cluster.objects.get_or_create(code=code, defaults={"order": order})
    apps.get_model("practices", "PracticesRevision").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    """The seven thematic clusters, the library's revision row and its notifications."""

    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(add_rows, migrations.RunPython.noop),
        notify_trigger_operation("practices_practicesrevision"),
    ]
