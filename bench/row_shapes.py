"""Fewer, wider tracker rows (issue 17): today's row shapes against two prototypes, writes and
reads side by side in one run (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/row_shapes.py

It creates (and drops) its own test database next to the one DATABASE_URL names; the prototype
tables are made there by raw SQL (no model, no migration). The shapes:

- ``today``: links (``Mention``, ``ArticleInitiative``, ``ArticleTopic``), ``Claim``,
  ``ClaimAppearance`` and the claims' links to names, written as the in-process ingest writes
  them: claims by ``insert_new`` (a JSON document, ``RETURNING`` their ids), the rest by
  ``insert_fresh`` (binary ``COPY``).
- ``own sentence``: a claim stated by one article only carries that appearance (its article,
  location, position; its sentence is the claim's ``statement``) on its own row; appearances
  are rows only for claims two or more articles state. Tables ``proto_claim`` (``tracker_claim``
  plus three columns), ``proto_claimappearance`` and the claims' links to names.
- ``wide``: one row per article (``proto_article_row``): the ids of its entities, initiatives,
  topics and claims as ``bigint[]`` (GIN indexed) and its claim appearances as one ``jsonb``;
  ``Claim`` rows and their links to names stay (claims are shared by articles).
  ``wide + provenance`` also keeps what today's links carry per link (matched text,
  confidence, occurrences, basis) in a second ``jsonb``, so it holds what ``today`` holds for
  the machine's undecided links.

1. Writes: the rows the in-process ingest of the shared seed feed wrote, inserted again in
   transactions rolled back afterwards (tables emptied first and foreign keys checked at once,
   ``SET CONSTRAINTS ALL IMMEDIATE``, untimed: Django's are deferred to the commit, which a
   rolled-back round never reaches). Interleaved rounds, fastest of each.
2. Reads, on a generated corpus (``bench/ingest.py``'s ``generated_feed``, enriched as
   ``enrich --all`` does), the prototypes filled from today's tables by SQL: a page of an
   entity's and of a topic's newest articles with its count (for the most and a least linked
   one), the topic page's most present entities among its newest 200 articles, and a page of the
   API's claims (``/api/v1/claims/``: 50 visible claims, newest id first) with their
   appearances in published articles.

Results (2026-12-05 08:51-08:53 UTC, x86_64, 2 cores shared, PostgreSQL 15, load 1.3-2.3; two
runs with the defaults, ratios to ``today`` in the same run):

- The seed writes 1,008 of these rows: 346 links (222 mentions, 41 initiative links, 83 topic
  links), 206 claims, 211 appearances, 217 + 28 claim links. 204 of its 206 claims are stated
  by one article (their sentence is the claim's statement for all 204): own sentence removes
  204 of 211 appearance rows (804 rows, 7 statements); wide writes 476 rows in 4 statements. On
  the 5,025-article corpus own sentence removes 5,009 of 45,010 appearances: its figures
  repeat across posts, the seed's hardly do.
- Writes: own sentence 0.76-0.79x, wide 0.66-0.68x (0.68-0.73x with the links' provenance);
  saved, 5-6 ms and 8 ms: 0.22-0.27 and 0.37 of the in-process ingest's database calls
  (21 ms) and 0.05-0.06 and 0.08 of the whole in-process ingest (96 ms) measured in the same
  rounds. With foreign keys left unchecked: 0.71x and 0.74x.
- Reads, wide: newest articles of the most linked entity 1.03-1.13x, topic 1.51-1.66x (a GIN
  bitmap and a sort instead of walking a btree); of a least linked one 0.83-0.91x; the topic
  page's most present entities 0.75-0.78x. The API's claims page with appearances 25-26x (a
  GIN lookup per claim to learn it is visible; 7.8-8.2x reading every article row instead).
  Own sentence: the API page 0.94-1.06x, with the visibility rule as one EXISTS over the own
  article and the appearances (as OR of two, PostgreSQL hashed both whole tables: 14-17x).

So either shape would take 5-8 % off the in-process ingest, where issue 17 asks it to go from
3.3x to 1.0x of feedparser.parse; and the wide row gives up the per-claim path to its articles
that the partners' API reads.
"""

import argparse
import json
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, interleaved, machine, setup_django  # noqa: E402

