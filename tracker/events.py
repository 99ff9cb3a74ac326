"""One place where the tracker says "an editor changed something readers or partners see".

Services call ``tracker_changed`` inside their transaction. Reader pages are invalidated once
it commits. For the events partners hear of (``PUBLISHED``) it also writes an ``Event`` row, the
outbox, in that same transaction: a rolled-back change leaves no event, a committed one always
has its event, whatever happens to the process afterwards. Once the transaction commits,
``event_recorded`` is sent so that a subscriber (``partners``) can act at once; its periodic
sweep picks up any event whose signal was lost. The tracker never imports its subscribers.

Callers call ``tracker_changed`` only when something changed: an event that says a status
changed when it did not is noise a partner cannot tell from news.
"""

from django.db import transaction
from django.dispatch import Signal

from reex.caching import reader_pages_invalidate

from .models import Event

CLAIM_STATUS_CHANGED = "claim.status_changed"
CLAIM_REVIEWED = "claim.reviewed"  # evidence or note edited, status unchanged: pages only
ARTICLE_INITIATIVE_LINKED = "article.initiative_linked"
INITIATIVE_UPDATED = "initiative.updated"
LINK_DECIDED = "link.decided"
ENTITY_MERGED = "entity.merged"
ENTITY_DELETED = "entity.deleted"

# The events written to the outbox: what partners may subscribe to.
PUBLISHED = (CLAIM_STATUS_CHANGED, ARTICLE_INITIATIVE_LINKED, INITIATIVE_UPDATED, ENTITY_MERGED)

# Sent after commit with ``event_id`` (the Event's primary key). A hint only: receivers must
# also find undispatched events on their own, since a process can die between commit and send.
event_recorded = Signal()


def tracker_changed(*, event: str, instance) -> Event | None:
    """Record that ``instance`` changed as ``event``; returns the outbox row, if one is written.

    Must run inside the transaction that made the change (the outbox row is written there).
    """
    reader_pages_invalidate()
    if event not in PUBLISHED:
        return None
    record = Event.objects.create(name=event, data=event_data(event, instance))
    transaction.on_commit(lambda: event_recorded.send(sender=Event, event_id=record.pk))
    return record


def event_data(event: str, instance) -> dict:
    """The ``data`` of an event: enough to act on, with the API URL to fetch the rest from."""
    if event == CLAIM_STATUS_CHANGED:
        return {
            "claim": instance.pk,
            "status": instance.status,
            "needs_independent_verification": instance.needs_independent_verification,
            "url": f"/api/v1/claims/{instance.pk}/",
        }
    if event == ARTICLE_INITIATIVE_LINKED:
        return {
            "article": instance.article_id,
            "initiative": instance.initiative.slug,
            "state": instance.state,
            "url": f"/api/v1/articles/{instance.article_id}/",
        }
    if event == INITIATIVE_UPDATED:
        return {
            "initiative": instance.slug,
            "status": instance.status,
            "url": f"/api/v1/initiatives/{instance.slug}/",
        }
    if event == ENTITY_MERGED:  # instance: the EntityMerge record
        return {
            "entity": instance.slug,
            "into": instance.into.slug,
            "url": f"/api/v1/entities/{instance.into.slug}/",
        }
    raise ValueError(f"no event data for {event!r}")
