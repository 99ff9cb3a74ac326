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
ENTITY_DELETED = "entity.deleted"


def tracker_changed(*, event: str, instance) -> None:
    """Record that ``instance`` changed as ``event``; effects run after commit."""
    reader_pages_invalidate()
    transaction.on_commit(lambda: _notify_partners(event, instance))


def _notify_partners(event: str, instance) -> None:
    """Queue partner webhooks for the events partners subscribe to (after commit)."""
    from partners.models import WEBHOOK_EVENTS
    from partners.services import webhook_deliveries_queue

    if event in WEBHOOK_EVENTS:
        webhook_deliveries_queue(event=event, instance=instance)
