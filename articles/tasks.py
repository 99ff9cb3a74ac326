"""Celery tasks of the articles app: thin wrappers that take primary keys and call services."""

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction

from reex.celery import DB_TASK_OPTIONS, runs_in_process

from . import search, services, stories

logger = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 30
STORIES_CHUNK = 500


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
            transaction.on_commit(partial(fetch_feed.delay, feed_id))
    return len(feed_ids)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def index_articles_for_search() -> int:
    """Run every minute by beat: compute the search vectors of new and edited articles."""
    return search.search_vectors_update()


@shared_task(**DB_TASK_OPTIONS)
def group_stories(self, article_ids: list[int]) -> int:
    """Group new and changed articles into stories, after their ingest committed. A failure is
    logged, never the fetch's: the articles are stored either way, and the next ingest or
    ``manage.py group_stories`` groups them."""
    try:
        return stories.stories_assign(article_ids=article_ids)
    except services.DB_UNREACHABLE:
        raise  # retried (DB_TASK_OPTIONS)
    except Exception:
        logger.exception("grouping %d articles into stories failed", len(article_ids))
        return 0


def stories_enqueue(sender, *, article_ids: list[int], **kwargs) -> None:
    """Receives ``articles.signals.articles_changed`` (connected in ``ArticlesConfig.ready``):
    grouping runs on a worker, off the fetch. In-process (eager Celery) the ingest has grouped
    them already, inside its transaction (``services._articles_group``): nothing to do."""
    if runs_in_process():
        return
    for start in range(0, len(article_ids), STORIES_CHUNK):
        group_stories.delay(article_ids[start : start + STORIES_CHUNK])
