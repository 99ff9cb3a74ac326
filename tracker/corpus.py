"""A generated corpus for benchmarks and scale tests: years of realistic-looking coverage.

Articles are written from templates around the reference initiatives and entities (plus
generated companies), with highlights, figures, takeaways, sources and a share of state-media
notices, so that the real extraction links them and finds their claims. The same seed gives the
same corpus.
"""

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleFeed, Feed
from articles.services import feed_pause

from .models import Entity, Initiative

CORPUS_FEED_URL = "https://corpus.example.org/feed/"
BATCH = 2000
_MINERALS = ["NdPr oxide", "dysprosium", "terbium", "gallium", "germanium", "cobalt", "graphite"]
_PLACES = ["Texas", "Western Australia", "Quebec", "Saxony", "Kazakhstan", "Brazil", "Malaysia"]
_VERBS = ["approved", "announced", "committed", "secured", "proposed", "finalised"]
_OUTLETS = ["Example Wire", "Metals Daily (example)", "Trade Ledger", "Policy Monitor"]


@dataclass
class CorpusResult:
    articles: int
    companies: int
    feed: Feed


def companies_ensure(*, count: int, rng: random.Random) -> list[Entity]:
    """``count`` generated companies beside the reference ones, created once per name."""
    names = [f"{rng.choice(['Northern', 'Atlas', 'Meridian', 'Granite', 'Halo'])} "
             f"{rng.choice(['Minerals', 'Metals', 'Magnetics', 'Resources'])} {n:04d}"
             for n in range(count)]  # fmt: skip
    existing = set(Entity.objects.filter(name__in=names).values_list("name", flat=True))
    new = [
        Entity(name=name, slug=slugify(name)[:200], kind=Entity.Kind.COMPANY)
        for name in names
        if name not in existing
    ]
    Entity.objects.bulk_create(new, batch_size=BATCH)
    return list(Entity.objects.filter(name__in=names))


def corpus_generate(
    *,
    articles: int,
    seed: int = 2026,
    companies: int = 300,
    progress: Callable[[int], None] = lambda n: None,
) -> CorpusResult:
    """Write ``articles`` generated articles (and ``companies`` generated companies).

    Articles are inserted in batches, each in its own transaction, linked to one paused feed;
    ``progress`` is called with the number written after each batch. Extraction is left to
    ``articles_enrich`` (the ``generate_corpus`` command runs it).
    """
    rng = random.Random(seed)
    feed, _ = Feed.objects.get_or_create(url=CORPUS_FEED_URL, defaults={"title": "Corpus"})
    if not feed.is_paused:
        feed_pause(feed=feed, reason="generated corpus: never fetched")
    generated = companies_ensure(count=companies, rng=rng)
    initiatives = list(Initiative.objects.values_list("name", flat=True)) or ["Project Vault"]
    people = list(Entity.objects.filter(kind=Entity.Kind.PERSON).values_list("name", flat=True))
    agencies = list(
        Entity.objects.filter(kind=Entity.Kind.GOVERNMENT_BODY).values_list("name", flat=True)
    )
    firms = [e.name for e in generated] + list(
        Entity.objects.filter(kind=Entity.Kind.COMPANY).values_list("name", flat=True)
    )
    words = _Words(rng, initiatives, firms, people or ["a minister"], agencies or ["the agency"])
    start = datetime(2021, 1, 1, tzinfo=UTC)
    written = 0
    for batch_start in range(0, articles, BATCH):
        size = min(BATCH, articles - batch_start)
        now = timezone.now()
        rows = [
            _article(n, words=words, start=start, seed=seed, now=now)
            for n in range(batch_start, batch_start + size)
        ]
        with transaction.atomic():
            created = Article.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
            ids = Article.objects.filter(identity__in=[a.identity for a in created]).values_list(
                "id", flat=True
            )
            ArticleFeed.objects.bulk_create(
                [ArticleFeed(article_id=pk, feed=feed, categories=["Corpus"]) for pk in ids],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        written += size
        progress(written)
    return CorpusResult(articles=written, companies=len(generated), feed=feed)


def corpus_article_ids(*, feed: Feed) -> Iterator[int]:
    yield from (
        Article.objects.filter(feed_links__feed=feed).order_by("id").values_list("id", flat=True)
    )


class _Words:
    def __init__(self, rng, initiatives, firms, people, agencies):
        self.rng, self.initiatives, self.firms = rng, initiatives, firms
        self.people, self.agencies = people, agencies

    def pick(self, options):
        return self.rng.choice(options)


def _article(n: int, *, words: _Words, start: datetime, seed: int, now) -> Article:
    rng = words.rng
    initiative, firm, other = (
        words.pick(words.initiatives),
        words.pick(words.firms),
        words.pick(words.firms),
    )
    mineral, place, verb = words.pick(_MINERALS), words.pick(_PLACES), words.pick(_VERBS)
    billions, share, tonnes = rng.randint(1, 40), rng.randint(2, 95), rng.randint(5, 400) * 100
    state_media = rng.random() < 0.08
    title = f"{firm} and {initiative}: {mineral} plans in {place} ({n})"
    highlights = [
        f"{words.pick(words.agencies)} {verb} up to ${billions} billion linked to {initiative}.",
        f"{firm} targets {tonnes:,} tonnes per year of {mineral} by {2026 + n % 5}.",
        f"China holds about {share}% of {mineral} processing, according to {other}.",
    ]
    paragraphs = [
        f"{firm} said on Tuesday that its {place} project would supply {mineral} to buyers "
        f"outside China, with {initiative} named as a likely partner.",
        f"{words.pick(words.people)} told reporters that the plan depends on permits and on "
        f"offtake prices holding above the proposed floor.",
        f"Analysts at {other} estimate capital needs of ${billions * 100} million for the first "
        f"phase, and a ramp-up that takes {rng.randint(2, 7)} years.",
        f"Output could reach {tonnes // 2:,} tonnes in the first full year, the company claims.",
    ]
    body = (
        "<h3>Highlights</h3><ul>"
        + "".join(f"<li>{h}</li>" for h in highlights)
        + "</ul>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + f"<h3>REEx Take</h3><p>Funding for {initiative} is necessary, not sufficient: "
        f"tonnage shipped will be the test.</p><p>Source: {words.pick(_OUTLETS)}</p>"
    )
    disclosure = ""
    if state_media:
        disclosure = "This item is summarised from state-owned media; verify its figures."
        body += f"<p>Disclosure &amp; Verification Notice: {disclosure}</p>"
    text = "\n\n".join([*highlights, *paragraphs])
    identity = hashlib.sha256(f"corpus:{seed}:{n}".encode()).hexdigest()
    return Article(
        identity=identity,
        guid=f"https://corpus.example.org/?p={n}",
        url=f"https://corpus.example.org/{n}/",
        title=title,
        author=words.pick(words.people),
        published_at=start + timedelta(minutes=n * 26 + rng.randint(0, 20)),
        content_html=body,
        content_text=text,
        summary=paragraphs[0],
        highlights=highlights,
        takeaway=f"Funding for {initiative} is necessary, not sufficient.",
        sources=[words.pick(_OUTLETS)],
        disclosure=disclosure,
        is_state_media=state_media,
        comment_count=rng.randint(0, 12),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        first_seen_at=now,
        updated_at=now,
    )
