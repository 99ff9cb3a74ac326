"""The review queue: the machine's suggestions waiting for an editor, grouped, in context.

Reads only; decisions go through ``tracker.services`` (``article_initiative_decide``,
``mention_decide``, ``article_initiative_add``, ``mention_add``).
"""

import re
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from articles.models import Article

from .models import (
    ArticleInitiative,
    Entity,
    EntitySighting,
    EntitySuggestion,
    Initiative,
    Mention,
)

INITIATIVE, MENTION = "initiative", "mention"
KINDS = {INITIATIVE: ArticleInitiative, MENTION: Mention}
CONTEXT_CHARS = 90
PAGE_SIZE = 100  # suggestions of each kind on one page of the queue
CONTEXTS_SHOWN = 3  # sightings shown with a suggested entity


@dataclass(frozen=True)
class Suggestion:
    """One undecided link, with the words around what the machine matched."""

    kind: str
    link: ArticleInitiative | Mention
    article: Article
    before: str
    match: str
    after: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.link.pk}"


@dataclass
class SuggestionGroup:
    target: Initiative | Entity
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class ReviewQueue:
    initiatives: list[SuggestionGroup]
    entities: list[SuggestionGroup]
    more_initiative_links: bool  # more waiting than this page shows
    more_mentions: bool


def review_queue(
    *, initiative_id: int | None = None, article_id: int | None = None, size: int = PAGE_SIZE
) -> ReviewQueue:
    """Up to ``size`` suggested initiative links and ``size`` suggested mentions, grouped by
    initiative (and by entity), most confident and newest first within a group.

    Narrowed to one initiative (its links only) or one article when asked. Four queries
    whatever the size: two for the links, one for the articles' text, none per row.
    """
    links = ArticleInitiative.objects.suggested().select_related("initiative")
    mentions = Mention.objects.suggested().select_related("entity")
    if initiative_id is not None:
        links = links.filter(initiative_id=initiative_id)
        mentions = mentions.none()
    if article_id is not None:
        links, mentions = (
            links.filter(article_id=article_id),
            mentions.filter(article_id=article_id),
        )
    # Newest first by primary key (an index scan however many wait); the order within a
    # group is then made here.
    links = list(links.order_by("-pk")[: size + 1])
    mentions = list(mentions.order_by("-pk")[: size + 1])
    more_links, more_mentions = len(links) > size, len(mentions) > size
    links, mentions = links[:size], mentions[:size]

    article_ids = {link.article_id for link in [*links, *mentions]}
    articles = Article.objects.only("id", "title", "published_at", "content_text", "is_hidden")
    by_id = {a.pk: a for a in articles.filter(pk__in=article_ids)} if article_ids else {}
    return ReviewQueue(
        initiatives=_grouped(INITIATIVE, links, by_id, lambda link: link.initiative),
        entities=_grouped(MENTION, mentions, by_id, lambda link: link.entity),
        more_initiative_links=more_links,
        more_mentions=more_mentions,
    )


def _grouped(kind, links, articles, target_of) -> list[SuggestionGroup]:
    groups: dict[int, SuggestionGroup] = {}
    for link in sorted(links, key=lambda link: (-link.confidence, -link.article_id)):
        target = target_of(link)
        group = groups.setdefault(target.pk, SuggestionGroup(target))
        article = articles[link.article_id]
        before, match, after = match_in_context(article, link.matched_text)
        group.suggestions.append(Suggestion(kind, link, article, before, match, after))
    return sorted(groups.values(), key=lambda g: str(g.target).casefold())


def match_in_context(article: Article, matched: str) -> tuple[str, str, str]:
    """The first occurrence of ``matched`` in the article (text, else title), with up to
    ``CONTEXT_CHARS`` characters either side cut at word boundaries; ("", "", "") if absent."""
    if not matched:
        return "", "", ""
    for text in (article.content_text or "", article.title):
        found = re.search(re.escape(matched), text, re.IGNORECASE)
        if found is None:
            continue
        start, end = found.span()
        before = text[max(0, start - CONTEXT_CHARS) : start]
        after = text[end : end + CONTEXT_CHARS]
        if start > CONTEXT_CHARS:
            before = "… " + before.split(" ", 1)[-1]
        if end + CONTEXT_CHARS < len(text):
            after = after.rsplit(" ", 1)[0] + " …"
        return before, text[start:end], after
    return "", "", ""


def links_for_keys(keys: list[str]) -> list[ArticleInitiative | Mention]:
    """The links that review-queue keys (``"initiative:12"``, ``"mention:7"``) name; unknown
    or malformed keys are ignored. Two queries at most."""
    wanted: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind in KINDS and pk.isascii() and pk.isdigit() and len(pk) <= 18:
            wanted[kind].add(int(pk))
    found: list[ArticleInitiative | Mention] = []
    for kind, pks in wanted.items():
        if pks:
            found.extend(KINDS[kind].objects.filter(pk__in=pks).order_by("pk"))
    return found


def entity_suggestions(*, size: int = PAGE_SIZE) -> tuple[list[EntitySuggestion], bool]:
    """Pending suggested entities, most widely seen first, each with its newest sightings
    (``shown_sightings``, at most ``CONTEXTS_SHOWN``, with their articles' titles); and whether
    more wait than ``size``. Three queries."""
    # The newest few per name, not all of them: a name may be in thousands of articles.
    newest = Window(RowNumber(), partition_by=F("suggestion_id"), order_by=F("article_id").desc())
    sightings = (
        EntitySighting.objects.annotate(rank=newest)
        .filter(rank__lte=CONTEXTS_SHOWN)
        .select_related("article")
        .only("id", "suggestion_id", "article_id", "context", "article__id", "article__title")
        .order_by("-article_id")
    )
    rows = list(
        EntitySuggestion.objects.filter(state=EntitySuggestion.State.PENDING)
        .order_by("-article_count", "name", "pk")
        .prefetch_related(Prefetch("sightings", sightings, to_attr="shown_sightings"))[: size + 1]
    )
    return rows[:size], len(rows) > size
