"""An initiative's conflict note, and the "Editors" group with exactly what curation needs.

Editors review the machine's links and the claims, curate entities, initiatives and topics, and
look after feeds. They never delete articles, claims, feeds or links (rejecting a link keeps it,
so extraction does not suggest it again), and manage no users.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
PERMISSIONS = {
    "articles": {
        "feed": ["view", "change"],
        "feedfetch": ["view"],
        "article": ["view", "change"],  # change: hide and unhide
    },
    "tracker": {
        "entity": ["view", "add", "change", "delete"],  # delete: merging removes the source
        "entityalias": ["view", "add", "change", "delete"],
        "initiative": ["view", "add", "change"],
        "initiativealias": ["view", "add", "change", "delete"],
        "initiativesponsor": ["view", "add", "change", "delete"],
        "initiativerelation": ["view", "add", "change", "delete"],
        "initiativefact": ["view", "add", "change", "delete"],
        "topic": ["view", "add", "change"],
        "articleinitiative": ["view", "add", "change"],
        "mention": ["view", "add", "change"],
        "articletopic": ["view", "add", "change"],
        "claim": ["view", "change"],
        "claimappearance": ["view"],
    },
}


def codenames() -> list[tuple[str, str]]:
    return [
        (app, f"{action}_{model}")
        for app, models_ in PERMISSIONS.items()
        for model, actions in models_.items()
        for action in actions
    ]


def editors_group_create(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    wanted = codenames()
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
    ]
    group.permissions.set(permissions)


def editors_group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0003_article_search_vector"),
        ("tracker", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalinitiative",
            name="conflict_note",
            field=models.TextField(
                blank=True,
                help_text="How editors read the conflicting figures reported about it, and why.",
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="conflict_note",
            field=models.TextField(
                blank=True,
                help_text="How editors read the conflicting figures reported about it, and why.",
            ),
        ),
        migrations.RunPython(editors_group_create, editors_group_delete),
    ]
