"""Chainable reads of the tracker's models."""

from django.db import models


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


class ClaimQuerySet(models.QuerySet):
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
