"""Syndication out: the site's latest articles as RSS 2.0 and Atom 1.0.

Per-topic and per-initiative feeds subclass ``LatestArticlesFeed`` with ``get_object`` and their
own ``items``.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape

from . import selectors
from .models import Article


class LatestArticlesFeed(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    description = "The latest rare-earth and critical-minerals articles tracked by REEx Tracker."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest articles"

    def link(self) -> str:
        return reverse("articles:list")

    def feed_url(self) -> str:
        return reverse("articles:feed-rss")

    def items(self) -> list[Article]:
        return selectors.feed_articles()

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Readers take an RSS description and an Atom summary as HTML: the plain-text summary is
        # escaped so that text looking like markup stays text. The full body stays on our page.
        return escape(item.summary)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return f"reex-article-{item.pk}"

    def item_guid_is_permalink(self, item: Article) -> bool:
        return False

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at or item.first_seen_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.author or None

    def item_categories(self, item: Article) -> list[str]:
        return item.tags

    def item_comments(self, item: Article) -> str | None:
        return item.comments_url or None


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description

    def feed_url(self) -> str:
        return reverse("articles:feed-atom")
