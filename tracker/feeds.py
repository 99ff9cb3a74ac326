"""Syndication out per topic and per initiative: RSS 2.0 and Atom 1.0, as the site-wide feeds."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.models import Article

from . import selectors
from .models import Initiative, Topic


class TopicArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj: Topic) -> str:
        return obj.description or f"The latest articles on {obj.name}."

    def link(self, obj: Topic) -> str:
        return reverse("tracker:topic", args=[obj.slug])

    def feed_url(self, obj: Topic) -> str:
        return reverse("tracker:topic-rss", args=[obj.slug])

    def items(self, obj: Topic) -> list[Article]:
        return selectors.topic_feed_articles(topic=obj)


class TopicArticlesAtomFeed(LatestArticlesAtomFeed, TopicArticlesFeed):
    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)

    def feed_url(self, obj: Topic) -> str:
        return reverse("tracker:topic-atom", args=[obj.slug])


class InitiativeArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Initiative:
        return get_object_or_404(Initiative, slug=slug)

    def title(self, obj: Initiative) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj: Initiative) -> str:
        return f"The latest articles about {obj.name}."

    def link(self, obj: Initiative) -> str:
        return reverse("tracker:initiative", args=[obj.slug])

    def feed_url(self, obj: Initiative) -> str:
        return reverse("tracker:initiative-rss", args=[obj.slug])

    def items(self, obj: Initiative) -> list[Article]:
        return selectors.initiative_feed_articles(initiative=obj)


class InitiativeArticlesAtomFeed(LatestArticlesAtomFeed, InitiativeArticlesFeed):
    def subtitle(self, obj: Initiative) -> str:
        return self.description(obj)

    def feed_url(self, obj: Initiative) -> str:
        return reverse("tracker:initiative-atom", args=[obj.slug])
