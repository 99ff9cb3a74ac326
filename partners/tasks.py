from celery import shared_task
from django.conf import settings

from .models import WebhookDelivery
from .services import webhook_delivery_attempt

# Seconds before each retry: 30 s, 2 min, 8 min, 32 min, ... (capped at 6 hours).
BACKOFF_BASE = 30
BACKOFF_CAP = 6 * 3600


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE * 4 ** max(attempts - 1, 0), BACKOFF_CAP)


@shared_task(bind=True, max_retries=None, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> str:
    """Try a delivery; while it is pending, try again later with exponential backoff."""
    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery.status == WebhookDelivery.Status.PENDING:
        if delivery.attempts >= settings.PARTNERS["WEBHOOK_MAX_ATTEMPTS"]:
            return delivery.status
        raise self.retry(countdown=backoff_seconds(delivery.attempts))
    return delivery.status
