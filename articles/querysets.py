from django.db import models
from django.db.models import Q
from django.utils import timezone


class FeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def due(self, now=None):
        return self.active().filter(next_fetch_at__lte=now or timezone.now())


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see."""
        return self.filter(is_hidden=False)

    def from_feed(self, feed):
        return self.filter(feed_links__feed=feed)

    def matching_identities(self, identities, urls=()):
        return self.filter(Q(identity__in=list(identities)) | Q(url__in=[u for u in urls if u]))
