"""Plain SQL for enrichment's hot path, where building a model instance per row costs more than
the statement."""

import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import Model

from reex.bulk import copy_in

BATCH_SIZE = 500


def insert_new(
    model: type[Model],
    columns: tuple[str, ...],
    rows: Sequence[tuple],
    returning: tuple[str, ...] = (),
) -> list[tuple]:
    """``INSERT ... ON CONFLICT DO NOTHING`` of plain, database-ready rows; returns the
    ``returning`` fields of the rows actually inserted.

    Used instead of ``bulk_create`` on enrichment's hot path: building and preparing a model
    instance per row was most of enrichment's time (about 50 µs a row against 5 µs for the
    SQL). Rows a concurrent run inserted first are skipped, as with ``ignore_conflicts``.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in columns]
    names = ", ".join(quote(field.column) for field in fields)
    tail = "ON CONFLICT DO NOTHING"
    if returning:
        tail += " RETURNING " + ", ".join(quote(model._meta.get_field(n).column) for n in returning)
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # All rows as one JSON document, typed by the table's own row type: one short
            # statement whatever the number of rows, and one string for the driver to quote.
            # (Arrays per column cost more: the driver quotes their every element in Python.)
            keys = [field.column for field in fields]
            document = json.dumps([dict(zip(keys, row, strict=True)) for row in rows], default=str)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} "
                f"FROM json_populate_recordset(NULL::{table}, %s) {tail}",
                [document],
            )
            return cursor.fetchall() if returning else []
        row = f"({', '.join(['%s'] * len(columns))})"
        size = max(1, min(BATCH_SIZE, 30_000 // len(columns)))  # SQLite's parameter limit
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(batch))} {tail}",
                [value for values in batch for value in values],
            )
            if returning:
                inserted.extend(cursor.fetchall())
    return inserted


def insert_fresh(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows nothing can conflict with: those of articles (or claims) created in this very
    transaction, which no other can see yet, so no unique key of theirs can be taken.

    On PostgreSQL a binary ``COPY`` straight into the table: measured side by side with
    ``insert_new``'s JSON document (``bench/inserts.py``), it took 0.4-0.75x of its time, from
    10 rows to 220. Elsewhere, and for rows that may conflict, ``insert_new``.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        insert_new(model, columns, rows)
        return
    copy_in(model, columns, rows)


Row = TypeVar("Row", bound=tuple)


def insert_fresh_or_new(
    model: type[Model], columns: tuple[str, ...], rows: list[Row], *, fresh: Callable[[Row], bool]
) -> None:
    """Rows ``fresh`` says nothing can conflict with (they belong to articles or claims this
    very transaction created) copied in by ``insert_fresh``; the others by ``insert_new``."""
    insert_fresh(model, columns, [row for row in rows if fresh(row)])
    insert_new(model, columns, [row for row in rows if not fresh(row)])
