"""Webhook tasks. Each is safe to run twice: dispatch is unique per (event, endpoint), and an
attempt sends only if it claims its delivery (``services.webhook_delivery_claim``). None waits
in the broker: retries are due times on the rows, queued by the sweep every minute."""

from celery import shared_task

from .services import events_dispatch, webhook_deliveries_sweep, webhook_delivery_attempt

# Acknowledged once done, so a killed worker's task comes back; time-limited well inside the
# delivery lease (PARTNERS["WEBHOOK_LEASE_SECONDS"]), so a live attempt never loses its lease.
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**TASK_OPTIONS, soft_time_limit=60, time_limit=90)
def deliver_webhook(delivery_id: int) -> str:
    """Try a delivery once, if no other run holds it; a failure is retried by the sweep."""
    return webhook_delivery_attempt(delivery_id=delivery_id).status


@shared_task(**TASK_OPTIONS, soft_time_limit=60, time_limit=90)
def dispatch_events(event_ids: list[int]) -> int:
    """Fan just-committed outbox events out into deliveries, and queue them."""
    return len(events_dispatch(event_ids=event_ids))


@shared_task(**TASK_OPTIONS, soft_time_limit=60, time_limit=90)
def sweep_webhooks() -> dict[str, int]:
    """Periodic (settings.CELERY_BEAT_SCHEDULE): whatever a lost task or a dead worker left."""
    return webhook_deliveries_sweep()
