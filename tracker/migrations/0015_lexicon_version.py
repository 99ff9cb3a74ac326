"""The lexicon's version: one row, rewritten by triggers whenever what it is built from changes.

Before, the version was computed from row counts and the latest ``updated_at`` of seven tables,
on every enrichment call: 31–45 ms at 100,000 entities, and any edit of an entity (its
description, say) changed it. Now writes to the columns extraction reads (see WATCHED) bump
``tracker_lexiconversion``: statement-level triggers for inserts and deletes on PostgreSQL,
row-level triggers with a WHEN clause for updates (only a changed watched column counts), the
same as row-level triggers on SQLite. The bump is an upsert: a flushed table (tests) gets its row
back at the next change.

SQLite drops a table's triggers when a migration rebuilds the table: such a migration must call
``create`` again (as 0014 does for 0011's triggers); ``tests/tracker/test_lexicon.py`` checks
that every trigger is there.
"""

from django.db import migrations, models

# table -> the columns whose change changes the lexicon (inserts and deletes always do)
WATCHED = {
    "tracker_entity": ("name", "kind"),
    "tracker_entityalias": ("entity_id", "text", "exact"),
    "tracker_initiative": ("name", "acronym", "patterns"),
    "tracker_initiativealias": ("initiative_id", "text", "exact"),
    "tracker_topic": ("keywords", "min_keyword_hits"),
    "tracker_topic_entities": ("topic_id", "entity_id"),
    "tracker_topic_initiatives": ("topic_id", "initiative_id"),
}
TOKEN = {
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
    "sqlite": "lower(hex(randomblob(16)))",
}


def _bump(vendor: str) -> str:
    return (
        "INSERT INTO tracker_lexiconversion (id, changes, token) "
        f"VALUES (1, 1, {TOKEN[vendor]}) ON CONFLICT (id) DO UPDATE "
        "SET changes = tracker_lexiconversion.changes + 1, token = excluded.token;"
    )


def trigger_names(table: str) -> list[str]:
    short = table.removeprefix("tracker_")
    return [f"lexicon_{short}_{event}" for event in ("ins", "upd", "del")]


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    create, drop = [], []
    if vendor == "postgresql":
        create.append(
            "CREATE FUNCTION lexicon_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_bump(vendor)} RETURN NULL; END $$;"
        )
    for table, columns in WATCHED.items():
        ins, upd, delete = trigger_names(table)
        if vendor == "postgresql":
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            create += [
                f"CREATE TRIGGER {ins} AFTER INSERT ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION lexicon_bump();",
                f"CREATE TRIGGER {upd} AFTER UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({changed}) EXECUTE FUNCTION lexicon_bump();",
                f"CREATE TRIGGER {delete} AFTER DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION lexicon_bump();",
            ]
            drop += [f"DROP TRIGGER IF EXISTS {n} ON {table};" for n in (ins, upd, delete)]
        else:
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            create += [
                f"CREATE TRIGGER {ins} AFTER INSERT ON {table} BEGIN {_bump(vendor)} END;",
                f"CREATE TRIGGER {upd} AFTER UPDATE ON {table} WHEN {changed} "
                f"BEGIN {_bump(vendor)} END;",
                f"CREATE TRIGGER {delete} AFTER DELETE ON {table} BEGIN {_bump(vendor)} END;",
            ]
            drop += [f"DROP TRIGGER IF EXISTS {n};" for n in (ins, upd, delete)]
    if vendor == "postgresql":
        drop.append("DROP FUNCTION IF EXISTS lexicon_bump();")
    return create, drop


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in TOKEN:
        for statement in _statements(vendor)[0]:
            schema_editor.execute(statement, params=None)
        schema_editor.execute(_bump(vendor), params=None)  # the row, and a first version


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in TOKEN:
        for statement in _statements(vendor)[1]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_touch_parents_after_alias_kinds"),
    ]

    operations = [
        migrations.CreateModel(
            name="LexiconVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("changes", models.BigIntegerField(default=0)),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="lexicon_version_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
