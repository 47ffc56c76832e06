# The call's public information (description, guidelines, attachments) and the
# messages the secretariat sends to a call's people (issue 13, items 2 and 3).
# Written by hand: 0007 belongs to the release work.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0007_release_progress"),
        ("common", "0003_outbox_is_sensitive"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="description",
            field=models.TextField(
                blank=True,
                help_text=(
                    "What the call is for and who may answer it, shown on the public call page."
                ),
                verbose_name="public description",
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="guidelines",
            field=models.TextField(
                blank=True,
                help_text=(
                    "How to prepare and submit an application, shown on the public call page."
                ),
                verbose_name="guidelines",
            ),
        ),
        migrations.CreateModel(
            name="CallAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added")),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="calls.call",
                        verbose_name="call",
                    ),
                ),
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="call_attachment",
                        to="common.document",
                        verbose_name="document",
                    ),
                ),
            ],
            options={
                "verbose_name": "call attachment",
                "verbose_name_plural": "call attachments",
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="CallMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("send_key", models.CharField(max_length=64, unique=True)),
                ("audience", models.CharField(max_length=40, verbose_name="audience")),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                ("subject", models.CharField(max_length=200, verbose_name="subject")),
                ("body", models.TextField(verbose_name="text")),
                ("recipient_count", models.PositiveIntegerField(verbose_name="recipients")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="calls.call",
                        verbose_name="call",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sent by",
                    ),
                ),
            ],
            options={
                "verbose_name": "message to a call's people",
                "verbose_name_plural": "messages to a call's people",
                "ordering": ["-created_at", "pk"],
            },
        ),
    ]
