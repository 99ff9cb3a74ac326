"""Writes for partners: keys, webhook endpoints, and turning outbox events into deliveries."""

import hashlib
import secrets
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reex.api.permissions import SCOPES
from tracker.models import Event

from . import webhooks
from .models import WEBHOOK_EVENTS, ApiKey, Webhook, WebhookDelivery

KEY_PREFIX = "reex_"
PREFIX_CHARS = 8  # after KEY_PREFIX: what the admin shows, and how a key is looked up
# last_used_at is for people, not billing: write it at most this often per key.
LAST_USED_RESOLUTION = timedelta(minutes=5)
# Seconds before each webhook retry: 30 s, 2 min, 8 min, 32 min, ... (capped at 6 hours).
BACKOFF_BASE = 30
BACKOFF_CAP = 6 * 3600


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


def events_dispatch(*, event_ids: list[int] | None = None, limit: int = 500) -> list[int]:
    """Fan undispatched outbox events out into deliveries, one per subscribed active endpoint;
    returns the ids of the deliveries made. Safe to run twice and concurrently: events are
    locked (skipping those another run holds), and a delivery per (event, endpoint) is unique.

    ``event_ids`` limits the run to those events (after a commit); by default, the oldest.
    """
    made: list[int] = []
    with transaction.atomic():
        pending = Event.objects.filter(dispatched_at__isnull=True).order_by("created_at", "pk")
        if event_ids is not None:
            pending = pending.filter(pk__in=event_ids)
        batch = list(pending.select_for_update(skip_locked=True)[:limit])
        if not batch:
            return made
        webhooks_ = list(Webhook.objects.filter(is_active=True))
        now = timezone.now()
        deliveries = [
            WebhookDelivery(
                webhook=webhook,
                queued_at=now,
                outbox_event=event,
                event_id=event.uuid,
                event=event.name,
                payload={
                    "id": str(event.uuid),
                    "event": event.name,
                    "created_at": event.created_at.isoformat(),
                    "data": event.data,
                },
            )
            for event in batch
            for webhook in webhooks_
            if webhook.wants(event.name)
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        Event.objects.filter(pk__in=[e.pk for e in batch]).update(dispatched_at=now)
        made = list(
            WebhookDelivery.objects.filter(
                outbox_event__in=batch, status=WebhookDelivery.Status.PENDING, attempts=0
            ).values_list("pk", flat=True)
        )
        _enqueue_on_commit(made)
    return made


def webhook_delivery_claim(*, delivery_id: int) -> bool:
    """Take the delivery for one attempt: due, pending, not leased by anyone, attempts left.

    One conditional UPDATE, committed before any network I/O: of any number of workers holding
    a task for this delivery, exactly one gets True until the lease ends.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.PARTNERS["WEBHOOK_LEASE_SECONDS"])
    claimed = (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            attempts__lt=settings.PARTNERS["WEBHOOK_MAX_ATTEMPTS"],
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(
            lease_until=now + lease,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            queued_at=None,  # taken off the queue; the lease now keeps the sweep away
        )
    )
    return claimed == 1


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Send one delivery once, if this run can claim it, and log the outcome; gives up after
    the last attempt, or else schedules the next one (``next_attempt_at``, for the sweep).

    Safe to run twice, at once or later: only the run that claims the delivery sends it. The
    body is the stored payload, so every retry carries the same event id (the receiver's
    dedupe key); the timestamp and signature are fresh each time.
    """
    if not webhook_delivery_claim(delivery_id=delivery_id):
        return WebhookDelivery.objects.get(pk=delivery_id)
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
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
    delivery.response_status = result.status
    delivery.last_error = result.error[:2000]
    delivery.lease_until = None
    if result.ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= settings.PARTNERS["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save(
        update_fields=[
            "response_status", "last_error", "lease_until", "status", "delivered_at",
            "next_attempt_at",
        ]
    )  # fmt: skip
    return delivery


def backoff_seconds(attempts: int) -> int:
    """Seconds after a failed attempt before the next: 30 s, 2 min, 8 min, 32 min, ... (capped).

    The wait is kept on the row, not in the broker: no task waits for hours with an ETA, past
    the broker's visibility timeout, to be redelivered to a second worker.
    """
    return min(BACKOFF_BASE * 4 ** max(attempts - 1, 0), BACKOFF_CAP)


def webhook_deliveries_sweep(*, limit: int = 500) -> dict[str, int]:
    """The periodic pass that makes delivery not depend on any one process surviving: fan out
    events whose after-commit dispatch was lost, give up on deliveries whose last attempt died
    with its worker, and queue every delivery that is due and not leased."""
    dispatched = len(events_dispatch(limit=limit))
    now = timezone.now()
    lease_ago = now - timedelta(seconds=settings.PARTNERS["WEBHOOK_LEASE_SECONDS"])
    expired = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(expired)
    failed = pending.filter(attempts__gte=settings.PARTNERS["WEBHOOK_MAX_ATTEMPTS"]).update(
        status=WebhookDelivery.Status.FAILED, lease_until=None
    )
    with transaction.atomic():
        due = list(
            pending.filter(next_attempt_at__lte=now)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=lease_ago))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=due).update(queued_at=now)
        _enqueue_on_commit(due)
    return {"dispatched": dispatched, "queued": len(due), "failed": failed}


def webhook_deliveries_retry(*, deliveries) -> int:
    """Send these deliveries again, from a fresh set of attempts (an editor's admin action).
    A delivery in the middle of an attempt keeps its lease: it is sent again after it."""
    ids = list(deliveries.values_list("pk", flat=True))
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=now, queued_at=now
    )
    _enqueue_on_commit(ids)
    return len(ids)


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    from .tasks import deliver_webhook  # the tasks module imports this one

    for pk in delivery_ids:
        transaction.on_commit(partial(deliver_webhook.delay, pk))
