"""Celery tasks of the tracker: thin wrappers that take primary keys and call services, and the
receivers through which ingest hands them new and edited articles (connected in
``TrackerConfig.ready``)."""

from celery import shared_task

from articles.signals import WrittenArticle
from reex.celery import DB_TASK_OPTIONS, runs_in_process

from .services.enrichment import articles_enrich

ENRICH_CHUNK = 200


@shared_task(**DB_TASK_OPTIONS)
def enrich_articles(self, article_ids: list[int]) -> int:
    """Enqueued by ingest after commit for every created or changed article. Safe to run twice:
    enrichment writes only what differs from what is stored."""
    return articles_enrich(article_ids=article_ids).articles


def enrichment_in_transaction(sender, *, articles: list[WrittenArticle], **kwargs) -> None:
    """Receives ``articles.signals.articles_written``, inside the ingest's transaction.

    In-process (Celery eager: the embedded default, ``bin/demo``) the articles are enriched
    right here, from the data the ingest holds: the fetch commits once, and nothing it wrote is
    read back; ``enrichment_enqueue`` then has nothing to do.

    With a worker (articles then do not send it; checked here too) enrichment is a task of its
    own, enqueued once the ingest has committed (``enrichment_enqueue``), so a fetch never waits
    for it nor rolls back with it.
    """
    if not runs_in_process():
        return
    for start in range(0, len(articles), ENRICH_CHUNK):  # the chunks a worker would get
        articles_enrich(articles=articles[start : start + ENRICH_CHUNK])


def enrichment_enqueue(sender, *, article_ids: list[int], **kwargs) -> None:
    """Receives ``articles.signals.articles_changed`` (after the ingest's commit): with a
    worker, new or edited articles go to the extraction, in chunks. In-process they were
    enriched in the ingest's transaction (``enrichment_in_transaction``), or that failed and
    was recorded there: nothing is enqueued again."""
    if runs_in_process():
        return
    for start in range(0, len(article_ids), ENRICH_CHUNK):
        enrich_articles.delay(article_ids[start : start + ENRICH_CHUNK])
