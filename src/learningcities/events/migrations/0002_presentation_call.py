"""Calls for presentations: an event's call, and presentations not yet placed in a session."""

import django.db.models.deletion
from django.db import migrations, models


def presentations_to_their_events(apps, schema_editor):
    Presentation = apps.get_model("events", "Presentation")
    for presentation in Presentation.objects.select_related("session").iterator():
        presentation.event_id = presentation.session.event_id
        presentation.save(update_fields=["event"])


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0012_call_kind_presentations"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="presentation_call",
            field=models.OneToOneField(
                blank=True,
                help_text=(
                    "Cities propose presentations through this call; its accepted proposals "
                    "join the programme, to be placed in sessions."
                ),
                limit_choices_to={"kind": "presentations"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="presentation_event",
                to="calls.call",
                verbose_name="call for presentations",
            ),
        ),
        migrations.AddField(
            model_name="presentation",
            name="event",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="presentations",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.RunPython(presentations_to_their_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="presentation",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="presentations",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.AlterField(
            model_name="presentation",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="presentations",
                to="events.programmesession",
                verbose_name="session",
            ),
        ),
    ]
