from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import services
from .models import Article, ArticleFeed, Feed, FeedFetch


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "status", "last_fetched_at", "next_fetch_at", "consecutive_errors", "last_error",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "etag", "last_modified", "body_hash", "last_fetched_at", "consecutive_errors",
        "last_error", "created_at", "updated_at", "fetch_log",
    ]  # fmt: skip
    actions = ["fetch_now", "pause", "resume"]

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

    @admin.action(description="Fetch now")
    def fetch_now(self, request, queryset):
        from .tasks import fetch_feed

        ids = list(queryset.values_list("id", flat=True))
        transaction.on_commit(lambda: [fetch_feed.delay(feed_id) for feed_id in ids])
        self.message_user(request, f"{len(ids)} feed(s) queued for fetching.", messages.SUCCESS)

    @admin.action(description="Pause")
    def pause(self, request, queryset):
        for feed in queryset:
            services.feed_pause(feed=feed, reason=f"paused by {request.user}")
        self.message_user(request, "Paused.", messages.SUCCESS)

    @admin.action(description="Resume")
    def resume(self, request, queryset):
        for feed in queryset:
            services.feed_resume(feed=feed)
        self.message_user(request, "Resumed; due now.", messages.SUCCESS)


@admin.register(FeedFetch)
class FeedFetchAdmin(admin.ModelAdmin):
    list_display = [
        "started_at", "feed", "outcome", "http_status", "bytes_received",
        "entries_seen", "entries_created", "entries_updated",
    ]  # fmt: skip
    list_filter = ["outcome"]
    list_select_related = ["feed"]
    search_fields = ["feed__url", "error_message"]
    raw_id_fields = ["feed"]
    date_hierarchy = "started_at"

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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "is_state_media", "comment_count", "is_hidden"]
    list_filter = ["is_state_media", "is_hidden"]
    search_fields = ["title", "url"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "identity", "guid", "url", "title", "author", "published_at", "summary", "highlights",
        "takeaway", "sources", "disclosure", "is_state_media", "comments_url", "comment_count",
        "comment_feed_url", "content_hash", "first_seen_at", "updated_at", "content_html",
    ]  # fmt: skip
    exclude = ["content_text"]
    inlines = [ArticleFeedInline]
    show_full_result_count = False
