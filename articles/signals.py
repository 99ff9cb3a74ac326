"""What articles tell the layers above them. Articles never import those layers, not even inside
a function (docs/architecture.md): the tracker connects to these in its ``AppConfig.ready``.

An ingest sends two signals:

- ``articles_written``, inside its transaction, with the new and edited articles as it holds them
  in memory (``WrittenArticle``). A receiver may do its own writes in that same transaction, from
  that data, without reading back what the ingest just wrote; it returns the ids it took care of.
  The in-process ingest (Celery eager) enriches them there, so a fetch is one commit.
- ``articles_changed``, once the ingest has committed, with ``article_ids``: the new and edited
  articles that no ``articles_written`` receiver took care of (a worker's ingest: all of them).
  The tracker enqueues their enrichment.
"""

from typing import NamedTuple

from django.dispatch import Signal


class WrittenArticle(NamedTuple):
    """An article an ingest has just created or whose content it changed, as the ingest holds
    it: what enrichment reads, so that it need not read the row back."""

    id: int
    title: str
    content_text: str
    highlights: tuple[str, ...]
    disclosure: str
    is_state_media: bool
    content_hash: str
    created: bool  # new in this ingest: nothing refers to it yet (no links, claims, enrichment)


# Sent inside the ingest's transaction with ``articles: list[WrittenArticle]``. Each receiver
# returns the ids it took care of (or nothing). A receiver that raises has its writes rolled back
# to a save point; the articles stay, and go out with ``articles_changed`` as if unhandled.
articles_written = Signal()

# Sent once an ingest has committed, with ``article_ids``: the articles it created or whose
# content changed that ``articles_written`` did not take care of (the tracker enriches them).
articles_changed = Signal()
