"""Figure reading benchmark: this tree's ``tracker/figures.py`` against another revision's.

    .venv/bin/python bench/figures.py [--against main]

Over the shared seed feed's articles (title and text, as extraction sees them), interleaved in
one run so the ratios hold on a busy machine:

- ``parse_figures`` as extraction calls it: with the spans of ``WORD_NUMBERS`` words that the
  lexicon's matcher finds in its one pass anyway;
- ``parse_figures`` on its own (``number_words=None``: it scans for number words itself);
- this tree's ``parse_figures`` plus ``describe`` for every figure on its clause (the work
  extraction adds per figure), when this tree has ``describe``.

No database: it needs only the seed feed file and the two versions of the module.
"""

import argparse
import bisect
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, interleaved  # noqa: E402

sys.path.insert(0, str(ROOT))  # this tree's tracker, not an installed copy

FEED = SHARED / "feeds/rareearthexchanges-clean-energy.xml"


def module_at(revision: str):
    # The module was tracker/claims.py until issue 16 renamed it for what it reads.
    for path in ("tracker/figures.py", "tracker/claims.py"):
        shown = subprocess.run(
            ["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True
        )
        if shown.returncode == 0:
            break
    else:
        raise SystemExit(f"{revision} has neither tracker/figures.py nor tracker/claims.py")
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("figures_then", None))
    exec(compile(shown.stdout, f"{revision}:{path}", "exec"), module.__dict__)  # noqa: S102
    return module


def seed_texts() -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reex.settings.test")
    import django

    django.setup()
    from articles.parsing import parse_feed

    entries = parse_feed(FEED.read_bytes(), url=FEED.resolve().as_uri()).entries
    return [
        f"{e.article_fields()['title']}\n\n{e.article_fields()['content_text']}" for e in entries
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    texts = seed_texts()
    from tracker import figures as now
    from tracker.matching import NUMBER, Matcher, Term

    then = module_at(args.against)
    print(f"this tree: {now.__file__}")

    def spans(module) -> list[list[tuple[int, int]]]:
        matcher = Matcher(Term(word, NUMBER, 0) for word in module.WORD_NUMBERS)
        return [[(hit.start, hit.end) for hit in matcher.find(text)] for text in texts]

    then_spans, now_spans = spans(then), spans(now)

    def parse(module, given):
        def run():
            for text, words in zip(texts, given or [None] * len(texts), strict=True):
                module.parse_figures(text, words)

        return run

    def parse_and_describe():
        for text, words in zip(texts, now_spans, strict=True):
            starts = now.sentence_starts(text)
            clauses: dict[tuple[int, int], list[int]] = {}
            for figure in now.parse_figures(text, words):
                start, end = now.sentence_at(text, starts, figure.start)
                if (start, end) not in clauses:
                    offsets = now.clause_starts(text[start:end])
                    clauses[start, end] = [start + offset for offset in offsets] + [end]
                bounds = clauses[start, end]
                index = bisect.bisect_right(bounds, figure.start) - 1
                now.describe(text, figure, bounds[index], bounds[index + 1])

    measures = {
        f"{args.against}: parse, matcher spans": parse(then, then_spans),
        "this tree: parse, matcher spans": parse(now, now_spans),
        f"{args.against}: parse alone": parse(then, None),
        "this tree: parse alone": parse(now, None),
    }
    if hasattr(now, "describe"):
        measures["this tree: parse + describe"] = parse_and_describe
    best = interleaved(measures, rounds=args.rounds)
    base = best[f"{args.against}: parse, matcher spans"]
    print(f"{len(texts)} seed articles, {sum(map(len, texts)):,} characters")
    for name, seconds in best.items():
        per_article = seconds / len(texts) * 1000
        print(f"{name:36} {per_article:6.3f} ms/article  x{seconds / base:.2f}")


if __name__ == "__main__":
    main()
