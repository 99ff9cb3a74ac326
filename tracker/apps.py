from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        # Articles tell the tracker of new content by a signal: they never import the tracker.
        from articles.signals import articles_changed
        from reex.caching import reader_pages_follow

        from .tasks import enrichment_enqueue

        articles_changed.connect(enrichment_enqueue, dispatch_uid="tracker.enrichment_enqueue")
        # Reader pages show the tracker's rows, but for the extraction's own bookkeeping.
        reader_pages_follow("tracker", not_shown=["tracker.ArticleEnrichment"])
