"""The review queue: the machine's suggestions waiting for an editor, grouped, in context.

Reads only; decisions go through ``tracker.services`` (``article_initiative_decide``,
``mention_decide``, ``article_initiative_add``, ``mention_add``).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, Prefetch, Value, Window
from django.db.models.functions import Lower, RowNumber

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
BY_TARGET, BY_ARTICLE = "target", "article"  # how the queue's page is grouped
GROUPINGS = (BY_TARGET, BY_ARTICLE)
CONTEXT_CHARS = 90
PAGE_SIZE = 50  # suggestions on one page of the queue: a screenful of groups, not 22,000 px
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

    @property
    def target(self) -> Initiative | Entity:
        return self.link.initiative if self.kind == INITIATIVE else self.link.entity


@dataclass
class SuggestionGroup:
    """The page's suggestions about one initiative, one entity, or one article (``kind`` says
    which ``head`` is). ``waiting`` counts the group's suggestions on every page; ``continued``
    says the group began on an earlier page."""

    kind: str  # INITIATIVE, MENTION (an entity's mentions) or BY_ARTICLE
    head: Initiative | Entity | Article
    waiting: int = 0
    continued: bool = False
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def target(self) -> Initiative | Entity | Article:
        return self.head


@dataclass
class ReviewQueue:
    groups: list[SuggestionGroup]
    group_by: str
    page: Page  # of the suggestions' sort keys; its number, neighbours and count for the pager

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def initiatives(self) -> list[SuggestionGroup]:
        return [g for g in self.groups if g.kind == INITIATIVE]

    @property
    def entities(self) -> list[SuggestionGroup]:
        return [g for g in self.groups if g.kind == MENTION]


def review_queue(
    *,
    initiative_id: int | None = None,
    article_id: int | None = None,
    group_by: str = BY_TARGET,
    page_number=1,
    size: int = PAGE_SIZE,
) -> ReviewQueue:
    """One page of the suggested initiative links and mentions, grouped by target (initiatives
    by name, then entities by name; most confident, newest first within each) or by article
    (newest first; initiative links, then mentions). ``page_number`` may be anything: junk is
    page 1, out of range (0, past the end) the last page.

    Narrowed to one initiative (its links only) or one article when asked. At most nine
    queries whatever the size: the count and the page's keys (one query over both kinds), the
    page's links, their articles, each group's count over every page, and past page 1 the row
    before the page (does its first group continue?).
    """
    links, mentions = _suggested(initiative_id, article_id)
    by_article = group_by == BY_ARTICLE
    order = (
        ["-article_id", "kind", "-confidence", "pk"]
        if by_article
        else ["kind", "target_name", "target_id", "-confidence", "-article_id", "pk"]
    )
    keys = _keys(links, INITIATIVE, "initiative").union(_keys(mentions, MENTION, "entity"))
    page = Paginator(keys.order_by(*order), size).get_page(page_number)
    rows = list(page.object_list)

    wanted = {kind: [row["pk"] for row in rows if row["kind"] == kind] for kind in KINDS}
    loaded = {
        (INITIATIVE, link.pk): link
        for link in links.filter(pk__in=wanted[INITIATIVE]).select_related("initiative")
    }
    for mention in mentions.filter(pk__in=wanted[MENTION]).select_related("entity"):
        loaded[MENTION, mention.pk] = mention
    article_ids = {row["article_id"] for row in rows}
    fields = ("id", "title", "published_at", "content_text", "is_hidden")
    articles = {a.pk: a for a in Article.objects.only(*fields).filter(pk__in=article_ids)}

    groups: dict[tuple, SuggestionGroup] = {}
    for row in rows:
        link = loaded.get((row["kind"], row["pk"]))
        if link is None:  # decided between the two queries
            continue
        article = articles[row["article_id"]]
        before, match, after = match_in_context(article, link.matched_text)
        suggestion = Suggestion(row["kind"], link, article, before, match, after)
        if by_article:
            group_key, kind, head = (BY_ARTICLE, article.pk), BY_ARTICLE, article
        else:
            group_key, kind, head = (row["kind"], row["target_id"]), row["kind"], suggestion.target
        groups.setdefault(group_key, SuggestionGroup(kind, head)).suggestions.append(suggestion)
    _count_waiting(groups, links, mentions, by_article)
    if rows and page.number > 1:
        _mark_continued(groups, keys.order_by(*order), page, rows[0], by_article)
    return ReviewQueue(groups=list(groups.values()), group_by=BY_ARTICLE if by_article
                       else BY_TARGET, page=page)  # fmt: skip


def _suggested(initiative_id, article_id):
    links = ArticleInitiative.objects.suggested()
    mentions = Mention.objects.suggested()
    if initiative_id is not None:
        links = links.filter(initiative_id=initiative_id)
        mentions = mentions.none()
    if article_id is not None:
        links, mentions = (
            links.filter(article_id=article_id),
            mentions.filter(article_id=article_id),
        )
    return links, mentions


def _keys(links, kind: str, target: str):
    """What a page is sorted and cut by, the same columns for both kinds of link."""
    return links.annotate(
        kind=Value(kind, output_field=CharField()),
        target_id=F(f"{target}_id"),
        target_name=Lower(f"{target}__name"),
    ).values("kind", "pk", "article_id", "target_id", "target_name", "confidence")


def _count_waiting(groups, links, mentions, by_article: bool) -> None:
    """Each group's suggestions on every page, not only this one: one query per kind."""
    if by_article:
        ids = [head_id for (_, head_id) in groups]
        counts = Counter()
        for queryset in (links, mentions):
            for row in (
                queryset.filter(article_id__in=ids)
                .values("article_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                counts[row["article_id"]] += row["n"]
        for (_, head_id), group in groups.items():
            group.waiting = counts[head_id]
        return
    for kind, queryset, column in ((INITIATIVE, links, "initiative_id"),
                                   (MENTION, mentions, "entity_id")):  # fmt: skip
        ids = [head_id for (k, head_id) in groups if k == kind]
        if not ids:
            continue
        counts = dict(
            queryset.filter(**{f"{column}__in": ids}).values_list(column).annotate(n=Count("pk"))
            .order_by()
        )  # fmt: skip
        for (k, head_id), group in groups.items():
            if k == kind:
                group.waiting = counts.get(head_id, 0)


def _mark_continued(groups, ordered, page, first, by_article: bool) -> None:
    """Whether the page's first group began on the previous page: the row just before this
    page belongs to the same group."""
    before = ordered[page.start_index() - 2 : page.start_index() - 1]
    previous = next(iter(before), None)
    if previous is None:
        return
    if by_article:
        same = previous["article_id"] == first["article_id"]
        key = (BY_ARTICLE, first["article_id"])
    else:
        same = (previous["kind"], previous["target_id"]) == (first["kind"], first["target_id"])
        key = (first["kind"], first["target_id"])
    if same and key in groups:
        groups[key].continued = True


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
