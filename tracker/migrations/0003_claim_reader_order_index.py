"""An index in the readers' order of claims (verified, disputed, false, then unverified; latest
review first), so /claims/ reads its first page off the index instead of sorting every claim.

PostgreSQL only: the expression must match ``tracker.selectors.CLAIM_STATUS_ORDER`` and SQLite
cannot declare NULLS LAST in an index (a small SQLite database sorts quickly anyway).
"""

from django.db import migrations

INDEX = """
CREATE INDEX IF NOT EXISTS claim_reader_order_idx ON tracker_claim (
    (CASE WHEN status = 'verified' THEN 0 WHEN status = 'disputed' THEN 1
          WHEN status = 'false' THEN 2 ELSE 3 END),
    reviewed_at DESC NULLS LAST,
    id DESC
)
"""


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_reader_order_idx")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_editors_group")]

    operations = [migrations.RunPython(add_index, drop_index)]
