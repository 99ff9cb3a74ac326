"""What became of merged entities (``EntityMerge``): their slugs redirect, partners sync them.
Editors, who merge entities, may read the records; nobody edits them (the admin is read-only)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
CODENAME = "view_entitymerge"


def codenames() -> list[tuple[str, str]]:
    """What this adds to the Editors group of 0002_editors_group."""
    return [("tracker", CODENAME)]


def editors_may_view(apps, schema_editor):
    # As in 0002: permissions are normally created after the whole migrate run.
    app_config = apps.get_app_config("tracker")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is not None:
        Permission = apps.get_model("auth", "Permission")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="tracker", codename=CODENAME)
        )


def editors_may_not_view(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0005_article_topic_shown_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EntityMerge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "former_id",
                    models.BigIntegerField(help_text="The merged entity's id.", unique=True),
                ),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="former slug")),
                ("name", models.CharField(max_length=300, verbose_name="former name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("company", "Company"),
                            ("government_body", "Government body"),
                            ("person", "Person"),
                            ("country", "Country or bloc"),
                            ("organization", "Organization"),
                            ("publication", "Publication"),
                            ("facility", "Mine, plant or project"),
                        ],
                        max_length=20,
                    ),
                ),
                ("merged_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "updated_at",
                    models.DateTimeField(
                        auto_now=True, help_text="Also moves when it is repointed."
                    ),
                ),
                (
                    "into",
                    models.ForeignKey(
                        help_text="The live entity it went into: the end of any chain of merges.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="merged_from",
                        to="tracker.entity",
                    ),
                ),
                (
                    "merged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-merged_at", "-id"],
            },
        ),
        migrations.RunPython(editors_may_view, editors_may_not_view),
    ]
