"""Partners: their API keys, their webhook endpoints, and the log of what we sent them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from reex.api.permissions import SCOPE_READ
from tracker import events

# Every event the tracker writes to its outbox.
WEBHOOK_EVENTS = events.PUBLISHED


def _default_scopes() -> list[str]:
    return [SCOPE_READ]


class ApiKey(models.Model):
    """A partner's key. Only its SHA-256 is stored: the key itself is shown once, at creation."""

    name = models.CharField(max_length=200, help_text="Who holds the key, e.g. the partner.")
    prefix = models.CharField(
        max_length=16, unique=True, editable=False, help_text="The key's visible start."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=_default_scopes, blank=True)
    rate_per_minute = models.PositiveIntegerField(
        default=120, help_text="Requests allowed per minute."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(condition=Q(rate_per_minute__gte=1), name="apikey_rate_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Webhook(models.Model):
    """A partner's endpoint for some of ``WEBHOOK_EVENTS``, signed with its own secret."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000)
    # Kept in clear: we need it to sign, as the receiver needs it to check.
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events


class WebhookDelivery(models.Model):
    """One outbox event for one endpoint, with every attempt's outcome: the delivery log.

    At most one per (event, endpoint). An attempt first claims the row with a conditional
    update that sets ``lease_until``; a second worker (a redelivered task, a sweep) finds it
    leased, or delivered, or not yet due, and sends nothing. A worker that dies mid-attempt
    leaves the lease to expire; the sweep then sends the delivery again, with the same event id.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Null only for deliveries made before the outbox existed.
    outbox_event = models.ForeignKey(
        "tracker.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The outbox event's id (X-Reex-Event-Id): the same for every endpoint and every retry.
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While set and in the future, an attempt is under way: nobody else sends this delivery.
    lease_until = models.DateTimeField(null=True, blank=True)
    # When a task for the next attempt was queued: the sweep queues it again only after a lease
    # has gone by, so a backlog does not grow by a copy of every task each minute.
    queued_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["webhook", "-created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhookdelivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["outbox_event", "webhook"], name="webhookdelivery_once_per_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.status})"
