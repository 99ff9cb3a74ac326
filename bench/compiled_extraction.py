"""Compiled extraction, prototyped (issue 17): ``extract()`` as it is against the same modules
compiled with mypyc and with Cython, and with other regex engines, side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python \\
        bench/compiled_extraction.py [--generated 1000] [--rounds 7] [--profile] [--callgrind]

Needs ``pip install cython google-re2 regex hyperscan`` in the environment (mypyc comes with
mypy, a dev dependency) and a C compiler. Nothing here changes the tree: the four modules
extraction runs on (``tracker/figures.py``, ``matching.py``, ``patterns.py``,
``extraction.py``) are copied into a temporary directory as one package per variant and
compiled there:

- ``mypyc``: the copies compiled by mypyc, with the few edits it needs to type-check them
  (``MYPYC_EDITS``: annotations and asserts, no change of behaviour);
- ``mypyc_figures``: only ``figures.py`` compiled by mypyc (figure reading, ``describe``);
- ``cython``: the copies unchanged, compiled by Cython (pure Python mode, annotations typed);
- ``regex``: ``figures.py`` with the ``regex`` module (PyPI) in place of ``re``, not compiled;
- ``re2``: ``figures.py`` with google-re2 for every regex RE2 can compile, ``re`` for the rest.

The database is used once, to load the reference data and ingest the seed feed and
``--generated`` articles (``bench/ingest.py``'s generator, extraction queued); the lexicon is
then built from the rows it read, for each variant with that variant's own classes (a compiled
``extract`` accepts only its own). Every variant must give exactly the pure-Python findings
(every link with its text, confidence, count and basis, keyword counts, topics, claims with
their figures, contexts and fingerprints) on every article before it is timed. Then
interleaved rounds, fastest of each: ``extract()`` over the seed's articles and over the
generated ones per variant, ``feedparser.parse`` of the seed beside them, and the two regex
scans extraction's figure work rests on (figure triggers: ``_NUMBER``; sentence ends:
``_BOUNDARY``) with each engine. RE2 and Hyperscan cannot run those two (look-behind,
look-ahead), so they scan a look-around-free superset that still needs Python to filter it:
what they could at best save, not an equivalent. Beside them, the topic keywords' count
(``KeywordCounter``'s trie regex) against a pyahocorasick automaton with the same counts.

``--profile``: cProfile of the pure-Python ``extract`` over the same articles, top functions by
own time. ``--callgrind``: instructions per seed article under valgrind for each variant (the
same for the same code, whatever the machine's load): a run over the seed's articles less the
same run over none.
"""

import argparse
import cProfile
import importlib
import os
import pickle
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, interleaved  # noqa: E402

sys.path.insert(0, str(ROOT))

SEED = SHARED / "feeds" / "rareearthexchanges-clean-energy.xml"
MODULES = ("figures", "matching", "patterns", "extraction")
VARIANTS = ("python", "mypyc", "mypyc_figures", "cython", "regex", "re2")

# mypyc type-checks what it compiles; these are the places where mypy cannot prove a type
# that the code relies on. Each must match exactly once (the bench stops otherwise).
MYPYC_EDITS = {
    "figures": [
        (
            "    anchors = []\n    taken = 0\n",
            "    anchors: list[tuple[int, int, Decimal | None, int]] = []\n    taken = 0\n",
        ),
        (
            "        tail = _MONEY_TAIL.match(text, end)\n",
            "        tail = _MONEY_TAIL.match(text, end)\n"
            "        assert tail is not None  # every part of it is optional\n",
        ),
        (
            "        if denominator:\n            share =",
            "        if denominator:\n"
            "            assert number is not None  # a fraction has its numerator\n"
            "            share =",
        ),
    ],
    # "Only assignment to variables is supported in class bodies": no tuple unpacking there.
    "matching": [
        (
            "    MAX_OVERLAY, OVERLAY_SHARE = 2_000, 0.1",
            "    MAX_OVERLAY = 2_000\n    OVERLAY_SHARE = 0.1",
        )
    ],
}

