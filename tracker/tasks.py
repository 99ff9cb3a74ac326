"""Celery tasks of the tracker: thin wrappers that take primary keys and call services."""

from celery import shared_task

from reex.celery import DB_TASK_OPTIONS

from .services.enrichment import articles_enrich

ENRICH_CHUNK = 200


@shared_task(**DB_TASK_OPTIONS)
def enrich_articles(self, article_ids: list[int]) -> int:
    """Enqueued by ingest after commit for every created or changed article. Safe to run twice:
    enrichment writes only what differs from what is stored."""
    return articles_enrich(article_ids=article_ids).articles


def enrichment_enqueue(sender, *, article_ids: list[int], **kwargs) -> None:
    """Receives ``articles.signals.articles_changed`` (connected in ``TrackerConfig.ready``):
    new or edited articles go to the extraction, in chunks."""
    for start in range(0, len(article_ids), ENRICH_CHUNK):
        enrich_articles.delay(article_ids[start : start + ENRICH_CHUNK])
