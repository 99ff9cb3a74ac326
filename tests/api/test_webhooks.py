"""Webhooks: outbox events fanned out on commit to subscribed endpoints, signed, retried, logged."""

import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners import webhooks
from partners.models import WebhookDelivery
from partners.services import backoff_seconds, webhook_create, webhook_delivery_attempt
from tests.factories import (
    link_article,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
)
from tests.loopback import Response
from tracker import events
from tracker.services.claims import claim_review
from tracker.services.links import article_initiative_decide
from tracker.services.merges import entity_merge

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's endpoint: checks the signature, and acts once per event id (a repeat is
    acknowledged and ignored, so that a retry after a lost answer ends the retries)."""

    def __init__(self, secret_of) -> None:
        self.secret_of = secret_of
        self.seen: set[str] = set()
        self.accepted: list[dict] = []

    def __call__(self, request) -> Response:
        headers = request.headers
        if not webhooks.verify(
            self.secret_of(),
            timestamp=headers["X-Reex-Timestamp"],
            signature=headers["X-Reex-Signature"],
            body=request.body,
        ):
            return Response(400, body=b"bad signature")
        event_id = headers["X-Reex-Event-Id"]
        if event_id in self.seen:
            return Response(200, body=b"already done")
        self.seen.add(event_id)
        self.accepted.append(json.loads(request.body))
        return Response(204)


def test_a_claim_verdict_reaches_the_partner_signed(loopback, django_capture_on_commit_callbacks):
    hook = webhook_create(
        name="Desk", url=loopback.url("/hook"), events=[events.CLAIM_STATUS_CHANGED]
    )
    receiver = Receiver(lambda: hook.secret)
    loopback.route("/hook", receiver)
    claim = make_claim(articles=[make_article()])

    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, status="disputed", user=None, note="Figures differ.")

    (payload,) = receiver.accepted
    assert payload["event"] == "claim.status_changed"
    assert payload["data"]["claim"] == claim.pk and payload["data"]["status"] == "disputed"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)

    # The same request sent again (a replay, or our retry) changes nothing at the receiver.
    replayed = loopback.requests_to("/hook")[0]
    assert receiver(replayed).status == 200 and len(receiver.accepted) == 1


def test_only_subscribed_events_are_queued(django_capture_on_commit_callbacks, loopback):
    webhook_create(
        name="Links", url=loopback.url("/links"), events=[events.ARTICLE_INITIATIVE_LINKED]
    )
    loopback.route("/links", Response(200))
    link = link_article(make_article(), make_initiative(slug="vault"))
    claim = make_claim()
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, status="disputed", user=None, note="n")
        article_initiative_decide(link=link, state="confirmed", user=None)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "article.initiative_linked"
    assert delivery.payload["data"]["initiative"] == "vault"
    assert delivery.status == "delivered"


def test_signatures_fail_when_tampered_or_stale():
    body = b'{"a":1}'
    now = int(time.time())
    signature = webhooks.sign("s3cret", now, body)
    assert webhooks.verify("s3cret", timestamp=str(now), signature=signature, body=body)
    assert not webhooks.verify("s3cret", timestamp=str(now), signature=signature, body=b"{}")
    assert not webhooks.verify("other", timestamp=str(now), signature=signature, body=body)
    old = now - 3600
    stale = webhooks.sign("s3cret", old, body)
    assert not webhooks.verify("s3cret", timestamp=str(old), signature=stale, body=body)


def test_a_failing_endpoint_is_retried_then_given_up(loopback, settings):
    settings.PARTNERS = {**settings.PARTNERS, "WEBHOOK_MAX_ATTEMPTS": 3}
    hook = webhook_create(
        name="Down", url=loopback.url("/down"), events=[events.CLAIM_STATUS_CHANGED]
    )
    loopback.route("/down", Response(503))
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event=events.CLAIM_STATUS_CHANGED, payload={"data": {}}
    )

    def attempt_when_due() -> str:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        return webhook_delivery_attempt(delivery_id=delivery.pk).status

    statuses = [attempt_when_due() for _ in range(4)]
    assert statuses == ["pending", "pending", "failed", "failed"]
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (3, 503)
    assert len(loopback.requests_to("/down")) == 3  # nothing sent once given up
    ids = {r.headers["X-Reex-Event-Id"] for r in loopback.requests_to("/down")}
    assert ids == {str(delivery.event_id)}  # every retry is the same event
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [30, 120, 480]


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5/hook", "http://169.254.169.254/latest", "ftp://example.org/"]
)
def test_webhooks_cannot_point_at_internal_addresses(url):
    with pytest.raises(ValidationError):
        webhook_create(name="Sneaky", url=url, events=[events.CLAIM_STATUS_CHANGED])


def test_loopback_is_refused_where_not_allowed(settings, loopback):
    settings.PARTNERS = {**settings.PARTNERS, "WEBHOOK_ALLOW_LOOPBACK": False}
    with pytest.raises(ValidationError):
        webhook_create(name="Local", url=loopback.url("/x"), events=[events.CLAIM_STATUS_CHANGED])


def test_an_initiative_update_is_sent_with_its_slug(loopback, django_capture_on_commit_callbacks):
    webhook_create(name="Desk", url=loopback.url("/i"), events=[events.INITIATIVE_UPDATED])
    loopback.route("/i", Response(200))
    initiative = make_initiative(slug="forge", status="active")
    with django_capture_on_commit_callbacks(execute=True):
        events.tracker_changed(event=events.INITIATIVE_UPDATED, instance=initiative)
    (request,) = loopback.requests_to("/i")
    assert request.headers["X-Reex-Event"] == "initiative.updated"
    assert json.loads(request.body)["data"] == {
        "initiative": "forge",
        "status": "active",
        "url": "/api/v1/initiatives/forge/",
    }


def test_a_merge_tells_the_partner_which_entity_went_where(
    loopback, django_capture_on_commit_callbacks
):
    webhook_create(name="Desk", url=loopback.url("/m"), events=[events.ENTITY_MERGED])
    loopback.route("/m", Response(200))
    source, into = make_entity(slug="ex-im-bank"), make_entity(slug="exim")
    with django_capture_on_commit_callbacks(execute=True):
        entity_merge(source=source, into=into)
    (request,) = loopback.requests_to("/m")
    assert request.headers["X-Reex-Event"] == "entity.merged"
    assert json.loads(request.body)["data"] == {
        "entity": "ex-im-bank",
        "into": "exim",
        "url": "/api/v1/entities/exim/",
    }
