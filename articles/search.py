"""Full-text search over articles, and the indexer that keeps their stored vectors current.

On PostgreSQL: ``websearch_to_tsquery`` against ``Article.search_vector`` (GIN index). Only the
``RANK_CAP`` most recent matches are ranked, so a term found in every article costs the same as a
rare one; ``ts_headline`` runs only for the rows of the page shown. On SQLite (the embedded
default) an FTS5 index over title, summary and body (migration 0010, kept by triggers) finds
articles with every word, ranked by bm25 with snippets; without FTS5, each word must appear in
the title or the summary, newest first.

The vectors are written by ``search_vectors_update`` (beat, every minute), never while ingest
writes; see migration ``articles/0003_article_search_vector`` for why and for the trigger that
marks edited articles for indexing again.
"""

import re
import time
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left

from .models import Article
from .querysets import NEWEST_FIRST

CONFIG = "english"
RANK_CAP = 200
# ts_headline reads the whole text it is given; a snippet never needs more than this.
HEADLINE_MAX_CHARS = 50_000
INDEX_BATCH = 500
# Private-use characters around each match (feed text has no business containing them); the
# snippet is split on them into plain-text parts that templates escape: nothing is marked safe.
MATCH_START, MATCH_STOP = "\ue000", "\ue001"
_MATCH = re.compile(f"{MATCH_START}(.*?){MATCH_STOP}", re.DOTALL)
_WORD = re.compile(r"\w[\w'-]*")

VECTOR_SQL = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(highlights, '[]'::jsonb)), 'B')
    || setweight(to_tsvector('english'::regconfig, left(coalesce(content_text, ''), 100000)), 'C')
"""
# Only the first 100,000 characters of a body are indexed: every vector stays far below
# PostgreSQL's 1 MB tsvector limit, which would otherwise fail the whole batch.


@dataclass(frozen=True)
class SnippetPart:
    text: str
    match: bool = False


def full_text_enabled() -> bool:
    """PostgreSQL's full-text search (ranked, stemmed, websearch syntax, highlighted)."""
    return connection.vendor == "postgresql"


FTS_TABLE = "articles_article_fts"
_fts_ready: set[str] = set()


def sqlite_fts_enabled() -> bool:
    """The embedded SQLite default's full-text index (migration 0010): present unless this
    SQLite was built without FTS5. Checked once per database, then remembered."""
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _fts_ready:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            if cursor.fetchone() is None:
                return False
        _fts_ready.add(name)
    return True


def fts_query(q: str) -> str:
    """An FTS5 query for ``q``: every word, each quoted (so no word is read as an operator or
    column name), all required. Empty when ``q`` has no word."""
    words = _WORD.findall(q)[:10]
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def _fts_matching(articles: QuerySet, q: str) -> QuerySet:
    match = fts_query(q)
    if not match:
        return articles.none()
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 - our name
    return articles.filter(pk__in=RawSQL(sql, [match]))


def filter_matching(articles: QuerySet, q: str) -> QuerySet:
    """Articles whose text has every word of ``q``, without ranking, where PostgreSQL's full
    text is not available: the SQLite FTS5 index (title, summary and body), or at worst every
    word in the title or summary."""
    if sqlite_fts_enabled():
        return _fts_matching(articles, q)
    for word in _WORD.findall(q)[:10]:
        articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return articles


