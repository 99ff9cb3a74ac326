"""Chainable reads of the tracker's models."""

from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from articles.querysets import published_condition


class LinkQuerySet(models.QuerySet):
    """For every article link (initiative, entity mention, topic)."""

    def suggested(self):
        return self.filter(state="suggested")

    def confirmed(self):
        return self.filter(state="confirmed")

    def rejected(self):
        return self.filter(state="rejected")

    def visible(self):
        """What readers may see: everything an editor has not rejected."""
        return self.exclude(state="rejected")

    def undecided_machine(self):
        """The only links extraction may replace or remove."""
        return self.filter(origin="machine", state="suggested")

    def for_article(self, article):
        return self.filter(article=article)


class ClaimAppearanceQuerySet(models.QuerySet):
    def visible(self):
        """Appearances in articles readers may see (``ArticleQuerySet.published``)."""
        return self.filter(published_condition("article__"))


class ClaimQuerySet(models.QuerySet):
    def visible(self):
        """What readers and partners may see: claims stated in at least one published article.
        A claim whose every article an editor hid is kept (with its verdict) but shown nowhere:
        pages, key figures, ClaimReview markup, conflicts, the API and the export."""
        return self.filter(self._stated_in_a_published_article())

    def with_visibility(self):
        """``is_visible``, the rule of ``visible()``, on every claim (for sync tombstones)."""
        return self.annotate(is_visible=self._stated_in_a_published_article())

    def _stated_in_a_published_article(self) -> Exists:
        appearances = self.model._meta.get_field("appearances").related_model
        return Exists(appearances.objects.visible().filter(claim=OuterRef("pk")))

    def unverified(self):
        return self.filter(status="unverified")

    def reviewed(self):
        return self.exclude(status="unverified")

    def needing_independent_verification(self):
        return self.filter(needs_independent_verification=True)

    def with_figure(self):
        return self.filter(value__isnull=False)

    def about_initiative(self, initiative):
        """Claims whose figure is about the initiative (its subject), not merely naming it."""
        return self.filter(subject_initiative=initiative)

    def in_article(self, article):
        return self.filter(appearances__article=article)


class TopicQuerySet(models.QuerySet):
    def recount_links(self) -> None:
        """Store each topic's ``link_count`` as its links now are.

        Called by the services that add, remove or decide topic links, last in their
        transaction. The topics' rows are locked (in id order) before counting, so the count
        is read after any other writer of the same topics has committed: concurrent
        enrichments cannot leave a count that misses the other's links.
        """
        links = self.model._meta.get_field("article_links").related_model
        with transaction.atomic():
            ids = list(self.order_by("pk").select_for_update().values_list("pk", flat=True))
            counted = (
                links.objects.filter(topic=OuterRef("pk"))
                .visible()
                .values("topic")
                .annotate(n=Count("article"))  # article_topic_shown_idx alone answers
                .values("n")
            )
            self.model.objects.filter(pk__in=ids).update(link_count=Coalesce(Subquery(counted), 0))

    def with_article_count(self):
        """``article_count``: the topic's articles readers see, without counting its links.

        ``link_count`` less the links to hidden articles, which are few and found through
        their own index (article_hidden_idx): hiding an article needs no recount.
        """
        links = self.model._meta.get_field("article_links").related_model
        hidden = (
            links.objects.filter(topic=OuterRef("pk"), article__is_hidden=True)
            .visible()
            .values("topic")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(article_count=F("link_count") - Coalesce(Subquery(hidden), 0))


class AliasQuerySet(models.QuerySet):
    def public(self):
        """What readers may see: names and former names, not the misspellings editors record
        so that matching catches them."""
        return self.exclude(kind="misspelling")
