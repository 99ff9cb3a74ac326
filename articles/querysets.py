from datetime import UTC, date, datetime, time, timedelta

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

# Readers' order: newest first, undated posts last (served by the index article_newest_idx).
NEWEST_FIRST = (F("published_at").desc(nulls_last=True), F("id").desc())

# The columns a list of articles shows: the bodies stay in the database.
LISTING_FIELDS = (
    "id", "title", "summary", "published_at", "first_seen_at", "is_state_media", "disclosure",
    "comment_count", "story_id",
)  # fmt: skip


def outlet_columns(path: str = "") -> dict[str, Subquery]:
    """Annotations naming the outlet of an article (reached by ``path``, e.g. ``"article__"``):
    the title, publisher and URL of the first feed that carried it, for ``Feed.outlet_name``.
    Subqueries in the list's own query, so naming outlets costs no query of its own."""
    from .models import ArticleFeed  # the models import this module

    first_feed = ArticleFeed.objects.filter(article_id=OuterRef(f"{path}pk")).order_by(
        "first_seen_at", "id"
    )
    return {
        f"outlet_{name}": Subquery(first_feed.values(f"feed__{name}")[:1])
        for name in ("title", "publisher", "url")
    }


class FeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def due(self, now=None):
        return self.active().filter(next_fetch_at__lte=now or timezone.now())


def published_condition(path: str = "") -> Q:
    """The rule behind ``ArticleQuerySet.published()``, for queries that reach articles through
    a relation (``path="article__"``): one definition of what readers and partners may see."""
    return Q(**{f"{path}is_hidden": False})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see."""
        return self.filter(published_condition())

    def from_feed(self, feed):
        return self.filter(feed_links__feed=feed)

    def matching_identities(self, identities, urls=()):
        return self.filter(Q(identity__in=list(identities)) | Q(url__in=[u for u in urls if u]))

    def published_between(self, start: date | None = None, end: date | None = None):
        """Published on or after ``start`` and on or before ``end`` (UTC days), either optional."""
        # Bounds on the column itself rather than ``__date``, so article_newest_idx serves.
        qs = self
        if start:
            qs = qs.filter(published_at__gte=datetime.combine(start, time.min, tzinfo=UTC))
        if end:
            next_day = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
            qs = qs.filter(published_at__lt=next_day)
        return qs

    def for_listing(self):
        return self.only(*LISTING_FIELDS)

    def one_per_story(self):
        """One article per story: the first report (lowest id) of those readers may see; the
        others are its "also reported by". Articles in no story all stay."""
        earlier_report = self.model.objects.filter(
            published_condition(), story_id=OuterRef("story_id"), pk__lt=OuterRef("pk")
        )
        return self.exclude(Exists(earlier_report))

    def with_outlet(self):
        """Each article with ``outlet_title``, ``outlet_publisher`` and ``outlet_url``, read by
        ``Article.outlet``."""
        return self.annotate(**outlet_columns())

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self) -> ArticleQuerySet:
        # The search vector is kilobytes per row that only the database reads: never load it.
        return super().get_queryset().defer("search_vector")