RE2_SHIM = '''"""``re`` for figures.py: google-re2 where RE2 compiles a pattern, else ``re``."""
import os
import re

import re2

I = IGNORECASE = re.IGNORECASE
escape = re.escape
Pattern = re.Pattern
compiled_by_re2 = []


def compile(pattern, flags=0):
    if flags:
        return re.compile(pattern, flags)
    saved = os.dup(2)  # RE2 logs every pattern it refuses on stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        found = re2.compile(pattern)
    except Exception:
        return re.compile(pattern)
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
    compiled_by_re2.append(pattern)
    return found
'''


# --- the data: read once from the database ---------------------------------------------------


def collect(generated: int) -> dict:
    """The seed's and the generated articles as extraction reads them, and the rows the
    lexicon is built from (``build_lexicon``'s queries, replayed later without a database)."""
    from common import setup_django

    setup_django()
    import logging

    logging.disable(logging.INFO)
    from django.conf import settings
    from ingest import extraction_queued, generated_feed

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker.models import Entity, EntityAlias, Initiative, InitiativeAlias, Topic
    from tracker.reference import read_reference
    from tracker.services.reference import reference_load

    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": generated + 100}
    reference_load(data=read_reference())
    with extraction_queued():
        seed_feed = Feed.objects.create(url="https://bench.example.org/seed/feed/")
        feed_ingest_document(feed=seed_feed, body=SEED.read_bytes())
        more = Feed.objects.create(url="https://bench.example.org/more/feed/")
        feed_ingest_document(feed=more, body=generated_feed(generated))
    fields = ("id", "title", "content_text", "highlights", "disclosure")
    rows = Article.objects.order_by("id")
    return {
        "seed": list(rows.filter(feed_links__feed=seed_feed).values_list(*fields)),
        "generated": list(rows.filter(feed_links__feed=more).values_list(*fields)),
        "publication": str(Entity.Kind.PUBLICATION.value),  # plain: unpickled without Django
        "rows": {
            "entities": list(Entity.objects.values_list("id", "name", "kind")),
            "entity_aliases": list(EntityAlias.objects.values_list("entity_id", "text", "exact")),
            "initiatives": list(
                Initiative.objects.values_list("id", "name", "acronym", "patterns")
            ),
            "initiative_aliases": list(
                InitiativeAlias.objects.values_list("initiative_id", "text", "exact")
            ),
            "topic_entities": list(
                Topic.entities.through.objects.values_list("topic_id", "entity_id")
            ),
            "topic_initiatives": list(
                Topic.initiatives.through.objects.values_list("topic_id", "initiative_id")
            ),
            "topics": list(Topic.objects.values_list("id", "keywords", "min_keyword_hits")),
        },
    }


def _manager(rows):
    return SimpleNamespace(objects=SimpleNamespace(values_list=lambda *fields: rows))


def lexicon_for(package: str, data: dict):
    """``tracker.lexicon.build_lexicon``'s own code, run over the recorded rows with the
    variant's classes: its source is compiled into a namespace that stands in for the models."""
    import ast

    source = (ROOT / "tracker" / "lexicon.py").read_text()
    tree = ast.parse(source)
    wanted = {"build_lexicon", "_pattern_sources"}
    tree.body = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in wanted]
    mod = {name: importlib.import_module(f"{package}.{name}") for name in MODULES}
    rows = data["rows"]
    topic = SimpleNamespace(
        objects=SimpleNamespace(values_list=lambda *f: rows["topics"]),
        entities=SimpleNamespace(through=_manager(rows["topic_entities"])),
        initiatives=SimpleNamespace(through=_manager(rows["topic_initiatives"])),
    )
    entity = _manager(rows["entities"])
    entity.Kind = SimpleNamespace(PUBLICATION=data["publication"])
    namespace = {
        "Entity": entity,
        "EntityAlias": _manager(rows["entity_aliases"]),
        "Initiative": _manager(rows["initiatives"]),
        "InitiativeAlias": _manager(rows["initiative_aliases"]),
        "Topic": topic,
        "Lexicon": mod["extraction"].Lexicon,
        "TopicRule": mod["extraction"].TopicRule,
        "ATTRIBUTION_CUES": mod["figures"].ATTRIBUTION_CUES,
        "WORD_NUMBERS": mod["figures"].WORD_NUMBERS,
        "Pattern": mod["patterns"].Pattern,
        "PatternSet": mod["patterns"].PatternSet,
        "compile_pattern": mod["patterns"].compile_pattern,
        **{
            name: getattr(mod["matching"], name)
            for name in (
                "CUE ENTITY INITIATIVE KEYWORD NUMBER KeywordCounter Matcher Term normalize".split()
            )
        },
    }
    exec(compile(tree, "tracker/lexicon.py", "exec"), namespace)  # noqa: S102
    return namespace["build_lexicon"]("bench")


