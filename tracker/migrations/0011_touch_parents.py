"""``updated_at`` moves whenever what a partner sees of a row changes: database triggers.

Partners sync by ``updated_since``; a row is what its serializer shows, and that includes child
rows (an initiative's aliases, sponsors, facts; a claim's articles and names). Those are written
from many places: services, raw ``INSERT``s in enrichment, ``QuerySet.update()``, admin inlines,
and Django's cascades when something is deleted. Rather than each writer remembering to touch
the parent, the database does it: a write to a child row moves its parent's ``updated_at``
(docs/api.md, "What moves updated_at").

- PostgreSQL: one statement-level trigger per child table, with transition tables, so an
  enrichment inserting a thousand appearances updates each claim once; parents are locked in id
  order (two transactions touching the same parents cannot deadlock on them) and a parent
  already touched in this transaction (``updated_at >= now()``) is not written again.
- SQLite (the embedded default): the same rules as row-level triggers.
- SQLite drops a table's triggers when a migration rebuilds the table (it has no ALTER COLUMN):
  such a migration must recreate them, as 0014 does after 0013.
- A claim's own columns changed by ``update()`` (``needs_independent_verification`` recomputed,
  a subject set to NULL when it is deleted) move its ``updated_at`` unless the write set it.
"""

from django.db import migrations

# (child table, column naming the parent, parent table, on which writes)
TOUCHES = [
    ("tracker_entityalias", "entity_id", "tracker_entity", "all"),
    ("tracker_initiativealias", "initiative_id", "tracker_initiative", "all"),
    ("tracker_initiativesponsor", "initiative_id", "tracker_initiative", "all"),
    ("tracker_initiativefact", "initiative_id", "tracker_initiative", "all"),
    ("tracker_initiativerelation", "from_initiative_id", "tracker_initiative", "all"),
    ("tracker_initiativerelation", "to_initiative_id", "tracker_initiative", "all"),
    ("tracker_initiative_jurisdictions", "initiative_id", "tracker_initiative", "all"),
    ("tracker_topic_entities", "topic_id", "tracker_topic", "all"),
    ("tracker_topic_initiatives", "topic_id", "tracker_topic", "all"),
    ("tracker_claim_entities", "claim_id", "tracker_claim", "all"),
    ("tracker_claim_initiatives", "claim_id", "tracker_claim", "all"),
    ("tracker_claimappearance", "claim_id", "tracker_claim", "all"),
    # Article links carry their own updated_at, which ?updated_since= reads; a link deleted
    # (an entity deleted, a stale suggestion dropped) leaves nothing to read: touch the article.
    ("tracker_mention", "article_id", "articles_article", "delete"),
    ("tracker_articleinitiative", "article_id", "articles_article", "delete"),
    ("tracker_articletopic", "article_id", "articles_article", "delete"),
]
# A claim's columns as of 0007_claim_facts; a migration adding a column a partner sees must
# recreate touch_claim_self with it.
CLAIM_COLUMNS = [
    "fingerprint", "statement", "figure_text", "measure", "value", "value_max", "unit", "per",
    "period", "bound", "outlook", "implausible", "is_attributed", "subject_initiative_id",
    "subject_entity_id", "status", "needs_independent_verification", "evidence_url",
    "review_note", "reviewed_at", "carried_from", "needs_rereview",
]  # fmt: skip


def _name(child: str, column: str) -> str:
    return f"touch_{child.removeprefix('tracker_')}_{column.removesuffix('_id')}"


def _postgres(child: str, column: str, parent: str, events: str) -> tuple[str, str]:
    name = _name(child, column)
    touch = (
        f"UPDATE {parent} SET updated_at = now() WHERE id IN (SELECT id FROM {parent} "
        f"WHERE updated_at < now() AND id IN (SELECT {column} FROM {{rows}}) "
        f"ORDER BY id FOR UPDATE);"
    )
    body = []
    if events == "all":
        body.append(f"IF TG_OP <> 'DELETE' THEN {touch.format(rows='new_rows')} END IF;")
    body.append(f"IF TG_OP <> 'INSERT' THEN {touch.format(rows='old_rows')} END IF;")
    create = [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + " ".join(body)
        + " RETURN NULL; END $$;"
    ]
    triggers = {
        "ins": ("INSERT", "NEW TABLE AS new_rows"),
        "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "del": ("DELETE", "OLD TABLE AS old_rows"),
    }
    if events == "delete":
        triggers = {"del": triggers["del"]}
    for suffix, (event, tables) in triggers.items():
        create.append(
            f"CREATE TRIGGER {name}_{suffix} AFTER {event} ON {child} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    drop = [f"DROP TRIGGER IF EXISTS {name}_{s} ON {child};" for s in triggers]
    drop.append(f"DROP FUNCTION IF EXISTS {name}();")
    return "\n".join(create), "\n".join(drop)


# Django's own format for a datetime in SQLite (six digits of microseconds): compared as text,
# "12:00:01.123" would sort before "12:00:01.123000", and cursors compare these values.
SQLITE_NOW = "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')"


def _sqlite(child: str, column: str, parent: str, events: str) -> tuple[str, str]:
    name = _name(child, column)
    touch = f"UPDATE {parent} SET updated_at = {SQLITE_NOW} WHERE id = {{row}}.{column};"
    triggers = {"del": ("DELETE", ["OLD"])}
    if events == "all":
        triggers = {"ins": ("INSERT", ["NEW"]), "upd": ("UPDATE", ["OLD", "NEW"]), **triggers}
    create, drop = [], []
    for suffix, (event, rows) in triggers.items():
        body = " ".join(touch.format(row=row) for row in rows)
        create.append(f"CREATE TRIGGER {name}_{suffix} AFTER {event} ON {child} BEGIN {body} END;")
        drop.append(f"DROP TRIGGER IF EXISTS {name}_{suffix};")
    return "\n".join(create), "\n".join(drop)


def _claim_self(vendor: str) -> tuple[str, str]:
    if vendor == "postgresql":
        create = (
            "CREATE FUNCTION touch_claim_self() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.updated_at = OLD.updated_at AND ("
            + " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CLAIM_COLUMNS)
            + ") THEN NEW.updated_at := now(); END IF; RETURN NEW; END $$;\n"
            "CREATE TRIGGER touch_claim_self BEFORE UPDATE ON tracker_claim "
            "FOR EACH ROW EXECUTE FUNCTION touch_claim_self();"
        )
        drop = (
            "DROP TRIGGER IF EXISTS touch_claim_self ON tracker_claim;\n"
            "DROP FUNCTION IF EXISTS touch_claim_self();"
        )
        return create, drop
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CLAIM_COLUMNS)
    create = (
        "CREATE TRIGGER touch_claim_self AFTER UPDATE ON tracker_claim "
        f"WHEN NEW.updated_at = OLD.updated_at AND ({changed}) BEGIN "
        f"UPDATE tracker_claim SET updated_at = {SQLITE_NOW} WHERE id = NEW.id; END;"
    )
    return create, "DROP TRIGGER IF EXISTS touch_claim_self;"


def _statements(vendor: str) -> list[tuple[str, str]]:
    make = _postgres if vendor == "postgresql" else _sqlite
    return [make(*touch) for touch in TOUCHES] + [_claim_self(vendor)]


def create(apps, schema_editor):
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for sql, _ in _statements(schema_editor.connection.vendor):
        for statement in sql.split("\n"):  # one statement a line: SQLite runs one at a time
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for _, sql in _statements(schema_editor.connection.vendor):
        for statement in sql.split("\n"):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_claim_deletion"),
        ("articles", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
