"""Writes for partners: keys, webhook endpoints, and queueing and delivering webhook events."""

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import webhooks
from .models import SCOPES, WEBHOOK_EVENTS, ApiKey, Webhook, WebhookDelivery

KEY_PREFIX = "reex_"
PREFIX_CHARS = 8  # after KEY_PREFIX: what the admin shows, and how a key is looked up
# last_used_at is for people, not billing: write it at most this often per key.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *, name: str, scopes: list[str] | None = None, rate_per_minute: int = 120
) -> tuple[ApiKey, str]:
    """A new key for ``name``; returns it with the raw key, which is not stored anywhere."""
    scopes = list(dict.fromkeys(scopes if scopes is not None else ["read"]))
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValidationError(f"Unknown scopes: {', '.join(sorted(unknown))}.")
    if rate_per_minute < 1:
        raise ValidationError("The rate limit is at least one request a minute.")
    # 32 random bytes: a SHA-256 is then all the hashing a key needs (no salt, no stretching).
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = raw[: len(KEY_PREFIX) + PREFIX_CHARS]
    api_key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=key_hash(raw),
        scopes=scopes,
        rate_per_minute=rate_per_minute,
    )
    return api_key, raw


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Note that the key was used, without a write on every request."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def webhook_create(*, name: str, url: str, events: list[str]) -> Webhook:
    """A new endpoint with a fresh signing secret; the URL must pass the address guard."""
    webhook = Webhook(name=name, url=url, events=events, secret=new_webhook_secret())
    webhook_validate(webhook=webhook)
    webhook.save()
    return webhook


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def webhook_validate(*, webhook: Webhook) -> None:
    unknown = set(webhook.events) - set(WEBHOOK_EVENTS)
    if unknown:
        raise ValidationError({"events": f"Unknown events: {', '.join(sorted(unknown))}."})
    reason = webhooks.check_url(webhook.url)
    if reason:
        raise ValidationError({"url": reason})


def webhook_deliveries_queue(*, event: str, instance) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to ``event``, sent once this commits."""
    targets = [w for w in Webhook.objects.filter(is_active=True) if w.wants(event)]
    if not targets:
        return []
    data = webhooks.payload_for(event, instance)
    deliveries = []
    for webhook in targets:
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id),
            "event": event,
            "created_at": timezone.now().isoformat(),
            "data": data,
        }
        deliveries.append(
            WebhookDelivery(webhook=webhook, event_id=event_id, event=event, payload=payload)
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [
        d.pk for d in WebhookDelivery.objects.filter(event_id__in=[d.event_id for d in deliveries])
    ]
    from .tasks import deliver_webhook

    for pk in ids:
        transaction.on_commit(lambda pk=pk: deliver_webhook.delay(pk))
    return deliveries


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Send one pending delivery once and log the outcome; gives up after the last attempt.

    Safe to run twice: a delivery already delivered or given up on is left alone. The body is
    the stored payload, so every retry carries the same event id (the receiver's replay key);
    the timestamp and signature are fresh each time.
    """
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    webhook = delivery.webhook
    body = webhooks.encode(delivery.payload)
    timestamp = int(time.time())
    result = webhooks.post(
        webhook.url,
        body=body,
        headers={
            webhooks.TIMESTAMP_HEADER: str(timestamp),
            webhooks.SIGNATURE_HEADER: webhooks.sign(webhook.secret, timestamp, body),
            webhooks.EVENT_HEADER: delivery.event,
            webhooks.EVENT_ID_HEADER: str(delivery.event_id),
        },
    )
    now = timezone.now()
    delivery.attempts = F("attempts") + 1
    delivery.response_status = result.status
    delivery.last_error = result.error[:2000]
    delivery.last_attempt_at = now
    if result.ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
    delivery.save()
    delivery.refresh_from_db()
    if not result.ok and delivery.attempts >= settings.PARTNERS["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=["status"])
    return delivery


def webhook_deliveries_retry(*, deliveries) -> int:
    """Send these deliveries again, from a fresh set of attempts (an editor's admin action)."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, attempts=0
    )
    from .tasks import deliver_webhook

    for pk in ids:
        transaction.on_commit(lambda pk=pk: deliver_webhook.delay(pk))
    return len(ids)
