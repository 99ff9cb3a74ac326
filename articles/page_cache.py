"""What the reader-page cache (reex.caching) follows of articles: every model but the fetch
bookkeeping, a feed only when the outlet name pages show changes, and the latest
``Article.updated_at`` as part of the pages version (ingest's bulk writes send no signals)."""

from datetime import datetime

from django.db.models import Max
from django.db.models.signals import post_delete, post_init, post_save

from reex.caching import reader_pages_follow, reader_pages_invalidate_once, reader_pages_stamp

from .models import Article, Feed

NOT_SHOWN = (
    # Its fetch state changes on every fetch; only the fields naming the outlet are shown, and a
    # change to them invalidates (``_outlet_changed``).
    "articles.Feed",
    "articles.FeedFetch",  # the fetch log
    "articles.ArticleFeed",  # which feeds carried an article (ingest moves updated_at)
)
# What pages show of a feed: the outlet's name (Feed.outlet_name).
OUTLET_FIELDS = ("title", "publisher", "url")


def reader_pages_follow_articles() -> None:
    """From ``ArticlesConfig.ready``."""
    reader_pages_follow("articles", not_shown=NOT_SHOWN)
    reader_pages_stamp(latest_article_change)
    post_init.connect(_outlet_loaded, sender=Feed, dispatch_uid="reader-pages-outlet-loaded")
    post_save.connect(_outlet_changed, sender=Feed, dispatch_uid="reader-pages-outlet-changed")
    post_delete.connect(_outlet_changed, sender=Feed, dispatch_uid="reader-pages-outlet-deleted")


def latest_article_change() -> datetime | None:
    return Article.objects.aggregate(latest=Max("updated_at"))["latest"]


def _outlet_shown(feed: Feed) -> tuple:
    # __dict__, not getattr: reading a deferred field would cost a query per feed loaded.
    return tuple(feed.__dict__.get(name) for name in OUTLET_FIELDS)


def _outlet_loaded(sender, instance: Feed, **kwargs) -> None:
    instance._outlet_as_loaded = _outlet_shown(instance)


def _outlet_changed(sender, instance: Feed, **kwargs) -> None:
    """A feed saved with another name (or deleted): pages naming its outlet are stale. Saves of
    its fetch state alone, on every fetch, leave the cache alone."""
    if kwargs.get("raw"):
        return
    if kwargs.get("created", True) or _outlet_shown(instance) != instance._outlet_as_loaded:
        reader_pages_invalidate_once()
    instance._outlet_as_loaded = _outlet_shown(instance)
