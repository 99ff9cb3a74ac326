"""Reads for the reader-facing pages: what each page shows, in a bounded number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page
from django.db.models import Prefetch, QuerySet

from . import search
from .models import Article, ArticleFeed
from .pagination import paginate

HOME_ARTICLES = 8
LIST_PER_PAGE = 20
SEARCH_PER_PAGE = 20
FEED_ITEMS = 30


@dataclass
class SearchHit:
    article: Article
    snippet: list[search.SnippetPart]


@dataclass
class SearchResults:
    q: str
    page: Page
    capped: bool  # more matches exist than were ranked: narrow the dates to reach older ones
    hits: list[SearchHit] = field(default_factory=list)


def _with_tags(articles: QuerySet) -> QuerySet:
    # Article.tags reads feed_links: one query for all of them instead of one per article.
    return articles.prefetch_related(
        Prefetch(
            "feed_links",
            queryset=ArticleFeed.objects.only("article_id", "categories").order_by(
                "first_seen_at", "id"
            ),
        )
    )


def attach_outlets(articles: list[Article]) -> list[Article]:
    """Give each article ``outlets``, the names of every outlet whose feeds carried it (first
    seen first, without repeats): one query for the whole list. Lists need only the first
    (``Article.outlet``), which ``with_outlet()`` reads in the list's own query."""
    names: dict[int, dict[str, None]] = {article.pk: {} for article in articles}
    if names:
        links = (
            ArticleFeed.objects.filter(article_id__in=names)
            .select_related("feed")
            .only("article_id", "feed__title", "feed__publisher", "feed__url")
            .order_by("first_seen_at", "id")
        )
        for link in links:
            names[link.article_id][link.feed.outlet_name] = None
    for article in articles:
        article.outlets = list(names[article.pk])
    return articles


def attach_other_reports(articles: list[Article]) -> list[Article]:
    """Give each article ``other_reports``: the other published articles of its story (each
    with its ``outlet``), oldest first; one query for the whole list."""
    stories = {a.story_id for a in articles if a.story_id}
    others: dict[int, list[Article]] = {}
    if stories:
        rows = (
            Article.objects.published()
            .filter(story_id__in=stories)
            .exclude(pk__in=[a.pk for a in articles])
            .only("id", "title", "story_id", "published_at")
            .with_outlet()
            .order_by("id")
        )
        for row in rows:
            others.setdefault(row.story_id, []).append(row)
    for article in articles:
        article.other_reports = others.get(article.story_id, []) if article.story_id else []
    return articles


def home_articles(*, limit: int = HOME_ARTICLES) -> list[Article]:
    """The newest articles, each story once (its first report) with its other reports."""
    articles = Article.objects.published().one_per_story().for_listing().with_outlet()
    return attach_other_reports(list(articles.newest_first()[:limit]))


def article_list_page(
    *,
    page_number: str | int | None,
    outlet: int | None = None,
    among: QuerySet | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Page:
    """Published articles, newest first: those an outlet's feed carried (``outlet``, a feed id),
    among a query of article ids (``among``: the tracker's links to a topic, initiative or
    entity), published between two days; each filter optional."""
    articles = Article.objects.published().published_between(start, end)
    if outlet is not None:
        articles = articles.filter(feed_links__feed_id=outlet)
    if among is not None:
        articles = articles.filter(pk__in=among)
    if outlet is None:
        # Each story once, with its other outlets; filtered by outlet, that outlet's own report.
        articles = articles.one_per_story()
    articles = articles.for_listing().with_outlet().newest_first()
    page = paginate(articles, page_number=page_number, per_page=LIST_PER_PAGE)
    page.object_list = attach_other_reports(list(page.object_list))
    return page


def article_for_reader(*, pk: int) -> Article | None:
    """A published article with everything its page shows; None if it is missing or hidden."""
    # content_text is only for search and extraction: the page renders content_html.
    article = _with_tags(Article.objects.published().defer("content_text").filter(pk=pk)).first()
    if article is not None:
        attach_outlets([article])
        attach_other_reports([article])
    return article


def article_search_page(
    *,
    q: str,
    start: date | None,
    end: date | None,
    page_number: str | int | None,
    among: QuerySet | None = None,
) -> SearchResults:
    page = paginate(
        search.search_articles(q=q, start=start, end=end, among=among).with_outlet(),
        page_number=page_number,
        per_page=SEARCH_PER_PAGE,
    )
    return SearchResults(
        q=q,
        page=page,
        capped=search.full_text_enabled() and page.paginator.count >= search.RANK_CAP,
        hits=[
            SearchHit(a, search.snippet_parts(a.snippet or a.summary, q=q))
            for a in page.object_list
        ],
    )


def feed_articles(*, limit: int = FEED_ITEMS, among: QuerySet | None = None) -> list[Article]:
    """The newest published articles for a feed; ``among``, a query of article ids, narrows
    them (a topic's or an initiative's links)."""
    articles = Article.objects.published()
    if among is not None:
        articles = articles.filter(pk__in=among)
    articles = articles.only(
        "id",
        "title",
        "summary",
        "author",
        "published_at",
        "first_seen_at",
        "updated_at",
        "comments_url",
    ).newest_first()  # fmt: skip
    return list(_with_tags(articles)[:limit])