def search_articles(
    *,
    q: str,
    start: date | None = None,
    end: date | None = None,
    among: QuerySet | None = None,
) -> QuerySet:
    """Published articles matching ``q``, best first; at most ``RANK_CAP`` of them on PostgreSQL.
    ``among``, a query of article ids, narrows them (the layers above build it: the tracker's
    links to a topic or an initiative).

    The rows carry ``snippet``: on PostgreSQL the text around the matches with each match
    between ``MATCH_START`` and ``MATCH_STOP`` (use ``snippet_parts``), on SQLite the summary.
    """
    candidates = _among(Article.objects.published().published_between(start, end), among)
    candidates = candidates.for_listing()
    if not full_text_enabled():
        if sqlite_fts_enabled():
            return _fts_ranked(candidates, q)
        return filter_matching(candidates, q).annotate(snippet=F("summary")).newest_first()

    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    # The cap: the newest RANK_CAP matches (an index-ordered LIMIT), then ranked among themselves.
    capped = (
        _among(Article.objects.published().published_between(start, end), among)
        .filter(search_vector=query)
        .newest_first()
        .values("pk")[:RANK_CAP]
    )
    return (
        Article.objects.for_listing()
        .filter(pk__in=capped)
        .annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True),
            snippet=SearchHeadline(
                Left("content_text", HEADLINE_MAX_CHARS),
                query,
                config=CONFIG,
                start_sel=MATCH_START,
                stop_sel=MATCH_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", *NEWEST_FIRST)
    )


def _fts_ranked(candidates: QuerySet, q: str) -> QuerySet:
    """SQLite FTS5: matches best first (bm25, a title match weighing most), then newest; each
    with ``snippet``, the text around the matches marked as PostgreSQL marks them. The rank and
    snippet are per-row subqueries, computed only for the rows of the page shown."""
    match = fts_query(q)
    per_row = f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = articles_article.id"
    return (
        _fts_matching(candidates, q)
        .annotate(
            rank=RawSQL(f"(SELECT bm25({FTS_TABLE}, 10.0, 4.0, 1.0) {per_row})", [match]),
            snippet=RawSQL(
                f"(SELECT snippet({FTS_TABLE}, -1, %s, %s, ' … ', 32) {per_row})",
                [MATCH_START, MATCH_STOP, match],
            ),
        )
        .order_by("rank", *NEWEST_FIRST)  # bm25: lower is better
    )


def snippet_parts(snippet: str, *, q: str = "") -> list[SnippetPart]:
    """A snippet as plain-text parts, the matched words flagged.

    PostgreSQL marks matches itself; for the SQLite fallback's plain summary the words of ``q``
    are found case-insensitively.
    """
    if MATCH_START not in snippet and q:
        words = sorted({w for w in _WORD.findall(q) if len(w) > 1}, key=len, reverse=True)
        if words:
            pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
            snippet = pattern.sub(lambda m: f"{MATCH_START}{m.group(0)}{MATCH_STOP}", snippet)
    parts: list[SnippetPart] = []
    position = 0
    for match in _MATCH.finditer(snippet):
        if match.start() > position:
            parts.append(SnippetPart(snippet[position : match.start()]))
        parts.append(SnippetPart(match.group(1), match=True))
        position = match.end()
    if position < len(snippet):
        parts.append(SnippetPart(snippet[position:]))
    return parts


def search_vectors_update(*, batch_size: int = INDEX_BATCH, seconds: float = 30.0) -> int:
    """Compute the search vector of every article that has none (new or edited); returns how many.

    Works in batches of ``batch_size``, each its own transaction, and starts no new batch after
    ``seconds`` (about 1 ms per article: a backlog spreads over several runs, each well inside the
    task's time limit). Safe to run concurrently and repeatedly: each batch locks its rows with
    SKIP LOCKED, so two runs index different articles, and an indexed article is not taken again
    until its text changes. A no-op on SQLite.
    """
    if not full_text_enabled():
        return 0
    table = Article._meta.db_table
    sql = f"""
        UPDATE {table} SET search_vector = {VECTOR_SQL}
        WHERE id IN (
            SELECT id FROM {table} WHERE search_vector IS NULL
            ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
        )
    """  # noqa: S608 - the table name is ours, the only value is a parameter
    total = 0
    deadline = time.monotonic() + seconds
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [batch_size])
            done = cursor.rowcount
        total += done
        if done < batch_size or time.monotonic() > deadline:
            return total


def _among(articles: QuerySet, among: QuerySet | None) -> QuerySet:
    return articles if among is None else articles.filter(pk__in=among)
