"""Enrichment speed: ``enrich --all`` articles per second, optionally against an earlier commit.

    .venv/bin/python bench/enrich.py                     # this tree
    .venv/bin/python bench/enrich.py --against 1257687   # this tree and that commit, side by side

Extraction runs over the seed's 25 posts and generated articles (with the real reference names)
in the task's chunks, forced, several rounds; the fastest round counts. ``--against`` checks the
commit out into a temporary worktree and runs the same measure there and here in alternation
(A, B, A, B...), each in a fresh process on its own throwaway database, so both see the same
machine conditions. The measure itself is this file, copied into the other tree.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]


def measure(articles: int, rounds: int) -> dict:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from common import SHARED, setup_django

    setup_django()
    import logging

    logging.disable(logging.INFO)
    from django.conf import settings
    from ingest import extraction_queued, generated_feed

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker.reference import read_reference

    try:
        from tracker.services.enrichment import articles_enrich
        from tracker.services.reference import reference_load
    except ImportError:  # --against a commit from before services became a package
        from tracker.services import articles_enrich, reference_load

    # The generated corpus is one document: lift the per-document item cap for it.
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": articles + 100}
    reference_load(data=read_reference())
    with extraction_queued():
        seed = SHARED / "feeds" / "rareearthexchanges-clean-energy.xml"
        if seed.exists():
            feed = Feed.objects.create(url="https://bench.example.org/seed/feed/")
            feed_ingest_document(feed=feed, body=seed.read_bytes())
        more = Feed.objects.create(url="https://bench.example.org/more/feed/")
        feed_ingest_document(feed=more, body=generated_feed(articles))
    ids = list(Article.objects.values_list("id", flat=True))
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for chunk in range(0, len(ids), 200):  # the task's chunk size
            articles_enrich(article_ids=ids[chunk : chunk + 200], force=True)
        best = min(best, time.perf_counter() - started)
    return {"articles": len(ids), "seconds": best, "rate": len(ids) / best}


def run_in(tree: Path, articles: int, rounds: int) -> dict:
    script = tree / "bench" / "enrich.py"
    if tree != ROOT:
        shutil.copy(HERE, script)
    output = subprocess.run(
        [sys.executable, str(script), "--measure", f"--articles={articles}", f"--rounds={rounds}"],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="generated articles")
    parser.add_argument("--rounds", type=int, default=3, help="forced runs per process")
    parser.add_argument("--against", help="a commit to measure side by side with this tree")
    parser.add_argument("--pairs", type=int, default=2, help="alternations with --against")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.articles, args.rounds)))
        return
    if not args.against:
        result = run_in(ROOT, args.articles, args.rounds)
        print(f"enrich --all: {result['rate']:.0f} articles/s ({result['articles']} articles)")
        return
    with tempfile.TemporaryDirectory(prefix="reex-bench-") as tmp:
        other = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(other), args.against],
            cwd=ROOT,
            check=True,
        )
        # The other tree reads the same shared/ folder beside it.
        (Path(tmp) / "shared").symlink_to(ROOT.parent / "shared")
        try:
            best = {"this tree": 0.0, args.against: 0.0}
            for _ in range(args.pairs):
                for name, tree in ((args.against, other), ("this tree", ROOT)):
                    rate = run_in(tree, args.articles, args.rounds)["rate"]
                    best[name] = max(best[name], rate)
                    print(f"  {name}: {rate:.0f} articles/s", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT)
    ratio = best["this tree"] / best[args.against]
    print(f"enrich --all, best of {args.pairs} processes each ({args.articles} generated articles)")
    print(f"| {args.against} | {best[args.against]:.0f} articles/s |")
    print(f"| this tree | {best['this tree']:.0f} articles/s |")
    print(f"| this tree ÷ {args.against} | {ratio:.2f}× | ≥ 0.8× |")


if __name__ == "__main__":
    main()
