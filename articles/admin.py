"""Feeds, their fetch log, and articles (read-mostly: their content comes from the feeds).

Changelists here and in the tracker's admin stay fast on large tables: no full-table counts
(``EstimatedCountPaginator``, ``show_full_result_count = False``, no facets) and no article
bodies loaded for lists.
"""

import json
from functools import cached_property

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import search, services, stories
from .models import Article, ArticleFeed, Feed, FeedFetch, Story
from .querysets import NEWEST_FIRST

# Columns of an article that lists never need: kilobytes each.
ARTICLE_BODY_FIELDS = ("content_html", "content_text", "search_vector", "highlights", "sources")


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ``EXACT_UP_TO`` rows; past that, takes PostgreSQL's planner
    estimate, so a changelist over a million rows never runs a full ``COUNT(*)``.

    The page count of a large list is then approximate; the rows shown are always exact.
    """

    EXACT_UP_TO = 10_000

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return super().count
        rows = object_list.order_by().values("pk")
        postgres = connections[object_list.db].vendor == "postgresql"
        estimate = None
        if postgres and not object_list.query.has_filters():
            # The whole table, whose statistics the estimate comes from: far past EXACT_UP_TO
            # it cannot be hiding a small table, and counting even 10,000 rows costs more
            # than the page (the claims changelist: 2 ms against 0.3 ms for the estimate).
            estimate = _planner_rows(rows)
            if estimate > 10 * self.EXACT_UP_TO:
                return estimate
        # COUNT(*) over a LIMITed subquery: stops reading at EXACT_UP_TO + 1 rows.
        exact = rows[: self.EXACT_UP_TO + 1].count()
        if exact <= self.EXACT_UP_TO or not postgres:
            return exact
        return max(exact, estimate if estimate is not None else _planner_rows(rows))


def _planner_rows(queryset: QuerySet) -> int:
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "publisher", "status", "last_outcome", "last_fetched_at", "next_fetch_at",
        "consecutive_errors", "last_error",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["url", "title", "publisher"]
    readonly_fields = [
        "etag", "last_modified", "body_hash", "last_fetched_at", "consecutive_errors",
        "last_error", "created_at", "updated_at", "fetch_log",
    ]  # fmt: skip
    actions = ["fetch_now", "pause", "resume"]
    show_full_result_count = False

    def get_queryset(self, request):
        latest = FeedFetch.objects.filter(feed=OuterRef("pk")).order_by("-started_at", "-id")
        return (
            super()
            .get_queryset(request)
            .annotate(latest_outcome=Subquery(latest.values("outcome")[:1]))
        )

    @admin.display(description="Last outcome", ordering="latest_outcome")
    def last_outcome(self, feed):
        return FeedFetch.Outcome(feed.latest_outcome).label if feed.latest_outcome else "—"

    @admin.display(description="Fetch log (latest 20)")
    def fetch_log(self, feed):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}/{}/{}</td><td>{}</td></tr>",
            (
                (f.started_at, f.get_outcome_display(), f.http_status or "", f.entries_seen,
                 f.entries_created, f.entries_updated, f.error_message)
                for f in feed.fetches.all()[:20]
            ),
        )  # fmt: skip
        log_url = reverse("admin:articles_feedfetch_changelist") + f"?feed__id__exact={feed.pk}"
        return format_html(
            "<table><tr><th>Started</th><th>Outcome</th><th>HTTP</th>"
            "<th>Seen/created/updated</th><th>Message</th></tr>{}</table>"
            '<p><a href="{}">Full fetch log</a></p>',
            rows,
            log_url,
        )

    @admin.action(description="Fetch now", permissions=["change"])
    def fetch_now(self, request, queryset):
        from .tasks import fetch_feed

        ids = list(queryset.values_list("id", flat=True))
        transaction.on_commit(lambda: [fetch_feed.delay(feed_id) for feed_id in ids])
        self.message_user(request, f"{len(ids)} feed(s) queued for fetching.", messages.SUCCESS)

    @admin.action(description="Pause", permissions=["change"])
    def pause(self, request, queryset):
        for feed in queryset:
            services.feed_pause(feed=feed, reason=f"paused by {request.user}")
        self.message_user(request, "Paused.", messages.SUCCESS)

    @admin.action(description="Resume", permissions=["change"])
    def resume(self, request, queryset):
        for feed in queryset:
            services.feed_resume(feed=feed)
        self.message_user(request, "Resumed; due now.", messages.SUCCESS)


@admin.register(FeedFetch)
class FeedFetchAdmin(admin.ModelAdmin):
    list_display = [
        "started_at", "feed", "outcome", "http_status", "bytes_received",
        "entries_seen", "entries_created", "entries_updated", "entries_dropped",
        "entries_collided",
    ]  # fmt: skip
    list_select_related = ["feed"]
    search_fields = ["feed__url", "error_message"]
    raw_id_fields = ["feed"]
    # The log grows by every fetch of every feed: newest first by primary key (the model's
    # order would sort the whole table), no date hierarchy (it reads every row), no counts.
    list_filter = ["outcome", "started_at"]
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleFeedInline(admin.TabularInline):
    model = ArticleFeed
    extra = 0
    can_delete = False
    fields = ["feed", "categories", "first_seen_at", "last_seen_at"]
    readonly_fields = fields


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer(*ARTICLE_BODY_FIELDS, "summary", "takeaway", "disclosure")
        )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title", "published_at", "future_dated", "is_state_media", "comment_count", "is_hidden",
    ]  # fmt: skip
    list_filter = [
        "is_hidden", "is_state_media", ("claimed_published_at", admin.EmptyFieldListFilter),
        "published_at",
    ]  # fmt: skip
    # On PostgreSQL words are found through the full-text index (see get_search_results);
    # these serve the embedded SQLite default only.
    search_fields = ["title", "url"]
    ordering = NEWEST_FIRST
    readonly_fields = [
        "identity", "guid", "url", "title", "author", "published_at", "claimed_published_at",
        "is_hidden", "summary",
        "highlights", "takeaway", "sources", "disclosure", "is_state_media", "comments_url",
        "comment_count", "comment_feed_url", "content_hash", "first_seen_at", "updated_at",
        "content_html", "story", "story_pinned",
    ]  # fmt: skip
    exclude = ["content_text"]
    inlines = [ArticleFeedInline]  # the tracker's admin adds the article's links and claims
    actions = ["hide", "unhide"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term or not search.full_text_enabled():
            return super().get_search_results(request, queryset, search_term)
        if term.isascii() and term.isdigit() and len(term) <= 18:  # an id ("²" is a digit too)
            return queryset.filter(pk=int(term)), False
        if term.startswith(("http://", "https://")):
            return queryset.filter(url=term), False
        query = SearchQuery(term, config=search.CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query), False

    def has_add_permission(self, request):
        return False  # articles come from feeds

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: a deleted article would come back with the next fetch

    @admin.display(description="Future-dated", boolean=True)
    def future_dated(self, article):
        return article.is_future_dated

    @admin.action(description="Hide from readers", permissions=["change"])
    def hide(self, request, queryset):
        changed = sum(services.article_hide(article=a) for a in queryset.only("id", "is_hidden"))
        self.message_user(request, f"{changed} article(s) hidden.", messages.SUCCESS)

    @admin.action(description="Show to readers again", permissions=["change"])
    def unhide(self, request, queryset):
        changed = sum(services.article_unhide(article=a) for a in queryset.only("id", "is_hidden"))
        self.message_user(request, f"{changed} article(s) shown again.", messages.SUCCESS)


class StoryArticleInline(admin.TabularInline):
    model = Article
    fields = ["title", "published_at", "outlets", "story_pinned", "is_hidden"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["id"]

    def has_add_permission(self, request, obj=None):
        return False  # articles join stories through grouping or the merge action

    @admin.display(description="Outlets")
    def outlets(self, article):
        return ", ".join(dict.fromkeys(link.feed.outlet_name for link in article.feed_links.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("feed_links__feed")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Stories as grouping made them; editors split a wrong one and merge what belongs together
    (articles.stories services). Articles an editor placed stay where they were put."""

    list_display = ["title", "article_count", "created_at"]
    search_fields = ["title"]
    readonly_fields = ["title", "created_at", "updated_at"]
    inlines = [StoryArticleInline]
    actions = ["split", "merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    def has_add_permission(self, request):
        return False  # grouping makes stories; editors split and merge them

    @admin.display(description="Articles", ordering="n_articles")
    def article_count(self, story):
        return story.n_articles

    @admin.action(description="Split: give each article its own story", permissions=["change"])
    def split(self, request, queryset):
        made = sum(len(stories.story_split(story=story)) for story in queryset)
        self.message_user(request, f"Split into {made} stories.", messages.SUCCESS)

    @admin.action(description="Merge the selected stories into one", permissions=["change"])
    def merge(self, request, queryset):
        chosen = list(queryset)
        if len(chosen) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return
        kept = stories.stories_merge(stories=chosen)
        self.message_user(request, f"Merged into “{kept}”.", messages.SUCCESS)
