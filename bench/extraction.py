"""Extraction as the reference data grows: time per article at 100, 10,000 and 100,000 entities,
with the real initiative patterns and with 2,000 more; the lexicon's build, its rebuild after an
edit (an alias added, an entity renamed: compiled from the changes, ``Matcher``'s ``previous``)
and extraction with that rebuilt lexicon, and the version check beside.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/extraction.py

The corpus is the seed feed and generated articles (``bench/ingest.py``'s generator) with the real
reference data; made-up entity names (company-like: "Korvalune Minerals") and made-up patterns
are added on top. Sizes are measured in alternation (100, 10,000, 100,000, 100, ...), fastest of
each, process CPU time, so both see the same machine. Target: per-article time at 10,000
entities < 1.5× that at 100.

Beside it, the name scan alone, as the matcher runs it (a trie regex over the lowercased text)
and as an Aho-Corasick automaton would (pyahocorasick, ahocorasick-rs) before any word
boundary or case check: the data behind keeping the regex for names (docs/PERFORMANCE.md).
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, machine, setup_django  # noqa: E402

SYLLABLES = "ka ro vi na te lo mi su da re to ni ga be lu fe zo ha pi co mar sel dun".split()
SUFFIXES = (
    "Minerals Resources Holdings Metals Mining Group Materials Energy Technologies Capital"
).split()


def made_up_name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return f"{word.capitalize()} {rng.choice(SUFFIXES)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400, help="generated articles")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    import logging

    logging.disable(logging.INFO)
    from django.conf import settings
    from ingest import extraction_queued, generated_feed

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker import extraction
    from tracker.lexicon import build_lexicon, lexicon_version
    from tracker.models import Entity, EntityAlias, Initiative
    from tracker.reference import read_reference
    from tracker.services.reference import reference_load

    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": args.articles + 100}
    reference_load(data=read_reference())
    with extraction_queued():
        seed = SHARED / "feeds" / "rareearthexchanges-clean-energy.xml"
        if seed.exists():
            feed = Feed.objects.create(url="https://bench.example.org/seed/feed/")
            feed_ingest_document(feed=feed, body=seed.read_bytes())
        more = Feed.objects.create(url="https://bench.example.org/more/feed/")
        feed_ingest_document(feed=more, body=generated_feed(args.articles))
    rows = Article.objects.values_list("id", "title", "content_text", "highlights", "disclosure")
    articles = [
        extraction.ArticleText(pk, title, text, tuple(highlights or ()), disclosure)
        for pk, title, text, highlights, disclosure in rows
    ]
    real = Entity.objects.count()
    rng = random.Random(7)

    def entities(total: int) -> None:
        Entity.objects.filter(slug__startswith="bench-").delete()
        Entity.objects.bulk_create(
            Entity(name=made_up_name(rng), slug=f"bench-{n}", kind="company")
            for n in range(total - real)
        )

    def patterns(count: int) -> None:
        Initiative.objects.filter(slug__startswith="bench-").delete()
        Initiative.objects.bulk_create(
            Initiative(
                name=f"Made-up programme {n}",
                slug=f"bench-{n}",
                kind="program",
                patterns=[rf"\b{made_up_name(rng).split()[0]} (?:accord|pact|framework)\b"],
            )
            for n in range(count)
        )

    cases = {
        "100 entities": (100, 0),
        "10,000 entities": (10_000, 0),
        "100,000 entities": (100_000, 0),
        "100 entities, 2,000 more patterns": (100, 2_000),
    }
    best = {name: float("inf") for name in cases}
    builds: dict[str, float] = {}
    rebuilds: dict[str, float] = {}  # after one edit, from the build before it
    after_edit = {name: float("inf") for name in cases}  # extract per article then
    checks: dict[str, float] = {}
    scans: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for name, (total, extra) in cases.items():
            entities(total)
            patterns(extra)
            started = time.perf_counter()
            lexicon = build_lexicon(lexicon_version())
            builds[name] = min(builds.get(name, 1e9), time.perf_counter() - started)
            started = time.perf_counter()
            for _ in range(50):
                lexicon_version()
            checks[name] = min(checks.get(name, 1e9), (time.perf_counter() - started) / 50)
            started = time.process_time()
            for article in articles:
                extraction.extract(lexicon, article)
            best[name] = min(best[name], (time.process_time() - started) / len(articles))
            if extra == 0:
                scans[name] = name_scans(lexicon, articles, scans.get(name, {}))
            # An editor adds an alias and renames an entity: every worker rebuilds.
            edited = (
                Entity.objects.filter(slug__startswith="bench-").first() or Entity.objects.first()
            )
            EntityAlias.objects.create(entity=edited, text=made_up_name(rng))
            Entity.objects.filter(pk=edited.pk).update(name=made_up_name(rng))
            started = time.perf_counter()
            rebuilt = build_lexicon(lexicon_version(), previous=lexicon)
            rebuilds[name] = min(rebuilds.get(name, 1e9), time.perf_counter() - started)
            assert not rebuilt.matcher.compiled_afresh
            started = time.process_time()
            for article in articles:
                extraction.extract(rebuilt, article)
            after_edit[name] = min(
                after_edit[name], (time.process_time() - started) / len(articles)
            )
    print(machine())
    print(f"{len(articles)} articles, {args.rounds} rounds, fastest of each\n")
    print(
        "| reference data | extract per article | lexicon build | rebuild after an edit "
        "| extract per article after it | version check |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name in cases:
        print(
            f"| {name} | {best[name] * 1e6:.0f} µs | {builds[name]:.2f} s "
            f"| {rebuilds[name]:.2f} s ({rebuilds[name] / builds[name]:.2f}×) "
            f"| {after_edit[name] * 1e6:.0f} µs ({after_edit[name] / best[name]:.2f}×) "
            f"| {checks[name] * 1e3:.2f} ms |"
        )
    ratio = best["10,000 entities"] / best["100 entities"]
    patterns_ratio = best["100 entities, 2,000 more patterns"] / best["100 entities"]
    print(f"\n10,000 ÷ 100 entities: {ratio:.2f}× (target < 1.5×)")
    print(f"2,000 more patterns ÷ the real ones: {patterns_ratio:.2f}×")
    print("\nThe name scan alone, per article (before word-boundary and case checks):")
    print("| reference data | trie regex (the matcher) | pyahocorasick | ahocorasick-rs |")
    print("| --- | --- | --- | --- |")
    for name, row in scans.items():
        cells = " | ".join(f"{row[k] * 1e6:.1f} µs ({row[k + ' hits']:.0f} hits)" for k in SCANS)
        print(f"| {name} | {cells} |")


SCANS = ("regex", "pyahocorasick", "ahocorasick-rs")


def name_scans(lexicon, articles, best: dict[str, float]) -> dict[str, float]:
    """Per article: the matcher's regex over the lowercased text, and the same keys through two
    Aho-Corasick automata (all matches, leftmost-longest), with the number of raw hits each
    hands to Python."""
    import ahocorasick

    try:
        import ahocorasick_rs
    except ImportError:  # optional: pip install ahocorasick-rs to compare
        ahocorasick_rs = None
    from tracker.extraction import _document

    texts = [_document(article)[0].lower() for article in articles]
    keys = list(lexicon.matcher._rules)
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, len(key))
    automaton.make_automaton()
    pattern = lexicon.matcher._pattern
    runs = {
        "regex": lambda text: sum(1 for _ in pattern.finditer(text)),
        "pyahocorasick": lambda text: sum(1 for _ in automaton.iter_long(text)),
    }
    if ahocorasick_rs is not None:
        rust = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        runs["ahocorasick-rs"] = lambda text: len(rust.find_matches_as_indexes(text))
    result = dict(best)
    for name, run in runs.items():
        started = time.process_time()
        hits = sum(run(text) for text in texts)
        spent = (time.process_time() - started) / len(texts)
        result[name] = min(result.get(name, 1e9), spent)
        result[f"{name} hits"] = hits / len(texts)
    for name in SCANS:
        result.setdefault(name, float("nan"))
        result.setdefault(f"{name} hits", float("nan"))
    return result


if __name__ == "__main__":
    main()
