"""Celery tasks of the tracker: thin wrappers that take primary keys and call services."""

from celery import shared_task

from reex.celery import DB_TASK_OPTIONS

from .services.enrichment import articles_enrich


@shared_task(**DB_TASK_OPTIONS)
def enrich_articles(self, article_ids: list[int]) -> int:
    """Enqueued by ingest after commit for every created or changed article. Safe to run twice:
    enrichment writes only what differs from what is stored."""
    return articles_enrich(article_ids=article_ids).articles
