from urllib.parse import urlsplit

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .querysets import ArticleManager, FeedQuerySet
from .sections import Sections, body_without_sections


class Feed(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Feeds with the same publisher may update each other's articles (same guid or "
            "link). Blank: the host of the feed's URL, without www. Give two feeds of one "
            "publisher on different hosts (a feed service, a subdomain) the same value."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_reason = models.CharField(max_length=500, blank=True)
    fetch_interval_minutes = models.PositiveIntegerField(default=30)

    # Conditional GET validators and the hash of the last body, exactly as the server sent them.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)

    last_fetched_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED

    @property
    def publisher_key(self) -> str:
        return publisher_key(publisher=self.publisher, url=self.url)

    @property
    def outlet_name(self) -> str:
        return outlet_name(title=self.title, publisher=self.publisher, url=self.url)


def outlet_name(*, title: str, publisher: str, url: str) -> str:
    """The name readers see for whoever published a feed's articles: the feed's title, else its
    publisher's domain. Never a favicon or anything else fetched from the site."""
    return title.strip() or publisher_key(publisher=publisher, url=url)


def publisher_key(*, publisher: str, url: str) -> str:
    """Who publishes a feed: what an editor set, else the feed URL's host.

    Never the channel's own <link>: a feed could claim any site with it.
    """
    if publisher.strip():
        return publisher.strip().lower()
    return site_domain(url) or ""


def site_domain(url: str) -> str | None:
    """A URL's host without ``www.``, lowercased; None when the URL has none (or is no URL)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def annotated_outlet(row) -> str:
    """The outlet's name from the ``outlet_columns`` annotations on ``row`` (an article, or a
    link to one); "" without them or without a feed."""
    url = getattr(row, "outlet_url", None)
    if not url:
        return ""
    title, publisher = getattr(row, "outlet_title", ""), getattr(row, "outlet_publisher", "")
    return outlet_name(title=title or "", publisher=publisher or "", url=url)


class FeedFetch(models.Model):
    """One attempt to fetch a feed, whatever came of it: the fetch log."""

    class Outcome(models.TextChoices):
        NEW_CONTENT = "new_content", "New content"
        NOT_MODIFIED = "not_modified", "Not modified (304)"
        UNCHANGED_BODY = "unchanged_body", "Unchanged body"
        HTTP_ERROR = "http_error", "HTTP error"
        NETWORK_ERROR = "network_error", "Network error"
        TOO_LARGE = "too_large", "Too large"
        UNSAFE_DOCUMENT = "unsafe_document", "Unsafe document refused"
        PARSE_ERROR = "parse_error", "Parse error"
        BLOCKED_ADDRESS = "blocked_address", "Blocked address"
        # Failures no check foresaw: the worker's time limit, the database refusing a value, a
        # bug. Logged and backed off like the others, so no feed can fail unseen forever.
        TIME_LIMIT = "time_limit", "Time limit exceeded"
        DATABASE_ERROR = "database_error", "Database error"
        INTERNAL_ERROR = "internal_error", "Internal error"

    # Every outcome but these counts as a failed attempt (backoff, pause, `ingest` exit status).
    SUCCESSES = frozenset({Outcome.NEW_CONTENT, Outcome.NOT_MODIFIED, Outcome.UNCHANGED_BODY})

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="fetches")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    url = models.URLField(max_length=2000, blank=True, help_text="The URL that answered.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes_received = models.PositiveIntegerField(default=0)
    entries_seen = models.PositiveIntegerField(default=0)
    entries_created = models.PositiveIntegerField(default=0)
    entries_updated = models.PositiveIntegerField(default=0)
    entries_dropped = models.PositiveIntegerField(
        default=0, help_text="Items beyond FEEDS_MAX_ITEMS, not read."
    )
    entries_collided = models.PositiveIntegerField(
        default=0,
        help_text=(
            "Items carrying the guid or link of another publisher's article: stored apart, "
            "never applied to it."
        ),
    )
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["feed", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.feed_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def entries_unchanged(self) -> int:
        return max(self.entries_seen - self.entries_created - self.entries_updated, 0)


class Story(models.Model):
    """One event as several outlets reported it: the articles grouped by ``articles.stories``
    (near-duplicate words, shared figures, close dates), or by an editor."""

    title = models.CharField(max_length=1000, help_text="The first report's title, for editors.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"


class Article(models.Model):
    """One post, whichever feeds carried it; identified by ``identity`` (see ``identity.py``)."""

    identity = models.CharField(max_length=64, editable=False)
    guid = models.CharField(max_length=2000, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=1000)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_published_at = models.DateTimeField(
        "future date given by the feed",
        null=True,
        blank=True,
        help_text=(
            "Set when the feed dated the post after the moment it was fetched (a year 2100): "
            "the date it gave, while Published is the fetch time."
        ),
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text="A BCP 47 tag, lowercased (en, en-us), as the feed declares it for the entry "
        "or for itself; blank when it does not.",
    )

    content_html = models.TextField(blank=True, help_text="Sanitized HTML.")
    content_text = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    highlights = models.JSONField(default=list, blank=True)
    takeaway = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    disclosure = models.TextField(blank=True)
    is_state_media = models.BooleanField(default=False)

    comments_url = models.URLField(max_length=2000, blank=True)
    comment_count = models.PositiveIntegerField(null=True, blank=True)
    comment_feed_url = models.URLField(max_length=2000, blank=True)

    content_hash = models.CharField(max_length=64)
    is_hidden = models.BooleanField(default=False, help_text="Hidden articles never reach readers.")
    story = models.ForeignKey(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The event it reports, shared with other outlets' reports of it.",
    )
    story_pinned = models.BooleanField(
        default=False,
        help_text="An editor placed it in its story (split or merge): grouping leaves it there.",
    )
    feeds = models.ManyToManyField(Feed, through="ArticleFeed", related_name="articles")

    first_seen_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    # Filled after ingest by articles.search.search_vectors_update (NULL: to be indexed), and
    # reset by a trigger when the text changes (migration 0003); GIN-indexed. PostgreSQL only:
    # always empty on SQLite, where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # Declared here rather than with unique=/db_index= so PostgreSQL gets no extra
        # varchar_pattern_ops ("_like") indexes: nothing searches these by prefix.
        constraints = [
            models.UniqueConstraint(fields=["identity"], name="article_identity_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
        ]
        # article_newest_idx (published_at DESC NULLS LAST, id DESC) WHERE NOT is_hidden, the
        # order of every reader list, is created by migration 0003: SQLite cannot declare
        # NULLS LAST in an index.
        indexes = [models.Index(fields=["url"], name="article_url_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self) -> str:
        """Readable words for the URL; the primary key alone identifies the article."""
        return slugify(self.title)[:80].strip("-") or "article"

    @property
    def outlet(self) -> str:
        """The outlet that published the article, from the ``with_outlet()`` annotations (or
        ``outlets``, set by ``articles.selectors.attach_outlets``); "" when neither was read."""
        if outlets := getattr(self, "outlets", None):
            return outlets[0]
        return annotated_outlet(self)

    @property
    def is_future_dated(self) -> bool:
        return self.claimed_published_at is not None

    @property
    def body_html(self) -> str:
        """The sanitized body without the sections the article page shows in their own boxes
        (highlights, the house take, sources, the notice), so readers do not read them twice.
        """
        shown = Sections(
            highlights=self.highlights,
            takeaway=self.takeaway,
            sources=self.sources,
            disclosure=self.disclosure,
        )
        return body_without_sections(self.content_html, shown)

    @property
    def tags(self) -> list[str]:
        """The categories every feed gave this post, in first-seen order, without repeats."""
        seen: dict[str, None] = {}
        # Sorted here, not by the query: a prefetch gives the links in whatever order the
        # database returns them.
        for link in sorted(self.feed_links.all(), key=lambda link: link.pk):
            seen.update(dict.fromkeys(link.categories))
        return list(seen)


class ArticleFeed(models.Model):
    """An article as one feed carried it, with that feed's categories for it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feed_links")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="article_links")
    categories = models.JSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "feed"], name="article_feed_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} via {self.feed_id}"
