import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Publication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("generated_at", models.DateTimeField(db_index=True, verbose_name="generated at")),
                ("file_name", models.CharField(max_length=200, verbose_name="file")),
                ("size_bytes", models.BigIntegerField(default=0, verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64)),
                ("row_counts", models.JSONField(default=dict, verbose_name="rows")),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "open-data publication",
                "verbose_name_plural": "open-data publications",
                "ordering": ["-generated_at", "-id"],
            },
        ),
    ]