def articles_for(package: str, rows) -> list:
    text = importlib.import_module(f"{package}.extraction").ArticleText
    return [text(pk, title, body, tuple(hl or ()), disc) for pk, title, body, hl, disc in rows]


# --- the variants -----------------------------------------------------------------------------


def build_variants(workdir: Path, only: tuple[str, ...]) -> dict[str, dict]:
    """One package per variant (``reexc_<variant>``, in a directory of its own under
    ``workdir``), compiled where it is; returns each one's build time, the size of the
    extensions it built (debug information included, as the default flags build them) and
    notes."""
    built: dict[str, dict] = {}
    for variant in only:
        if variant == "python":
            continue
        folder = workdir / variant
        package = folder / f"reexc_{variant}"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for name in MODULES:
            shutil.copy(ROOT / "tracker" / f"{name}.py", package / f"{name}.py")
        env = {**os.environ, "PYTHONPATH": str(folder)}
        started = time.perf_counter()
        note = ""
        if variant.startswith("mypyc"):
            compiled = ("figures",) if variant == "mypyc_figures" else MODULES
            for name, edits in MYPYC_EDITS.items():
                if name not in compiled:
                    continue
                path = package / f"{name}.py"
                source = path.read_text()
                for old, new in edits:
                    if source.count(old) != 1:
                        raise SystemExit(f"mypyc edit no longer applies to {name}.py: {old!r}")
                    source = source.replace(old, new)
                path.write_text(source)
            (folder / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n")
            files = [f"{package.name}/{name}.py" for name in compiled]
            run = [str(Path(sys.executable).parent / "mypyc"), "--config-file", "mypy.ini"]
            _run(run + files, folder, env)
            edits = sum(len(e) for n, e in MYPYC_EDITS.items() if n in compiled)
            note = f"{edits} edits to type-check"
        elif variant == "cython":
            files = [f"{package.name}/{name}.py" for name in MODULES]
            run = [str(Path(sys.executable).parent / "cythonize"), "-i", "-3", "-q"]
            _run(run + files, folder, env)
        elif variant in ("regex", "re2"):
            path = package / "figures.py"
            source = path.read_text()
            if variant == "regex":
                source = source.replace("\nimport re\n", "\nimport regex as re\n", 1)
            else:
                (package / "_re2shim.py").write_text(RE2_SHIM)
                source = source.replace("\nimport re\n", "\nfrom . import _re2shim as re\n", 1)
            path.write_text(source)
        else:
            raise SystemExit(f"unknown variant {variant}")
        seconds = time.perf_counter() - started
        shutil.rmtree(folder / "build", ignore_errors=True)  # the C sources and objects
        size = sum(p.stat().st_size for p in folder.rglob("*.so"))
        built[variant] = {"seconds": seconds, "bytes": size, "note": note}
        sys.path.insert(0, str(folder))
    return built


def _run(command: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"build failed: {' '.join(command[:3])}")


def package_of(variant: str) -> str:
    return "tracker" if variant == "python" else f"reexc_{variant}"


# --- the findings, compared -------------------------------------------------------------------


def findings(package: str, lexicon, articles) -> list:
    """Everything ``extract`` and ``topics_for`` find, as plain values, article by article."""
    extraction = importlib.import_module(f"{package}.extraction")
    out = []
    for article in articles:
        found = extraction.extract(lexicon, article)
        links = {
            kind: sorted(
                (pk, f.matched_text, f.confidence, f.occurrences, f.basis)
                for pk, f in getattr(found, kind).items()
            )
            for kind in ("entities", "initiatives")
        }
        topics = extraction.topics_for(
            lexicon,
            found,
            entity_ids=set(found.entities),
            initiative_ids=set(found.initiatives),
        )
        out.append(
            (
                article.id,
                links,
                sorted((t, sorted(c.items())) for t, c in found.keywords.items()),
                sorted((t, f.matched_text, f.confidence, f.occurrences) for t, f in topics.items()),
                [_claim(claim) for claim in found.claims],
            )
        )
    return out


def _claim(claim) -> tuple:
    figure, context, fact = claim.figure, claim.context, claim.fact
    return (
        claim.fingerprint,
        claim.sentence,
        claim.location,
        claim.position,
        claim.subject,
        sorted(claim.entity_ids),
        sorted(claim.initiative_ids),
        claim.is_attributed,
        None
        if figure is None
        else (
            figure.start,
            figure.end,
            figure.text,
            figure.value,
            figure.value_max,
            figure.unit,
            figure.per,
            figure.counted,
            figure.bound,
        ),
        None
        if context is None
        else (context.measure, context.period, context.outlook, context.implausible),
        None if fact is None else tuple(fact),
    )


# --- the regex scans alone --------------------------------------------------------------------

# Look-around-free supersets of figures._NUMBER and figures._BOUNDARY for the engines that
# have no look-around (RE2, Hyperscan): candidates Python would still have to filter.
NUMBER_SUPERSET = r"[0-9]+(?:[,.\x{a0}\x{202f}\x{2009}][0-9]+)*"
BOUNDARY_SUPERSET = r"[.!?][\"”’)\]]*[ \t]+[\"“‘(\[]?[A-Z0-9$€£]|\n+"


def scans(texts: list[str], lexicon) -> dict:
    """Each engine's scan over all ``texts``, as ``name: (run, hits)``."""
    import hyperscan
    import re2
    import regex

    from tracker import figures

    def finditer_all(pattern):
        def run():
            return sum(1 for text in texts for _ in pattern.finditer(text))

        return run

    runs = {}
    for label, source, superset in (
        ("figure triggers", figures._NUMBER.pattern, NUMBER_SUPERSET),
        ("sentence ends", figures._BOUNDARY.pattern, BOUNDARY_SUPERSET),
    ):
        runs[f"{label}: re"] = finditer_all(re.compile(source))
        runs[f"{label}: regex"] = finditer_all(regex.compile(source))
        re2_superset = superset.replace(r"\x{a0}", "\u00a0").replace(r"\x{202f}", "\u202f")
        re2_superset = re2_superset.replace(r"\x{2009}", "\u2009")
        runs[f"{label}: re, superset"] = finditer_all(re.compile(re2_superset))
        runs[f"{label}: re2, superset"] = finditer_all(re2.compile(re2_superset))
        database = hyperscan.Database()
        database.compile(
            expressions=[superset.encode()],
            ids=[0],
            elements=1,
            flags=[hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8],
        )
        encoded = [text.encode() for text in texts]

        def hyperscan_all(database=database, encoded=encoded):
            hits = []

            def on_match(pattern_id, start, end, flags, context):
                hits.append(start)

            for data in encoded:  # bytes offsets; mapping them to str offsets costs more
                database.scan(data, match_event_handler=on_match)
            return len(hits)

        runs[f"{label}: hyperscan, superset (pre-encoded)"] = hyperscan_all
    # The topic keywords' count (``KeywordCounter``: a trie regex over the lowered text) through
    # pyahocorasick, already a dependency: an automaton over the same keys, the text folded as
    # the regex's loose separators would read it, word boundaries checked per hit.
    counter = lexicon.keywords
    runs["keyword counts: re (KeywordCounter)"] = lambda: sum(
        sum(counter.count(text).values()) for text in texts
    )
    automaton_count = keyword_automaton(lexicon)
    if any(automaton_count(text) != counter.count(text) for text in texts):
        raise SystemExit("pyahocorasick's keyword counts differ from KeywordCounter's")
    runs["keyword counts: pyahocorasick"] = lambda: sum(
        sum(automaton_count(text).values()) for text in texts
    )
    return {name: (run, run()) for name, run in runs.items()}


def keyword_automaton(lexicon):
    import ahocorasick

    from tracker.matching import _FOLD, _SEPARATORS

    automaton = ahocorasick.Automaton()
    for key in lexicon.keyword_topics:
        automaton.add_word(key, key)
    automaton.make_automaton()

    def count(text: str) -> Counter:
        folded = _SEPARATORS.sub(" ", text.lower().translate(_FOLD))
        found: Counter = Counter()
        size = len(folded)
        for end, key in automaton.iter_long(folded):
            start = end - len(key) + 1
            if start and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            if end + 1 < size and (folded[end + 1].isalnum() or folded[end + 1] in "_$"):
                continue
            found[key] += 1
        return found

    return count


# --- instructions (callgrind) -----------------------------------------------------------------


def callgrind_worker(workdir: Path, variant: str, count: int) -> None:
    """Run inside valgrind: build the lexicon, then ``extract`` over ``count`` seed articles."""
    sys.path.insert(0, str(workdir / variant))
    data = pickle.loads((workdir / "data.pickle").read_bytes())
    package = package_of(variant)
    lexicon = lexicon_for(package, data)
    extraction = importlib.import_module(f"{package}.extraction")
    for article in articles_for(package, data["seed"][:count]):
        extraction.extract(lexicon, article)


def instructions(workdir: Path, variant: str, count: int) -> Path:
    """The callgrind profile of a worker over ``count`` seed articles."""
    out = workdir / f"callgrind.{variant}.{count}"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--callgrind-worker",
        f"{workdir}:{variant}:{count}",
    ]
    subprocess.run(command, check=True, capture_output=True)
    return out


