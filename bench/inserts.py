"""Enrichment's inserts, three ways, side by side in one run (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/inserts.py

The rows are the ones the in-process ingest of the shared seed feed writes (links, claims,
appearances), read back once and then inserted again, in rounds, each in a transaction rolled
back afterwards (the table emptied first, untimed):

- ``json``: today's ``tracker.services.bulk.insert_new``: one JSON document per table through
  ``json_populate_recordset``, ``INSERT ... ON CONFLICT DO NOTHING`` (``RETURNING`` for claims);
- ``copy+temp``: binary ``COPY`` into a temporary table made once per connection, then
  ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` from it, then the temporary table emptied;
  ``copy+temp, new table`` also creates that table (``ON COMMIT DROP``) every time;
- ``copy``: binary ``COPY`` straight into the table: only where no conflict is possible (the
  rows of articles the ingest has just created), and no ``RETURNING``.

It creates (and drops) its own test database next to the one DATABASE_URL names.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, machine, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument(
        "--rows", type=int, default=0, help="insert only the first ROWS of each table (0: all)"
    )
    args = parser.parse_args()
    setup_django()
    import logging

    from django.conf import settings
    from django.db import connection, transaction

    if not settings.IS_POSTGRES:
        sys.exit("PostgreSQL only: set DATABASE_URL")
    logging.disable(logging.INFO)
    from articles.models import Feed
    from articles.services import feed_ingest_document
    from tracker.models import ArticleTopic, Claim, ClaimAppearance, Mention
    from tracker.reference import read_reference
    from tracker.services.bulk import insert_new
    from tracker.services.reference import reference_load

    reference_load(data=read_reference())
    seed = (SHARED / "feeds" / "rareearthexchanges-clean-energy.xml").read_bytes()
    feed_ingest_document(feed=Feed.objects.create(url="https://bench.example.org/f/"), body=seed)

    def columns(model, names):
        return [model._meta.get_field(name).column for name in names]

    link = ("article", "origin", "state", "matched_text", "confidence", "created_at", "updated_at")
    tables = {
        "tracker_mention": (Mention, ("entity", "occurrences", *link), ()),
        "tracker_articletopic": (ArticleTopic, ("topic", *link), ()),
        "tracker_claim": (
            Claim,
            tuple(
                f.name
                for f in Claim._meta.concrete_fields
                if f.name not in ("id", "carried_from", "reviewed_by", "reviewed_at")
            ),
            ("fingerprint", "id"),
        ),
        "tracker_claimappearance": (
            ClaimAppearance,
            ("claim", "article", "sentence", "location", "position", "created_at"),
            (),
        ),
    }
    data = {}
    for table, (model, names, _) in tables.items():
        cols = columns(model, names)
        rows = model._default_manager.order_by("pk").values_list(*cols)
        data[table] = [tuple(row) for row in rows]
        if args.rows:
            data[table] = data[table][: args.rows]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, t.typname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE c.relname = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            [list(tables)],
        )
        types = {(table, column): name for table, column, name in cursor.fetchall()}
        for table, (model, names, _) in tables.items():  # what a connection would keep
            cols = ", ".join(columns(model, names))
            cursor.execute(f"CREATE TEMP TABLE copy_{table} AS SELECT {cols} FROM {table} LIMIT 0")

    def raw():
        return connection.cursor().cursor  # psycopg's own cursor, for copy()

    def copy_rows(cursor, target, table, cols, rows):
        names = ", ".join(cols)
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[table, column] for column in cols])
            for row in rows:
                copy.write_row(row)

    def by_json(table):
        model, names, returning = tables[table]
        insert_new(model, names, data[table], returning=returning)

    def by_copy_temp(table, *, create=False):
        model, names, returning = tables[table]
        cols = columns(model, names)
        names_sql = ", ".join(cols)
        cursor = raw()
        temp = f"copy_{table}"
        if create:
            temp = f"new_{table}"
            cursor.execute(
                f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS "
                f"SELECT {names_sql} FROM {table} LIMIT 0"
            )
        copy_rows(cursor, temp, table, cols, data[table])
        tail = " RETURNING " + ", ".join(returning) if returning else ""
        cursor.execute(
            f"INSERT INTO {table} ({names_sql}) SELECT {names_sql} FROM {temp} "
            f"ON CONFLICT DO NOTHING{tail}"
        )
        if returning:
            cursor.fetchall()
        if create:
            cursor.execute(f"DROP TABLE {temp}")
        else:
            cursor.execute(f"TRUNCATE {temp}")

    def by_copy(table):
        model, names, _ = tables[table]
        copy_rows(raw(), table, table, columns(model, names), data[table])

    ways = {
        "json": by_json,
        "copy+temp": by_copy_temp,
        "copy+temp, new table": lambda table: by_copy_temp(table, create=True),
        "copy": by_copy,
    }
    best = {(way, table): float("inf") for way in ways for table in tables}
    for _ in range(args.rounds):
        for table in tables:
            for way, insert in ways.items():
                if way == "copy" and tables[table][2]:
                    continue  # claims need their ids back (RETURNING): no plain COPY
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {table}")
                    started = time.perf_counter()
                    insert(table)
                    best[way, table] = min(best[way, table], time.perf_counter() - started)
                    transaction.set_rollback(True)

    print(f"# Enrichment's inserts — {machine()}, fastest of {args.rounds} rounds")
    print()
    print("| table | rows | " + " | ".join(ways) + " | copy+temp ÷ json | copy ÷ json |")
    print("| --- | --- |" + " --- |" * (len(ways) + 2))
    totals = dict.fromkeys(ways, 0.0)
    for table in tables:
        cells = []
        for way in ways:
            spent = best[way, table]
            if spent == float("inf"):
                cells.append("—")
                continue
            totals[way] += spent
            cells.append(f"{spent * 1000:.2f} ms")
        temp_ratio = best["copy+temp", table] / best["json", table]
        plain = best["copy", table]
        plain_ratio = f"{plain / best['json', table]:.2f}×" if plain != float("inf") else "—"
        print(
            f"| {table} | {len(data[table])} | "
            + " | ".join(cells)
            + f" | {temp_ratio:.2f}× | {plain_ratio} |"
        )


if __name__ == "__main__":
    main()
