"""Story grouping's cost: word-and-figure signatures, this tree against a commit, and a run of
``stories_assign`` among stored neighbours.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex \
        .venv/bin/python bench/stories.py --against REV

1. ``signature()`` over the seed's posts and generated posts, this tree's and ``REV``'s
   (``articles/stories.py`` as it was there, loaded beside this one in the same process),
   interleaved, fastest of the rounds; and how many signatures differ between the two (0: the
   same words and figures).
2. ``stories_assign`` of a new feed's 25 posts when ``--stored`` generated articles already lie
   in the three-day window, as on a busy tracker: every stored neighbour's signature is computed
   in the run (up to ``CANDIDATES`` per new post), so this is where signatures cost most.
"""

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, best_of, interleaved, machine, setup_django  # noqa: E402


def stories_at(rev: str):
    """``articles/stories.py`` as it was at ``rev``, as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:articles/stories.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="reex-bench-") as folder:
        path = Path(folder) / "stories_then.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location("articles.stories_then", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="the commit to compare signatures with")
    parser.add_argument("--stored", type=int, default=3000, help="stored neighbours in the window")
    parser.add_argument("--repeat", type=int, default=15, help="interleaved rounds")
    args = parser.parse_args()

    setup_django()
    import logging

    from django.conf import settings
    from django.db import transaction

    logging.disable(logging.INFO)
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": args.stored + 100}
    from ingest import extraction_queued, generated_feed

    from articles import stories
    from articles.models import Article, Feed
    from articles.parsing import parse_feed
    from articles.services import feed_ingest_document

    then = stories_at(args.against)
    seed_path = SHARED / "feeds" / "rareearthexchanges-clean-energy.xml"
    seed = parse_feed(seed_path.read_bytes(), url="https://bench.example.org/seed/").entries
    generated = parse_feed(generated_feed(500), url="https://bench.example.org/g/").entries

    def signatures(module, entries):
        def run():
            for entry in entries:
                module.signature(title=entry.title, summary=entry.summary, text=entry.content_text)

        return run

    def read(module, entry):
        found = module.signature(title=entry.title, summary=entry.summary, text=entry.content_text)
        return found.words, found.figures

    differing = sum(read(stories, e) != read(then, e) for e in [*seed, *generated])
    best = interleaved(
        {
            "then, seed": signatures(then, seed),
            "now, seed": signatures(stories, seed),
            "then, generated": signatures(then, generated),
            "now, generated": signatures(stories, generated),
        },
        rounds=args.repeat,
    )
    print(f"# Story grouping — {machine()}")
    print(f"signature(), this tree ÷ {args.against}, fastest of {args.repeat} interleaved rounds")
    print("| posts | then, µs a post | now, µs a post | now ÷ then |")
    print("| --- | --- | --- | --- |")
    for name, entries in (("seed", seed), ("generated", generated)):
        was, now = best[f"then, {name}"], best[f"now, {name}"]
        per = 1e6 / len(entries)
        print(f"| {name} ({len(entries)}) | {was * per:.0f} | {now * per:.0f} | {now / was:.2f}× |")
    print(f"signatures that differ: {differing} of {len(seed) + len(generated)}")

    # A busy tracker: --stored articles in the window, then a feed of 25 new posts.
    stored = Feed.objects.create(url="https://bench.example.org/stored/feed/")
    with extraction_queued():
        feed_ingest_document(feed=stored, body=generated_feed(args.stored))
    fresh = Feed.objects.create(url="https://bench.example.org/fresh/feed/")
    with extraction_queued():
        feed_ingest_document(feed=fresh, body=generated_feed(25, start=args.stored))
    new_ids = list(Article.objects.filter(feeds=fresh).values_list("id", flat=True))
    candidates = min(stories.CANDIDATES * len(new_ids), stories.CANDIDATES_PER_RUN)
    runs = []
    for _ in range(5):
        with transaction.atomic():
            Article.objects.filter(feeds=fresh).update(story=None)
            started = time.perf_counter()
            stories.stories_assign(article_ids=new_ids)
            runs.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    # What the run's signatures cost: generated posts like the stored ones, scaled to its count.
    sign = best_of(signatures(stories, generated)) / len(generated)
    sign *= min(candidates, args.stored) + len(new_ids)
    print(
        f"stories_assign of 25 new posts among {args.stored} stored: {min(runs) * 1000:.0f} ms "
        f"(up to {candidates} neighbours; their signatures about {sign * 1000:.0f} ms of it)"
    )


if __name__ == "__main__":
    main()
