"""What articles tell the layers above them. Articles never import those layers, not even inside
a function (docs/architecture.md): the tracker connects to these in its ``AppConfig.ready``.

An ingest sends two signals:

- ``articles_written``, only when tasks run in-process (Celery eager,
  ``reex.celery.runs_in_process``), inside the ingest's transaction, with the new and edited
  articles as it holds them in memory (``WrittenArticle``). A receiver does there, from that
  data, what it would otherwise enqueue after commit, without reading back what the ingest just
  wrote: the tracker enriches them, so a fetch is one commit.
- ``articles_changed``, once the ingest has committed, with ``article_ids``: the new and edited
  articles. With a worker, the tracker enqueues their enrichment (and articles their grouping
  into stories); in-process those receivers have nothing left to do.

Each work is done by one of a pair of receivers, chosen by ``runs_in_process()``: never both.
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


# Sent in-process, inside the ingest's transaction, with ``articles: list[WrittenArticle]``.
# A receiver that raises has its writes rolled back to a save point; the articles stay, and the
# failure is named in the fetch log (``services._articles_written_send``).
articles_written = Signal()

# Sent once an ingest has committed, with ``article_ids``: the articles it created or whose
# content changed (the tracker enriches them, articles group them into stories).
articles_changed = Signal()
