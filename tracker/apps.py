from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        # Articles tell the tracker of new content by signals: they never import the tracker.
        # In the ingest's transaction (enriched there when Celery runs in-process), then after
        # its commit (enqueued for a worker: what the first did not take).
        from articles.signals import articles_changed, articles_written
        from reex.caching import reader_pages_follow

        from .tasks import enrichment_enqueue, enrichment_in_transaction

        articles_written.connect(
            enrichment_in_transaction, dispatch_uid="tracker.enrichment_in_transaction"
        )
        articles_changed.connect(enrichment_enqueue, dispatch_uid="tracker.enrichment_enqueue")
        # Reader pages show the tracker's rows, but for the extraction's own bookkeeping.
        reader_pages_follow("tracker", not_shown=["tracker.ArticleEnrichment"])
