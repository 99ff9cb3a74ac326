"""Celery tasks of the articles app: thin wrappers that take primary keys and call services."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from reex.celery import DB_TASK_OPTIONS

from . import search, services

logger = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 30


# Fetch failures are not Celery retries: the service logs them and reschedules the feed
# (backoff, Retry-After, pause). DB_TASK_OPTIONS retries only while the database is unreachable.
@shared_task(**DB_TASK_OPTIONS)
def fetch_feed(self, feed_id: int) -> str:
    try:
        fetch = services.feed_fetch(feed_id=feed_id)
    except services.FeedBusy as exc:
        # Usually a duplicate enqueue, and the running fetch gets the content. But the lock may
        # also be a killed worker's, held until it expires: try again rather than drop the work.
        logger.info("busy, retrying later: %s", exc)
        countdown = min(BUSY_RETRY_SECONDS, settings.FEEDS["LOCK_SECONDS"])
        raise self.retry(exc=exc, countdown=countdown) from exc
    return fetch.outcome


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def fetch_due_feeds() -> int:
    """Run every minute by beat: enqueue a fetch for each feed that is due, once."""
    with transaction.atomic():
        feed_ids = services.feeds_claim_due()
        for feed_id in feed_ids:
            transaction.on_commit(lambda feed_id=feed_id: fetch_feed.delay(feed_id))
    return len(feed_ids)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def index_articles_for_search() -> int:
    """Run every minute by beat: compute the search vectors of new and edited articles."""
    return search.search_vectors_update()