LISTING = "a.id, a.title, a.summary, a.published_at, a.first_seen_at, a.is_state_media, "
LISTING += "a.disclosure, a.comment_count, a.story_id"
PAGE = 20  # ENTITY_ARTICLES_PER_PAGE, TOPIC_ARTICLES_PER_PAGE
API_PAGE = 50  # the partners' API's page_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25, help="rounds of the writes")
    parser.add_argument("--read-rounds", type=int, default=15, help="rounds of the reads")
    parser.add_argument("--articles", type=int, default=5000, help="generated articles to read")
    parser.add_argument(
        "--deferred-fks",
        action="store_true",
        help="leave foreign keys deferred: a rolled-back round then never checks them",
    )
    parser.add_argument("--no-reads", action="store_true", help="the writes only")
    parser.add_argument("--explain", action="store_true", help="print the API reads' plans")
    args = parser.parse_args()
    setup_django()
    import logging

    from django.conf import settings

    if not settings.IS_POSTGRES:
        sys.exit("PostgreSQL only: set DATABASE_URL")
    logging.disable(logging.INFO)
    started = datetime.now(UTC)
    print(f"# Row shapes — {machine()}, {started:%H:%M} UTC, load {_load()}")
    writes = measure_writes(args.rounds, deferred=args.deferred_fks)
    reads = (
        {}
        if args.no_reads
        else measure_reads(args.articles, args.read_rounds, explain=args.explain)
    )
    print(f"\nfinished {datetime.now(UTC):%H:%M} UTC, load {_load()}")
    print(json.dumps({"writes": writes, "reads": reads}, default=str))


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# --- the prototype tables ------------------------------------------------------------------------


def _clone(cursor, table: str, new: str, refs: dict[str, str]) -> None:
    """``new``: ``table``'s columns, defaults, checks and indexes, and its foreign keys (to
    ``refs``' tables instead where named), as deferrable as Django makes them."""
    cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING ALL)")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    for name, definition in cursor.fetchall():
        for old, other in refs.items():
            definition = definition.replace(f"REFERENCES {old}(", f"REFERENCES {other}(")
        cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT proto_{name} {definition}")


def create_prototypes() -> None:
    from django.db import connection

    claim = {"tracker_claim": "proto_claim"}
    fk = "DEFERRABLE INITIALLY DEFERRED"
    with connection.cursor() as cursor:
        _clone(cursor, "tracker_claim", "proto_claim", {})
        cursor.execute(
            "ALTER TABLE proto_claim "
            f"ADD COLUMN article_id bigint REFERENCES articles_article(id) {fk}, "
            "ADD COLUMN location varchar(10), ADD COLUMN position integer"
        )
        # The article page reads its claims by article: here, and on the appearances.
        cursor.execute(
            "CREATE INDEX proto_claim_article ON proto_claim (article_id) "
            "WHERE article_id IS NOT NULL"
        )
        _clone(cursor, "tracker_claimappearance", "proto_claimappearance", claim)
        _clone(cursor, "tracker_claim_entities", "proto_claim_entities", claim)
        _clone(cursor, "tracker_claim_initiatives", "proto_claim_initiatives", claim)
        for name, extra in (("proto_article_row", ""), ("proto_article_row_full", ", links jsonb")):
            cursor.execute(
                f"CREATE TABLE {name} (article_id bigint PRIMARY KEY "
                f"REFERENCES articles_article(id) {fk}, entity_ids bigint[] NOT NULL, "
                "initiative_ids bigint[] NOT NULL, topic_ids bigint[] NOT NULL, "
                f"claim_ids bigint[] NOT NULL, claims jsonb NOT NULL{extra})"
            )
            for column in ("entity_ids", "initiative_ids", "topic_ids", "claim_ids"):
                cursor.execute(f"CREATE INDEX {name}_{column} ON {name} USING gin ({column})")


PROTO_TABLES = (
    "proto_claim_entities", "proto_claim_initiatives", "proto_claimappearance", "proto_claim",
    "proto_article_row", "proto_article_row_full",
)  # fmt: skip


# --- 1. writes -----------------------------------------------------------------------------------


