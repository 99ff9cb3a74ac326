"""Recreate the ``updated_at`` triggers of 0011_touch_parents.

SQLite has no ``ALTER COLUMN``: when 0013 added the aliases' ``kind`` and ``note`` it rebuilt
their tables (create, copy, drop, rename), and a dropped table takes its triggers with it. So
every trigger is dropped (if it is there) and created again, on both databases. A later
migration that rebuilds a table 0011 watches must do the same.
"""

import importlib

from django.db import migrations

touch = importlib.import_module("tracker.migrations.0011_touch_parents")


def recreate(apps, schema_editor):
    touch.drop(apps, schema_editor)
    touch.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0013_entity_suggestions_alias_kinds"),
    ]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
