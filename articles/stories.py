"""One story, many outlets: grouping the articles that report the same event.

Two reports of one event rarely share a sentence: each outlet rewords the news. What they share
is its content words (the names, the metal, the place, the action) and its figures (the tonnes,
the dollars, the percentage), within a few days. So an article joins the story of the most
similar article published within ``WINDOW`` of it when either

- their content words overlap strongly (Jaccard of the word sets, ``WORDS_ALONE``), or
- they overlap moderately (``WORDS_WITH_FIGURE``) and share at least one figure that is not a
  year: a figure alone is never enough ("100 tonnes" is in many unrelated reports), and topical
  words alone (rare earth, magnets, China) are shared by every article of a trade feed.

Words are lowercased, stop words dropped, a plural "s" cut; figures are normalised ("1,200" and
"1200" are one; "$3.5 billion" and "3.5bn" both give 3.5). Exact Jaccard over a few hundred
candidates per article is cheap in Python, and behaves the same on PostgreSQL and SQLite.

``stories_assign`` runs after ingest on the new and changed articles (``articles.tasks``'s
``group_stories`` on a worker; in-process, inside the ingest's transaction, on the articles as
written) and is idempotent: an article already in a story keeps it, one
an editor placed (``story_pinned``) is never moved. Editors split and merge stories through
``story_split`` and ``stories_merge`` (the Story admin's actions).
"""

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Left

from reex.caching import reader_pages_invalidate

from .models import Article, Story