def measure_writes(rounds: int, *, deferred: bool) -> dict:
    from django.db import connection, transaction

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker.models import (
        ArticleInitiative,
        ArticleTopic,
        Claim,
        ClaimAppearance,
        Mention,
    )
    from tracker.reference import read_reference
    from tracker.services.bulk import insert_fresh, insert_new
    from tracker.services.enrichment_claims import NewAppearance, NewClaim
    from tracker.services.reference import reference_load

    reference_load(data=read_reference())
    seed = (SHARED / "feeds" / "rareearthexchanges-clean-energy.xml").read_bytes()
    # In-process (the test settings' eager tasks): the tracker rows of today's ingest.
    feed_ingest_document(feed=Feed.objects.create(url="https://bench.example.org/f/"), body=seed)
    with connection.cursor() as cursor:  # what the ingest wrote, table by table
        written_by_ingest = {}
        for table in sorted(connection.introspection.table_names()):
            if table.startswith(("tracker_", "articles_")):
                cursor.execute(f"SELECT count(*) FROM {table}")
                if n := cursor.fetchone()[0]:
                    written_by_ingest[table] = n
    create_prototypes()

    ClaimEntity, ClaimInitiative = Claim.entities.through, Claim.initiatives.through
    link = ("article", "origin", "state", "matched_text", "confidence", "created_at", "updated_at")
    links = {
        Mention: ("entity", "occurrences", *link),
        ArticleInitiative: ("initiative", "basis", *link),
        ArticleTopic: ("topic", *link),
    }

    def values(model, names, order="pk"):
        cols = [model._meta.get_field(name).column for name in names]
        return [tuple(row) for row in model._default_manager.order_by(order).values_list(*cols)]

    link_rows = {model: values(model, names) for model, names in links.items()}
    claim_rows = values(Claim, ("id", *NewClaim._fields))
    appearance_rows = values(ClaimAppearance, NewAppearance._fields, order="pk")
    claim_entity_rows = values(ClaimEntity, ("claim", "entity"))
    claim_initiative_rows = values(ClaimInitiative, ("claim", "initiative"))
    fingerprint_of = {row[0]: row[1] for row in claim_rows}
    claims = [row[1:] for row in claim_rows]  # without the id: new ones come from RETURNING
    statement_of = {row[0]: row[2] for row in claim_rows}
    stated = Counter(claim for claim, *_ in appearance_rows)
    alone = {claim for claim, n in stated.items() if n == 1}
    own = {a[0]: a for a in appearance_rows if a[0] in alone}  # claim -> its one appearance
    same_sentence = sum(statement_of[claim] == a[2] for claim, a in own.items())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, t.typname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE c.relname LIKE 'proto_%%' AND a.attnum > 0 AND NOT a.attisdropped"
        )
        types = {(table, column): name for table, column, name in cursor.fetchall()}

    def raw_copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """The same binary COPY as ``reex.bulk.copy_in``, into a table no model names."""
        if not rows:
            return
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        # pg_type names an array type by its element's with a leading underscore.
        wanted = [
            types[table, c][1:] + "[]" if types[table, c].startswith("_") else types[table, c]
            for c in columns
        ]

        def copy_rows(sql, params, many, context):
            with context["cursor"].cursor.copy(sql) as copy:
                copy.set_types(wanted)
                for row in rows:
                    copy.write_row(row)

        with connection.cursor() as cursor:
            cursor._execute_with_wrappers(sql, None, False, executor=copy_rows)

    def json_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
        """``insert_new``'s statement, into a table no model names, ids returned."""
        keys = [c + "_id" if c in ("subject_initiative", "subject_entity") else c for c in columns]
        names = ", ".join(keys)
        document = json.dumps([dict(zip(keys, row, strict=True)) for row in rows], default=str)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} "
                f"FROM json_populate_recordset(NULL::{table}, %s) "
                "ON CONFLICT DO NOTHING RETURNING fingerprint, id",
                [document],
            )
            return cursor.fetchall()

    def claim_ids(returned: list[tuple]) -> dict[int, int]:
        """The new id of each claim, by its id in the ingest that made the rows."""
        ids = dict(returned)
        return {old: ids[fingerprint] for old, fingerprint in fingerprint_of.items()}

    def links_today() -> None:
        for model, names in links.items():
            insert_fresh(model, names, link_rows[model])

    def claim_links(new: dict[int, int], entities, initiatives, proto: bool = False) -> None:
        if proto:
            raw_copy("proto_claim_entities", ("claim_id", "entity_id"), entities(new))
            raw_copy("proto_claim_initiatives", ("claim_id", "initiative_id"), initiatives(new))
        else:
            insert_fresh(ClaimEntity, ("claim", "entity"), entities(new))
            insert_fresh(ClaimInitiative, ("claim", "initiative"), initiatives(new))

    def entities_of(new):
        return [(new[c], e) for c, e in claim_entity_rows]

    def initiatives_of(new):
        return [(new[c], i) for c, i in claim_initiative_rows]

    def today() -> None:
        links_today()
        new = claim_ids(
            insert_new(Claim, NewClaim._fields, claims, returning=("fingerprint", "id"))
        )
        insert_fresh(
            ClaimAppearance, NewAppearance._fields, [(new[a[0]], *a[1:]) for a in appearance_rows]
        )
        claim_links(new, entities_of, initiatives_of)

    def today_raw() -> None:
        """``today`` through the benchmark's own helpers, which the prototypes use: what the
        helpers themselves cost apart from the shapes."""
        links_raw()
        new = claim_ids(json_insert("tracker_claim", NewClaim._fields, claims))
        _copy_model_rows(
            ClaimAppearance,
            ("claim_id", "article_id", "sentence", "location", "position", "created_at"),
            [(new[a[0]], *a[1:]) for a in appearance_rows],
        )
        _copy_model_rows(ClaimEntity, ("claim_id", "entity_id"), entities_of(new))
        _copy_model_rows(ClaimInitiative, ("claim_id", "initiative_id"), initiatives_of(new))

    def links_raw() -> None:
        for model, names in links.items():
            cols = tuple(model._meta.get_field(n).column for n in names)
            _copy_model_rows(model, cols, link_rows[model])

    model_types: dict = {}

    def _copy_model_rows(model, cols, rows):
        table = model._meta.db_table
        if table not in model_types:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT a.attname, t.typname FROM pg_attribute a "
                    "JOIN pg_type t ON t.oid = a.atttypid "
                    "WHERE a.attrelid = %s::regclass AND a.attnum > 0",
                    [table],
                )
                model_types[table] = dict(cursor.fetchall())
            types.update({(table, c): t for c, t in model_types[table].items()})
        raw_copy(table, cols, rows)

    for model in (*links, ClaimAppearance, ClaimEntity, ClaimInitiative):
        _copy_model_rows(model, (), [])  # read the column types now, not in a timed round

    own_columns = (*NewClaim._fields, "article_id", "location", "position")

    def own_sentence() -> None:
        links_raw()
        rows = []
        for row in claim_rows:
            mine = own.get(row[0])
            rows.append((*row[1:], *((mine[1], mine[3], mine[4]) if mine else (None,) * 3)))
        new = claim_ids(json_insert("proto_claim", own_columns, rows))
        raw_copy(
            "proto_claimappearance",
            ("claim_id", "article_id", "sentence", "location", "position", "created_at"),
            [(new[a[0]], *a[1:]) for a in appearance_rows if a[0] not in alone],
        )
        claim_links(new, entities_of, initiatives_of, proto=True)

    wide_columns = ("article_id", "entity_ids", "initiative_ids", "topic_ids", "claim_ids")
    wide_columns += ("claims",)

    article_index = {model: names.index("article") for model, names in links.items()}

    def wide_rows(new: dict[int, int], provenance: bool) -> list[tuple]:
        rows: dict[int, list] = {}

        def row(article_id):
            return rows.setdefault(article_id, [article_id, [], [], [], [], [], []])

        for column, model in enumerate(links, start=1):
            at, state_at = article_index[model], links[model].index("state")
            for r in link_rows[model]:
                if r[state_at] != "rejected":
                    row(r[at])[column].append(r[0])
        for claim, article_id, sentence, location, position, _ in appearance_rows:
            this = row(article_id)
            this[4].append(new[claim])
            this[5].append({"claim": new[claim], "s": sentence, "l": location, "p": position})
        if not provenance:
            return [tuple(r[:6]) for r in rows.values()]
        for model, names in links.items():
            at = article_index[model]
            text_at, confidence_at = names.index("matched_text"), names.index("confidence")
            for r in link_rows[model]:
                extra = r[1] if model is not ArticleTopic else None  # occurrences, basis
                row(r[at])[6].append(
                    [
                        model.__name__[7] if model is not Mention else "M",
                        r[0],
                        r[text_at],
                        r[confidence_at],
                        extra,
                    ]
                )
        return [tuple(r) for r in rows.values()]

    def wide(provenance: bool = False) -> None:
        new = claim_ids(json_insert("tracker_claim", NewClaim._fields, claims))
        table = "proto_article_row_full" if provenance else "proto_article_row"
        columns = (*wide_columns, "links") if provenance else wide_columns
        raw_copy(table, columns, wide_rows(new, provenance))
        _copy_model_rows(ClaimEntity, ("claim_id", "entity_id"), entities_of(new))
        _copy_model_rows(ClaimInitiative, ("claim_id", "initiative_id"), initiatives_of(new))

    emptied = [
        "tracker_claimappearance", "tracker_claim_entities", "tracker_claim_initiatives",
        "tracker_mention", "tracker_articleinitiative", "tracker_articletopic",
    ]  # fmt: skip
    shapes = {
        "today": today,
        "today, bench helpers": today_raw,
        "own sentence": own_sentence,
        "wide": wide,
        "wide + provenance": lambda: wide(provenance=True),
    }
    statements: dict[str, int] = {}
    written: dict[str, int] = {}

    def count_rows() -> int:
        tables = [*emptied, "tracker_claim", *PROTO_TABLES]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in tables))
            return cursor.fetchone()[0]

    def empty() -> None:
        with connection.cursor() as cursor:
            if not deferred:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in (*emptied, "tracker_claim"):
                cursor.execute(f"DELETE FROM {table}")

    for name, shape in shapes.items():  # once, counted: statements and rows
        with transaction.atomic():
            empty()
            calls: list[str] = []

            def count(execute, sql, *rest, calls=calls):
                calls.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                shape()
            statements[name] = len(calls)
            written[name] = count_rows()
            transaction.set_rollback(True)

    # The whole in-process ingest of the seed in the same rounds, for scale: its articles
    # deleted first (untimed), then ingested again, rolled back with the rest.
    from ingest import database_time

    feeds = iter(range(10**6))
    ingest_database: list[float] = []
    ingest_feed: list = []

    def before_ingest() -> None:
        if not deferred:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Article.objects.all().delete()
        ingest_feed[:] = [Feed.objects.create(url=f"https://bench.example.org/{next(feeds)}/")]

    def ingest() -> None:
        with database_time(ingest_database):
            fetch = feed_ingest_document(feed=ingest_feed[0], body=seed)
        assert fetch.entries_created == 25, fetch

    runs = {name: (empty, shape) for name, shape in shapes.items()}
    runs["in-process ingest of the seed"] = (before_ingest, ingest)
    best = dict.fromkeys(runs, float("inf"))
    vacuumed = [*emptied, "tracker_claim", *PROTO_TABLES, "tracker_articleenrichment"]
    vacuumed += ["tracker_entitysighting", "tracker_entitysuggestion", "tracker_event"]
    vacuumed += [f"articles_{name}" for name in ("article", "articlefeed", "feed", "feedfetch")]
    vacuumed += ["articles_story"]
    order, shuffle = list(runs), random.Random(17).shuffle
    for _ in range(rounds):
        # A new order each round: no shape always runs first, or after the ingest (whose
        # rolled-back rows slow the next round's statements).
        shuffle(order)
        for name in order:
            prepare, run = runs[name]
            # Every shape starts from vacuumed tables. Rolled-back rows stay as dead index
            # entries: the claims' unique fingerprints, inserted again every round, gather
            # dead duplicates in ``tracker_claim``, which four measures write, faster than in
            # ``proto_claim``, which one writes; unvacuumed, that favoured the prototypes.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {', '.join(vacuumed)}")
            with transaction.atomic():
                prepare()
                started = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - started)
                transaction.set_rollback(True)
    whole, database = best.pop("in-process ingest of the seed"), min(ingest_database)

    checks = "deferred (never run)" if deferred else "checked at once"
    print(
        f"\n## Writes: the seed's tracker rows again, fastest of {rounds} rounds (shuffled), "
        f"foreign keys {checks}\n"
    )
    print(
        f"Seed rows: {sum(len(r) for r in link_rows.values())} links "
        + ", ".join(f"({m.__name__} {len(r)})" for m, r in link_rows.items())
        + f", {len(claims)} claims, {len(appearance_rows)} appearances, "
        f"{len(claim_entity_rows)} claim-entity and {len(claim_initiative_rows)} "
        "claim-initiative links."
    )
    print(
        f"Claims stated by one article: {len(alone)} of {len(stated)} "
        f"(appearance rows removed by own sentence: {len(alone)} of {len(appearance_rows)}; "
        f"its sentence is the claim's statement for {same_sentence} of them). "
        f"Claims stated by 2+ articles: {len(stated) - len(alone)}, with "
        f"{len(appearance_rows) - len(alone)} appearances."
    )
    print(
        "Rows after the ingest (reference data included): "
        + ", ".join(f"{t} {n}" for t, n in written_by_ingest.items())
    )
    print(
        f"The whole in-process ingest of the seed, same rounds: {whole * 1000:.1f} ms, of which "
        f"database calls {database * 1000:.1f} ms (fastest of each)."
    )
    print()
    print(
        "| shape | rows written | statements | time | ÷ today | ÷ today, bench helpers "
        "| saved (÷ today, bench helpers) ÷ the ingest's database calls | ÷ the whole ingest |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    base, fair = best["today"], best["today, bench helpers"]
    for name in shapes:
        saved = fair - best[name]
        print(
            f"| {name} | {written[name]} | {statements[name]} | {best[name] * 1000:.2f} ms "
            f"| {best[name] / base:.2f}× | {best[name] / fair:.2f}× | {saved / database:.2f} "
            f"| {saved / whole:.2f} |"
        )
    return {
        "best_ms": {k: v * 1000 for k, v in best.items()},
        "statements": statements,
        "written": written,
        "ingest_ms": whole * 1000,
        "ingest_database_ms": database * 1000,
        "alone": len(alone),
        "appearances": len(appearance_rows),
    }


# --- 2. reads ------------------------------------------------------------------------------------


def measure_reads(articles: int, rounds: int, *, explain: bool) -> dict:
    from django.db import connection
    from ingest import extraction_queued, generated_feed

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker import selectors
    from tracker.models import Mention
    from tracker.services.enrichment import articles_enrich

    settings_feeds(articles)
    with extraction_queued():
        feed = Feed.objects.create(url="https://bench.example.org/more/feed/")
        feed_ingest_document(feed=feed, body=generated_feed(articles))
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    started = time.perf_counter()
    for chunk in range(0, len(ids), 200):  # the task's chunk size
        articles_enrich(article_ids=ids[chunk : chunk + 200], force=True)
    print(f"\n(enriched {len(ids)} articles in {time.perf_counter() - started:.1f} s)")

    with connection.cursor() as cursor:
        for table in PROTO_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        fill_prototypes(cursor)
        # Vacuumed, today's tables as the prototypes: GIN indexes keep fresh entries in a
        # pending list every search reads until a vacuum merges it.
        cursor.execute("VACUUM ANALYZE")
        counts = {}
        for table in (
            "tracker_mention", "tracker_articleinitiative", "tracker_articletopic",
            "tracker_claim", "tracker_claimappearance", "proto_claim", "proto_claimappearance",
            "proto_article_row",
        ):  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM proto_claim WHERE article_id IS NOT NULL")
        counts["own sentence (claims stated by one article)"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(DISTINCT claim_id) FROM tracker_claimappearance")
        counts["claims stated at all"] = cursor.fetchone()[0]
        sizes = {}
        for table in (
            "tracker_mention", "tracker_articleinitiative", "tracker_articletopic",
            "tracker_claimappearance", "proto_claimappearance", "proto_article_row",
            "proto_article_row_full",
        ):  # fmt: skip
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = cursor.fetchone()[0]
        # The most and a least linked entity and topic (a least: among those with 5+ links).
        picks = {}
        for kind, table, column in (
            ("entity", "tracker_mention", "entity_id"),
            ("topic", "tracker_articletopic", "topic_id"),
        ):
            cursor.execute(
                f"SELECT {column}, count(*) FROM {table} WHERE state <> 'rejected' "
                f"GROUP BY {column} HAVING count(*) >= 5 ORDER BY count(*) DESC, {column}"
            )
            found = cursor.fetchall()
            picks[f"{kind}, most linked ({found[0][1]} articles)"] = (kind, found[0][0])
            picks[f"{kind}, least linked ({found[-1][1]} articles)"] = (kind, found[-1][0])

    explaining: list[str] = []  # with --explain: the plans of the claims' queries

    def run(sql, params):
        with connection.cursor() as cursor:
            if explaining:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
                print(f"\n{explaining[0]}:\n" + "\n".join(r[0] for r in cursor.fetchall()[:14]))
            cursor.execute(sql, params)
            return cursor.fetchall()

    def page_today(table, column, target):
        where = f"l.{column} = %s AND l.state <> 'rejected' AND NOT a.is_hidden"
        join = f"FROM {table} l JOIN articles_article a ON a.id = l.article_id WHERE {where}"

        def read():
            run(f"SELECT count(*) {join}", [target])
            return run(
                f"SELECT {LISTING} {join} "
                f"ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT {PAGE}",
                [target],
            )

        return read

    def page_wide(column, target):
        where = f"w.{column} @> ARRAY[%s]::bigint[] AND NOT a.is_hidden"
        join = "FROM proto_article_row w JOIN articles_article a ON a.id = w.article_id "
        join += f"WHERE {where}"

        def read():
            run(f"SELECT count(*) {join}", [target])
            return run(
                f"SELECT {LISTING} {join} "
                f"ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT {PAGE}",
                [target],
            )

        return read

    def entity_page_django(target):
        def read():
            links = selectors._newest_article_first(
                selectors._articles_of(selectors._visible_links(Mention).filter(entity=target))
            )
            links.count()
            return list(links[:PAGE])

        return read

    measures: dict = {}
    same: dict[str, bool] = {}
    for label, (kind, target) in picks.items():
        table, column = {
            "entity": ("tracker_mention", "entity_id"),
            "topic": ("tracker_articletopic", "topic_id"),
        }[kind]
        wide_column = f"{kind}_ids"
        a, c = page_today(table, column, target), page_wide(wide_column, target)
        same[label] = [r[0] for r in a()] == [r[0] for r in c()]
        measures[f"{label}: today"] = a
        measures[f"{label}: wide"] = c
        if kind == "entity":
            measures[f"{label}: today, the selector's queryset"] = entity_page_django(target)

    # The topic page's "most present" entities among its newest 200 articles.
    topic = next(t for k, t in picks.values() if k == "topic")
    newest = [
        r[0]
        for r in run(
            "SELECT a.id FROM tracker_articletopic l JOIN articles_article a "
            "ON a.id = l.article_id WHERE l.topic_id = %s AND l.state <> 'rejected' "
            "ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT 200",
            [topic],
        )
    ]

    def present_today():
        return run(
            "SELECT entity_id, count(*) FROM tracker_mention WHERE article_id = ANY(%s) "
            "AND state IN ('suggested', 'confirmed') GROUP BY entity_id "
            "ORDER BY count(*) DESC, entity_id LIMIT 10",
            [newest],
        )

    def present_wide():
        return run(
            "SELECT e, count(*) FROM proto_article_row, unnest(entity_ids) e "
            "WHERE article_id = ANY(%s) GROUP BY e ORDER BY count(*) DESC, e LIMIT 10",
            [newest],
        )

    same["most present"] = present_today() == present_wide()
    measures["topic page, most present entities of 200 articles: today"] = present_today
    measures["topic page, most present entities of 200 articles: wide"] = present_wide

    claim_columns = "c.id, c.statement, c.figure_text, c.measure, c.value, c.unit, c.status"

    def api_today():
        claims = run(
            f"SELECT {claim_columns} FROM tracker_claim c WHERE EXISTS (SELECT 1 FROM "
            "tracker_claimappearance p JOIN articles_article a ON a.id = p.article_id "
            "WHERE p.claim_id = c.id AND NOT a.is_hidden) ORDER BY c.id DESC LIMIT %s",
            [API_PAGE],
        )
        appearances = run(
            "SELECT p.claim_id, p.article_id, p.sentence, p.location FROM "
            "tracker_claimappearance p JOIN articles_article a ON a.id = p.article_id "
            "WHERE p.claim_id = ANY(%s) AND NOT a.is_hidden ORDER BY p.article_id",
            [[c[0] for c in claims]],
        )
        return _by_claim(claims, appearances)

    def api_own():
        claims = run(
            f"SELECT {claim_columns}, c.article_id, c.location FROM proto_claim c "
            # One EXISTS over the own article and the appearances: with OR between two (or a
            # join to the own article) PostgreSQL hashed both whole tables first (14-17x
            # today's time in the first runs) instead of walking the newest claims.
            "WHERE EXISTS (SELECT 1 FROM (SELECT c.article_id UNION ALL SELECT p.article_id "
            "FROM proto_claimappearance p WHERE p.claim_id = c.id) s (article_id) "
            "JOIN articles_article a ON a.id = s.article_id WHERE NOT a.is_hidden) "
            "ORDER BY c.id DESC LIMIT %s",
            [API_PAGE],
        )
        shared = [c[0] for c in claims if c[-2] is None]
        appearances = run(
            "SELECT p.claim_id, p.article_id, p.sentence, p.location FROM "
            "proto_claimappearance p JOIN articles_article a ON a.id = p.article_id "
            "WHERE p.claim_id = ANY(%s) AND NOT a.is_hidden ORDER BY p.article_id",
            [shared],
        )
        # A claim's own appearance: its sentence is the statement.
        appearances += [(c[0], c[-2], c[1], c[-1]) for c in claims if c[-2] is not None]
        return _by_claim([c[:-2] for c in claims], appearances)

    def wide_appearances(ids: list[int]) -> list[tuple]:
        """The appearances of these claims, read out of the wide rows' jsonb."""
        return run(
            "SELECT x.claim, w.article_id, x.s, x.l FROM proto_article_row w "
            "JOIN articles_article a ON a.id = w.article_id "
            "CROSS JOIN LATERAL jsonb_to_recordset(w.claims) AS x(claim bigint, s text, l text) "
            "WHERE w.claim_ids && %s::bigint[] AND NOT a.is_hidden AND x.claim = ANY(%s) "
            "ORDER BY w.article_id",
            [ids, ids],
        )

    def api_wide():
        claims = run(
            f"SELECT {claim_columns} FROM tracker_claim c WHERE EXISTS (SELECT 1 FROM "
            "proto_article_row w JOIN articles_article a ON a.id = w.article_id "
            "WHERE w.claim_ids @> ARRAY[c.id] AND NOT a.is_hidden) ORDER BY c.id DESC LIMIT %s",
            [API_PAGE],
        )
        return _by_claim(claims, wide_appearances([c[0] for c in claims]))

    def api_wide_semijoin():
        """The same, the visible claims found by one pass over the published articles' rows
        rather than a GIN lookup per claim."""
        claims = run(
            f"SELECT {claim_columns} FROM tracker_claim c WHERE c.id IN "
            "(SELECT unnest(w.claim_ids) FROM proto_article_row w "
            "JOIN articles_article a ON a.id = w.article_id WHERE NOT a.is_hidden) "
            "ORDER BY c.id DESC LIMIT %s",
            [API_PAGE],
        )
        return _by_claim(claims, wide_appearances([c[0] for c in claims]))

    def api_django():
        from tracker.api.views import ClaimViewSet

        page = ClaimViewSet.queryset.filter(is_visible=True).order_by("-id")[:API_PAGE]
        return [(c.pk, [a.article_id for a in c.appearances.all()]) for c in page]

    same["api, own sentence"] = api_today() == api_own()
    same["api, wide"] = api_today() == api_wide()
    measures["API claims page with appearances: today"] = api_today
    measures["API claims page with appearances: today, the view's queryset"] = api_django
    measures["API claims page with appearances: own sentence"] = api_own
    measures["API claims page with appearances: wide"] = api_wide
    same["api, wide, semi-join"] = api_today() == api_wide_semijoin()
    measures["API claims page with appearances: wide, semi-join"] = api_wide_semijoin

    if explain:
        for name, read in measures.items():
            if name.startswith("API") and "queryset" not in name:
                explaining[:] = [name]
                read()
        explaining.clear()
    best = interleaved(measures, rounds=rounds)
    print(f"\n## Reads: generated corpus, fastest of {rounds} interleaved rounds\n")
    print("Rows: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print(
        "Sizes (table and indexes): " + ", ".join(f"{t} {n // 1024} KB" for t, n in sizes.items())
    )
    print("Same results as today's: " + ", ".join(f"{k} {v}" for k, v in same.items()))
    print()
    print("| read | time | ÷ today |")
    print("| --- | --- | --- |")
    for name, spent in best.items():
        group = name.rsplit(": ", 1)[0]
        base = best[f"{group}: today"]
        print(f"| {name} | {spent * 1000:.2f} ms | {spent / base:.2f}× |")
    return {
        "best_ms": {k: v * 1000 for k, v in best.items()},
        "counts": counts,
        "sizes": sizes,
        "same": same,
    }


def _by_claim(claims, appearances):
    found: dict[int, list] = {c[0]: [] for c in claims}
    for claim, article, sentence, location in appearances:
        found[claim].append((article, sentence, location))
    return [(c, sorted(found[c[0]])) for c in claims]


def settings_feeds(articles: int) -> None:
    from django.conf import settings

    # The generated corpus is one document: lift the per-document item cap for it.
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": articles + 100}


def fill_prototypes(cursor) -> None:
    """The prototypes' rows, from today's tables."""
    cursor.execute(
        "CREATE TEMP TABLE alone AS SELECT claim_id, min(id) AS id FROM tracker_claimappearance "
        "GROUP BY claim_id HAVING count(*) = 1"
    )
    cursor.execute(
        "INSERT INTO proto_claim SELECT c.*, p.article_id, p.location, p.position "
        "FROM tracker_claim c LEFT JOIN alone o ON o.claim_id = c.id "
        "LEFT JOIN tracker_claimappearance p ON p.id = o.id"
    )
    cursor.execute(
        "INSERT INTO proto_claimappearance SELECT p.* FROM tracker_claimappearance p "
        "WHERE NOT EXISTS (SELECT 1 FROM alone o WHERE o.claim_id = p.claim_id)"
    )
    cursor.execute("INSERT INTO proto_claim_entities SELECT * FROM tracker_claim_entities")
    cursor.execute("INSERT INTO proto_claim_initiatives SELECT * FROM tracker_claim_initiatives")
    cursor.execute("DROP TABLE alone")

    def ids(table, column):
        return (
            f"COALESCE((SELECT array_agg({column} ORDER BY {column}) FROM {table} l "
            "WHERE l.article_id = a.id AND l.state <> 'rejected'), '{}')"
        )

    appearances = "tracker_claimappearance p WHERE p.article_id = a.id"
    wide = (
        f"SELECT a.id, {ids('tracker_mention', 'entity_id')}, "
        f"{ids('tracker_articleinitiative', 'initiative_id')}, "
        f"{ids('tracker_articletopic', 'topic_id')}, "
        f"COALESCE((SELECT array_agg(p.claim_id ORDER BY p.position) FROM {appearances}), '{{}}'), "
        "COALESCE((SELECT jsonb_agg(jsonb_build_object('claim', p.claim_id, 's', p.sentence, "
        f"'l', p.location, 'p', p.position) ORDER BY p.position) FROM {appearances}), '[]')"
    )
    links = (
        "(SELECT jsonb_agg(x) FROM (SELECT jsonb_build_array('M', entity_id, matched_text, "
        "confidence, occurrences) x FROM tracker_mention l WHERE l.article_id = a.id "
        "UNION ALL SELECT jsonb_build_array('I', initiative_id, matched_text, confidence, basis) "
        "FROM tracker_articleinitiative l WHERE l.article_id = a.id UNION ALL SELECT "
        "jsonb_build_array('T', topic_id, matched_text, confidence, null) FROM "
        "tracker_articletopic l WHERE l.article_id = a.id) links)"
    )
    cursor.execute(f"INSERT INTO proto_article_row {wide} FROM articles_article a")
    cursor.execute(f"INSERT INTO proto_article_row_full {wide}, {links} FROM articles_article a")


if __name__ == "__main__":
    main()
