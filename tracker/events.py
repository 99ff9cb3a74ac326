"""One place where the tracker says "an editor changed something readers or partners see".

Services call ``tracker_changed`` inside their transaction; what follows runs only once it
commits: reader pages are invalidated, and (partners) webhooks are queued for the events
partners subscribe to.
"""

from django.db import transaction

from articles.caching import reader_pages_invalidate

CLAIM_STATUS_CHANGED = "claim.status_changed"
ARTICLE_INITIATIVE_LINKED = "article.initiative_linked"
INITIATIVE_UPDATED = "initiative.updated"
LINK_DECIDED = "link.decided"
ENTITY_MERGED = "entity.merged"


def tracker_changed(*, event: str, instance) -> None:
    """Record that ``instance`` changed as ``event``; effects run after commit."""
    reader_pages_invalidate()
    transaction.on_commit(lambda: _notify_partners(event, instance))


def _notify_partners(event: str, instance) -> None:
    """Hook for partner webhooks (filled in by the partners app)."""