def by_function(profile: Path) -> dict[str, int]:
    """Instructions by C function (own cost), as ``callgrind_annotate`` lists them."""
    listed = subprocess.run(
        ["callgrind_annotate", "--threshold=100", str(profile)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    counts: dict[str, int] = {}
    # The function table: after its "file:function" heading, up to the first blank line
    # (annotated sources follow).
    lines = listed.splitlines()
    start = next(n for n, line in enumerate(lines) if line.rstrip().endswith("file:function"))
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        found = _ANNOTATED.match(line)
        if found:
            name = found.group(2).split(" [")[0]
            counts[name] = counts.get(name, 0) + int(found.group(1).replace(",", ""))
    return counts


_ANNOTATED = re.compile(r"^\s*([0-9,]+) \([ 0-9.]+%\)\s+(\S.*)$")
# What the C functions of CPython and its libraries do, by where they are.
_KINDS = (
    ("regex engine (_sre)", ("/_sre/",)),
    ("interpreter loop (ceval)", ("ceval.c",)),
    ("compiled modules (mypyc, Cython)", ("__native", "reexc_", "__pyx_", "CPyDef", "CPyStatic")),
    ("mypyc's runtime library", ("mypyc/lib-rt", "CPy")),
    ("memory (obmalloc, memcpy, memset, gc)", ("obmalloc", "memmove", "memset", "memcpy", "gcm")),
    ("dicts and sets", ("dictobject", "setobject")),
    ("str methods and Unicode tables", ("unicodeobject", "unicodectype", "stringlib")),
    ("Decimal (_decimal, libmpdec)", ("_decimal", "mpdecimal", "libmpdec", "mpd_")),
    ("pyahocorasick", ("trienode", "Automaton", "automaton")),
    ("calls and frames", ("call.c", "frameobject", "funcobject", "methodobject", "descrobject")),
    ("objects, tuples, lists", ("object.c", "tupleobject", "listobject", "typeobject", "abstract")),
)


def kind_of(function: str) -> str:
    for kind, marks in _KINDS:
        if any(mark in function for mark in marks):
            return kind
    return "other"


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=1000, help="generated articles")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--profile", action="store_true", help="cProfile the pure-Python run")
    parser.add_argument("--callgrind", action="store_true", help="instructions per article")
    parser.add_argument("--keep", action="store_true", help="keep the build directory")
    parser.add_argument("--callgrind-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.callgrind_worker:
        folder, variant, count = args.callgrind_worker.rsplit(":", 2)
        callgrind_worker(Path(folder), variant, int(count))
        return

    variants = tuple(v for v in args.variants.split(",") if v)
    workdir = Path(tempfile.mkdtemp(prefix="reex-compiled-"))
    try:
        run(args, variants, workdir)
    finally:
        if args.keep:
            print(f"\nbuilt in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, variants: tuple[str, ...], workdir: Path) -> None:
    import feedparser

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()
    data = collect(args.generated)
    (workdir / "data.pickle").write_bytes(pickle.dumps(data))
    built = build_variants(workdir, variants)

    lexicons, seeds, generated = {}, {}, {}
    for variant in variants:
        package = package_of(variant)
        lexicons[variant] = lexicon_for(package, data)
        seeds[variant] = articles_for(package, data["seed"])
        generated[variant] = articles_for(package, data["generated"])
        module = importlib.import_module(f"{package}.extraction")
        assert variant == "python" or module.__file__.endswith((".py", ".so")), module.__file__

    # Identical findings first: a variant that finds anything else is not timed.
    expected = findings("tracker", lexicons["python"], seeds["python"] + generated["python"])
    claims = sum(len(article[4]) for article in expected)
    print(f"{len(expected)} articles ({len(seeds['python'])} seed), {claims} claims in all")
    equal = {}
    for variant in variants:
        package = package_of(variant)
        got = findings(package, lexicons[variant], seeds[variant] + generated[variant])
        equal[variant] = got == expected
        if not equal[variant]:
            differing = sum(1 for a, b in zip(got, expected, strict=True) if a != b)
            print(f"{variant}: findings differ on {differing} of {len(got)} articles: not timed")
    timed = [v for v in variants if equal[v]]

    seed_bytes = SEED.read_bytes()
    measures = {"feedparser.parse(seed)": lambda: feedparser.parse(seed_bytes)}
    for variant in timed:
        extract = importlib.import_module(f"{package_of(variant)}.extraction").extract
        lexicon = lexicons[variant]

        def over(articles, extract=extract, lexicon=lexicon):
            def go():
                for article in articles:
                    extract(lexicon, article)

            return go

        measures[f"extract, seed: {variant}"] = over(seeds[variant])
        measures[f"extract, generated: {variant}"] = over(generated[variant])
    texts = [_text(a) for a in seeds["python"]] + [_text(a) for a in generated["python"]]
    scan_runs = scans(texts, lexicons["python"])
    for name, (scan, _) in scan_runs.items():
        measures[f"scan {name}"] = scan
    before = time.strftime("%H:%M", time.gmtime())
    best = interleaved(measures, rounds=args.rounds)
    after = time.strftime("%H:%M", time.gmtime())

    print(f"\nstarted {started}; load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"timed {before}–{after} UTC, load average after {os.getloadavg()[0]:.2f}")
    print(f"{args.rounds} interleaved rounds, fastest of each; Python {sys.version.split()[0]}")
    parse = best["feedparser.parse(seed)"]
    print(f"\nfeedparser.parse(seed): {parse * 1e3:.1f} ms")
    print("\n| variant | build | built size | findings | extract, seed | ÷ python | ÷ parse |"
          " generated, per article | ÷ python |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    n_seed, n_gen = len(seeds["python"]), len(generated["python"])
    for variant in variants:
        info = built.get(variant, {"seconds": 0.0, "bytes": 0, "note": ""})
        build = f"{info['seconds']:.1f} s" if variant != "python" else "—"
        size = f"{info['bytes'] / 1e6:.2f} MB" if info["bytes"] else "—"
        same = "identical" if equal[variant] else "**differ**"
        if variant not in timed:
            print(f"| {variant} | {build} | {size} | {same} | — | — | — | — | — |")
            continue
        seed_time = best[f"extract, seed: {variant}"]
        gen_time = best[f"extract, generated: {variant}"]
        print(
            f"| {variant} | {build} | {size} | {same} | {seed_time * 1e3:.1f} ms "
            f"| {seed_time / best['extract, seed: python']:.2f}× | {seed_time / parse:.2f}× "
            f"| {gen_time / n_gen * 1e6:.0f} µs "
            f"| {gen_time / best['extract, generated: python']:.2f}× |"
        )
    print(f"\n(seed: {n_seed} articles; generated: {n_gen})")
    if "re2" in variants:
        shim = importlib.import_module("reexc_re2._re2shim")
        total = sum(isinstance(v, re.Pattern) for v in vars(importlib.import_module(
            "reexc_re2.figures")).values()) + len(shim.compiled_by_re2)  # fmt: skip
        print(f"re2 variant: RE2 compiled {len(shim.compiled_by_re2)} of figures' {total} regexes")

    print("\nThe scans alone, over all the articles' text:")
    print("| scan | time | ÷ re | hits |")
    print("| --- | --- | --- | --- |")
    for name, (_, hits) in scan_runs.items():
        label = name.split(":")[0]
        base = best.get(f"scan {label}: re") or best[f"scan {label}: re (KeywordCounter)"]
        print(f"| {name} | {best[f'scan {name}'] * 1e3:.2f} ms "
              f"| {best[f'scan {name}'] / base:.2f}× | {hits} |")  # fmt: skip

    if args.profile:
        profile(lexicons["python"], seeds["python"], "seed")
        profile(lexicons["python"], generated["python"], "generated")
    if args.callgrind:
        callgrind(workdir, timed, n_seed)


def callgrind(workdir: Path, timed: list[str], n_seed: int) -> None:
    print("\nInstructions per seed article (callgrind; a run over the seed less one over none):")
    print("| variant | instructions per article | ÷ python |")
    print("| --- | --- | --- |")
    base = None
    spent: dict[str, dict[str, int]] = {}
    for variant in timed:
        empty = by_function(instructions(workdir, variant, 0))
        full = by_function(instructions(workdir, variant, n_seed))
        spent[variant] = {f: full.get(f, 0) - empty.get(f, 0) for f in full.keys() | empty.keys()}
        per = sum(spent[variant].values()) / n_seed
        base = base or per
        print(f"| {variant} | {per / 1e6:.2f} M | {per / base:.2f}× |")
    for variant in [v for v in ("python", "mypyc", "cython") if v in spent]:
        counted = spent[variant]
        total = sum(counted.values())
        kinds: dict[str, int] = {}
        for function, count in counted.items():
            kinds[kind_of(function)] = kinds.get(kind_of(function), 0) + count
        print(f"\n{variant}: where extract's instructions go, by kind of C function")
        print("| kind | per article | share |")
        print("| --- | --- | --- |")
        for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
            print(f"| {kind} | {count / n_seed / 1e6:.2f} M | {count / total:.1%} |")
        print(f"\n{variant}: top C functions")
        print("| function | per article | share |")
        print("| --- | --- | --- |")
        for function, count in sorted(counted.items(), key=lambda item: -item[1])[:12]:
            print(f"| `{function.rsplit('/', 1)[-1]}` | {count / n_seed / 1e6:.2f} M "
                  f"| {count / total:.1%} |")  # fmt: skip


def _text(article) -> str:
    from tracker.extraction import _document

    return _document(article)[0]


def profile(lexicon, articles, label: str) -> None:
    from tracker.extraction import extract

    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        extract(lexicon, article)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\ncProfile, pure Python, {label} ({len(articles)} articles): own time by function")
    print("| function | own time | share | calls |")
    print("| --- | --- | --- | --- |")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    for (file, line, name), (_, calls, own, _, _) in rows[:20]:
        where = f"{Path(file).name}:{line} {name}" if line else name
        print(f"| `{where}` | {own * 1e3:.1f} ms | {own / total:.1%} | {calls} |")


if __name__ == "__main__":
    main()
