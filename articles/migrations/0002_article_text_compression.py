from django.db import migrations, transaction

COLUMNS = ("content_html", "content_text")


def use_lz4(apps, schema_editor):
    """Compress article bodies with lz4 instead of pglz on PostgreSQL 14+: several times faster
    to write, for about the same size. Servers built without lz4 keep the default."""
    if schema_editor.connection.vendor != "postgresql":
        return
    if schema_editor.connection.pg_version < 140000:
        return
    try:
        with transaction.atomic():
            for column in COLUMNS:
                schema_editor.execute(
                    f"ALTER TABLE articles_article ALTER COLUMN {column} SET COMPRESSION lz4"
                )
    except Exception:  # noqa: BLE001 - lz4 not compiled in: the default compression stays
        pass


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(use_lz4, migrations.RunPython.noop, elidable=True)]
