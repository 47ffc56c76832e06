# The safe release (issue 13, item 5): progress of a release and re-issued certificates;
# the call's public information (0008) depends on it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("calls", "0006_call_revision")]

    operations = [
        migrations.AlterModelOptions(
            name="certificate",
            options={
                "ordering": [
                    models.OrderBy(models.F("revoked_at"), nulls_first=True),
                    "-issued_at",
                    "-pk",
                ],
                "verbose_name": "certificate",
                "verbose_name_plural": "certificates",
            },
        ),
        migrations.AddField(
            model_name="certificate",
            name="replaced_by",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaces",
                to="calls.certificate",
                verbose_name="replaced by",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoke_reason",
            field=models.TextField(blank=True, verbose_name="reason for the re-issue"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
        ),
        migrations.AddField(
            model_name="release",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AddField(
            model_name="release",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AddField(
            model_name="release",
            name="joined_on",
            field=models.DateField(blank=True, null=True, verbose_name="members join on"),
        ),
        migrations.AddField(
            model_name="release",
            name="jury_comments",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="jury comments for the mails"
            ),
        ),
        migrations.AddField(
            model_name="release",
            name="processed",
            field=models.PositiveIntegerField(default=0, verbose_name="submissions released"),
        ),
        migrations.AddField(
            model_name="release",
            name="site_url",
            field=models.CharField(blank=True, max_length=200, verbose_name="site address"),
        ),
        migrations.AddField(
            model_name="release",
            name="state",
            field=models.CharField(
                choices=[
                    ("running", "Running"),
                    ("failed", "Stopped by an error"),
                    ("done", "Done"),
                ],
                default="done",
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.AddField(
            model_name="release",
            name="total",
            field=models.PositiveIntegerField(default=0, verbose_name="submissions to release"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="submission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="calls.submission",
                verbose_name="submission",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=("submission",),
                name="calls_certificate_one_valid_per_submission",
            ),
        ),
    ]
