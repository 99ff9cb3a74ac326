"""Full-text search on the embedded SQLite default: an FTS5 index of the articles' text.

PostgreSQL has its tsvector (migration 0003); SQLite gets ``articles_article_fts``, an FTS5
table over title, summary and body (``content_text``), stemmed by the porter tokenizer like
PostgreSQL's english configuration. It is an external-content table (``content=``): it keeps
only the index, reading the text from the article table. Triggers keep it current on every
insert, update of the indexed text, and delete, so nothing has to run after ingest; the
migration builds it for the rows already there. PostgreSQL is left alone.
"""

from django.db import migrations

INSTALL = [
    """
    CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        title, summary, content_text,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts(rowid, title, summary, content_text)
        VALUES (new.id, new.title, new.summary, new.content_text);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, summary, content_text)
        VALUES ('delete', old.id, old.title, old.summary, old.content_text);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_update
    AFTER UPDATE OF title, summary, content_text ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, summary, content_text)
        VALUES ('delete', old.id, old.title, old.summary, old.content_text);
        INSERT INTO articles_article_fts(rowid, title, summary, content_text)
        VALUES (new.id, new.title, new.summary, new.content_text);
    END
    """,
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]

REMOVE = [
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in INSTALL:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_stories"),
    ]

    operations = [migrations.RunPython(install, remove)]
