from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        # Articles tell the tracker of new content by a signal: they never import the tracker.
        from articles.signals import articles_changed

        from .tasks import enrichment_enqueue

        articles_changed.connect(enrichment_enqueue, dispatch_uid="tracker.enrichment_enqueue")
