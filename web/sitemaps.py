"""sitemap.xml: an index over one sitemap per section, each paginated by Django.

The tracker adds its sections (topics, initiatives, entities) to ``SITEMAPS``.
"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Model, QuerySet
from django.urls import reverse

from articles.models import Article
from tracker.models import Entity, Initiative, Topic


class PagesSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    # Per sitemap page: well under the protocol's 50,000 URLs, and quick to render (about
    # 0.1 ms per URL for its reverse() and slug).
    limit = 2000

    def items(self) -> QuerySet:
        return Article.objects.published().only("id", "title", "updated_at").order_by("id")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default calls lastmod() on every item in Python; the index needs one value.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ReaderPagesSitemap(PagesSitemap):
    """The site's fixed pages, the tracker's lists included."""

    def items(self) -> list[str]:
        return [
            *super().items(),
            "tracker:initiatives",
            "tracker:topics",
            "tracker:entities",
            "tracker:claims",
        ]


class _TrackerSitemap(Sitemap):
    """Topics, initiatives or entities, each at ``tracker:<url_name>`` by slug."""

    model: type[Model]
    url_name: str
    changefreq = "daily"
    limit = 2000

    def items(self) -> QuerySet:
        return self.model._default_manager.only("id", "slug", "updated_at").order_by("id")

    def location(self, item) -> str:
        return reverse(f"tracker:{self.url_name}", args=[item.slug])

    def lastmod(self, item) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(_TrackerSitemap):
    model, url_name = Topic, "topic"


class InitiativeSitemap(_TrackerSitemap):
    model, url_name = Initiative, "initiative"


class EntitySitemap(_TrackerSitemap):
    model, url_name = Entity, "entity"
    changefreq = "weekly"


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": ReaderPagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "initiatives": InitiativeSitemap,
    "entities": EntitySitemap,
}