WINDOW = timedelta(days=3)
CANDIDATES = 300  # the published articles nearest in time, within the window, an article meets
CANDIDATES_PER_RUN = 5_000  # however many articles a run places
TEXT_CHARS = 4_000  # how much of the body counts: the news is in the first paragraphs
WORDS_ALONE = 0.55
WORDS_WITH_FIGURE = 0.25

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A number not glued to a word or a decimal point before it: "1,200", "3.5", "2026". The digit
# comes first and the look-behind after it, so the engine jumps from digit to digit instead of
# testing the look-behind at every character (5x faster over an article, same matches).
_FIGURE = re.compile(r"\d(?<![\w.]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?")
_STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our out over own same she
    should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your said says say new year years per cent percent million billion bn mn week month today
    according including while whose""".split()
)


@dataclass(frozen=True)
class Signature:
    words: frozenset[str]
    figures: frozenset[str]


def signature(*, title: str, summary: str = "", text: str = "") -> Signature:
    """What two reports of one event share: their content words and their figures."""
    full = f"{title}\n{summary}\n{text[:TEXT_CHARS]}"
    # Each distinct word and figure once: an article repeats most of its own.
    words = set()
    for word in set(_WORD.findall(full.lower())) - _STOP_WORDS:
        if len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    figures = set()
    for figure in set(_FIGURE.findall(full)):
        number = figure.replace(",", "")
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        # Years and tiny counts say nothing about which event it is.
        if len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100:
            continue
        if number.isdigit() and int(number) < 10:
            continue
        figures.add(number)
    return Signature(frozenset(words), frozenset(figures))


def similarity(a: Signature, b: Signature) -> float:
    """0 for unrelated reports, up to 1; at least the threshold for reports of one event."""
    small, large = len(a.words), len(b.words)
    if small > large:
        small, large = large, small
    # Jaccard is at most small ÷ large: most pairs of a batch are settled without a set built.
    if not small or small < WORDS_WITH_FIGURE * large:
        return 0.0
    shared = len(a.words & b.words)
    jaccard = shared / (small + large - shared)
    if jaccard >= WORDS_ALONE:
        return jaccard
    if jaccard >= WORDS_WITH_FIGURE and a.figures & b.figures:
        return jaccard + 0.5  # a shared figure settles it: ranks above a words-only match
    return 0.0


_FIELDS = ("id", "title", "summary", "published_at", "first_seen_at", "story_id")


def _moment(article: Article):
    return article.published_at or article.first_seen_at


def stories_assign(
    *, article_ids: list[int] | tuple[int, ...] = (), articles: Iterable[Article] = ()
) -> int:
    """Put each of these articles that has no story into the story of its most similar
    neighbour (creating the story if the neighbour had none); returns how many joined one.

    The articles are named by id (read here), or given as ``articles``: the in-process ingest
    passes those it has just written, as it holds them, inside its transaction, so they are not
    read back.

    Safe to run again and concurrently with ingest: an article with a story, or placed by an
    editor, is left alone, and every write is conditional on the row still having no story.
    One query reads the neighbours of the whole batch (``CANDIDATES`` per article placed, at
    most ``CANDIDATES_PER_RUN``, newest first, with the first ``TEXT_CHARS`` of their bodies;
    the batch's own articles are its neighbours too, as held), and each signature is computed
    once.
    """
    pending = [
        article
        for article in articles
        if not article.is_hidden and article.story_id is None and not article.story_pinned
    ]
    for article in pending:
        article.text_head = article.content_text[:TEXT_CHARS]  # type: ignore[attr-defined]  # as _with_text annotates
    if article_ids:
        pending += list(
            _with_text(Article.objects.published())
            .filter(pk__in=list(article_ids), story__isnull=True, story_pinned=False)
            .only(*_FIELDS)
        )
    if not pending:
        return 0
    earliest = min(_moment(a) for a in pending) - WINDOW
    latest = max(_moment(a) for a in pending) + WINDOW
    neighbours = pending + list(
        _with_text(Article.objects.published())
        .filter(
            Q(published_at__range=(earliest, latest))
            | Q(published_at__isnull=True, first_seen_at__range=(earliest, latest))
        )
        .exclude(pk__in=[a.pk for a in pending])
        .only(*_FIELDS)
        .order_by("-first_seen_at", "-id")[: min(CANDIDATES * len(pending), CANDIDATES_PER_RUN)]
    )
    # One object per row (the batch's articles are not read again): story ids stay in step.
    signatures = {a.pk: _signature_of(a) for a in neighbours}
    neighbours.sort(key=lambda a: (_moment(a), a.pk))
    moments = [_moment(a) for a in neighbours]
    joined = 0
    for article in sorted(pending, key=lambda a: (_moment(a), a.pk)):
        if article.story_id is not None:  # joined meanwhile, as another's neighbour
            continue
        nearest = _nearest_in_time(article, neighbours, moments)
        best = _best_neighbour(article, nearest, signatures)
        if best is not None and _join(article, best):
            joined += 1
    if joined:
        reader_pages_invalidate()
    return joined


def _with_text(articles):
    # Only the start of each body: a run may compare thousands of articles.
    return articles.annotate(text_head=Left("content_text", TEXT_CHARS))


def _signature_of(article: Article) -> Signature:
    # ``text_head`` is the annotation of ``_with_text``.
    head = getattr(article, "text_head", "") or ""
    return signature(title=article.title, summary=article.summary, text=head)


def _nearest_in_time(article: Article, neighbours: list[Article], moments: list) -> list[Article]:
    """The ``CANDIDATES`` neighbours closest in time to ``article`` within ``WINDOW`` (the
    neighbours sorted by moment): a backfill of thousands of posts compares each with a few
    hundred, not with every other (that was quadratic: minutes for 5,000 posts)."""
    moment = _moment(article)
    low = bisect.bisect_left(moments, moment - WINDOW)
    high = bisect.bisect_right(moments, moment + WINDOW)
    if high - low <= CANDIDATES:
        return neighbours[low:high]
    at = bisect.bisect_left(moments, moment, low, high)
    before, after = at - 1, at
    nearest: list[Article] = []
    while len(nearest) < CANDIDATES and (before >= low or after < high):
        if after >= high or (before >= low and moment - moments[before] <= moments[after] - moment):
            nearest.append(neighbours[before])
            before -= 1
        else:
            nearest.append(neighbours[after])
            after += 1
    return nearest


def _best_neighbour(article: Article, neighbours: list[Article], signatures) -> Article | None:
    mine = signatures[article.pk]
    best, best_key = None, (0.0, False)
    for other in neighbours:
        if other.pk == article.pk:
            continue
        score = similarity(mine, signatures[other.pk])
        # Among equals, join a story that exists rather than start one.
        key = (score, other.story_id is not None)
        if score > 0 and key > best_key:
            best, best_key = other, key
    return best


def _join(article: Article, best: Article) -> bool:
    # No save point of its own inside a caller's transaction (the ingest's): a failure there
    # fails the caller's block, which has one.
    with transaction.atomic(savepoint=False):
        if best.story_id is None:
            first = min((article, best), key=lambda a: (_moment(a), a.pk))
            story = Story.objects.create(title=first.title[:1000])
            if Article.objects.filter(pk=best.pk, story__isnull=True).update(story=story):
                best.story_id = story.pk
            else:
                # Another run gave it a story meanwhile: join that one instead.
                best.story_id = Article.objects.values_list("story_id", flat=True).get(pk=best.pk)
                story.delete()
        updated = Article.objects.filter(pk=article.pk, story__isnull=True).update(
            story_id=best.story_id
        )
    if updated:
        article.story_id = best.story_id
    return bool(updated)


# --- editors ------------------------------------------------------------------------------------


def story_split(*, story: Story) -> list[Story]:
    """Give each article of ``story`` a story of its own, pinned so grouping never puts them
    back together; returns the stories (the first article keeps ``story``)."""
    with transaction.atomic():
        articles = list(story.articles.order_by("published_at", "id").only("id", "title"))
        stories = [story]
        for article in articles[1:]:
            own = Story.objects.create(title=article.title[:1000])
            Article.objects.filter(pk=article.pk).update(story=own, story_pinned=True)
            stories.append(own)
        if articles:
            Article.objects.filter(pk=articles[0].pk).update(story_pinned=True)
        reader_pages_invalidate()
    return stories


def stories_merge(*, stories: list[Story]) -> Story:
    """Move every article of ``stories`` into the oldest of them, pinned there; the others are
    deleted. Returns the story kept."""
    if not stories:
        raise ValueError("no stories to merge")
    with transaction.atomic():
        kept = min(stories, key=lambda s: (s.created_at, s.pk))
        others = [s.pk for s in stories if s.pk != kept.pk]
        Article.objects.filter(Q(story__in=others) | Q(story=kept)).update(
            story=kept, story_pinned=True
        )
        Story.objects.filter(pk__in=others).delete()
        reader_pages_invalidate()
    return kept


def stories_without_articles_delete() -> int:
    """Stories left with no article (their articles deleted): removed."""
    empty = Story.objects.annotate(n=Count("articles")).filter(n=0)
    return empty.delete()[0]
