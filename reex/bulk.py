"""Binary ``COPY`` of database-ready rows into a table: the bulk insert both the ingest (new
articles) and enrichment (rows of new articles and claims) use where no row can conflict.

Measured side by side (``bench/inserts.py``, ``docs/PERFORMANCE.md``): 0.4-0.75x of the time of
a JSON document through ``json_populate_recordset`` from 10 rows to 220, and about 0.25x of
``bulk_create`` for 5,000 articles, whose statements Django builds value by value and psycopg
parses again client-side. PostgreSQL only; callers keep their portable path for SQLite.
"""

from contextlib import nullcontext
from typing import cast

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Field, Model


def copy_in(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """``COPY`` the rows (values as the database stores them, in ``columns`` order) into the
    model's table. A row that breaks a constraint fails the whole copy: callers copy only rows
    nothing else can hold, or catch ``IntegrityError`` in a save point and fall back."""
    if not rows:
        return
    fields = [cast(Field, model._meta.get_field(name)) for name in columns]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column or field.name) for field in fields)
    # "varchar(300)" -> "varchar": the type's name, which psycopg knows.
    types = [(field.db_type(connection) or "").split("(", 1)[0] for field in fields]
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)"

    def copy_rows(sql, params, many, context):
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:  # psycopg's errors as Django's, as for execute()
            # psycopg's own cursor: Django's wrapper has no copy().
            with context["cursor"].cursor.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)

    with connection.cursor() as cursor:
        # Through Django's execute wrappers, and logged where queries are (CaptureQueriesContext,
        # DEBUG), as a statement run by execute() is: the COPY shows in what counts statements.
        logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged:
            cursor._execute_with_wrappers(sql, None, False, executor=copy_rows)


def next_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, for rows copied in with them."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]
