"""Celery tasks of the tracker: thin wrappers that take primary keys and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

# A database that is briefly unreachable is worth retrying; anything else is a bug to see.
DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=DB_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def enrich_articles(self, article_ids: list[int]) -> int:
    """Enqueued by ingest after commit for every created or changed article. Safe to run twice:
    enrichment writes only what differs from what is stored."""
    return services.articles_enrich(article_ids=article_ids).articles
