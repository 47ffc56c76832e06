"""Assignment and recusal entries of the activity log no longer belong to the city.

They were recorded under the application's organisation, so the city's people
read on their activity page who reviews their application and who stepped back
from it. Such entries are now recorded under no organisation (the secretariat
and the person who acted read them); this moves the entries already recorded.
"""

from django.db import migrations

ACTIONS = ("reviews.assignment.add", "reviews.assignment.remove", "reviews.recusal.add")


def detach(apps, schema_editor):
    entries = apps.get_model("common", "ActivityLogEntry")
    entries.objects.filter(action__in=ACTIONS).update(organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0003_outbox_is_sensitive"),
        ("reviews", "0003_panel_aggregated_revision"),
    ]

    operations = [migrations.RunPython(detach, migrations.RunPython.noop)]
