"""Faults during webhook delivery, with real workers: the after-commit enqueue lost, a worker
killed while a partner's endpoint is answering. Every event reaches the partner, and the
partner acts on each exactly once (it dedupes by X-Reex-Event-Id; we resend only what we never
saw acknowledged)."""

import json
import threading

import pytest

from partners.apps import _event_recorded
from partners.models import WebhookDelivery
from partners.services import webhook_create
from partners.tasks import sweep_webhooks
from tests.factories import make_article, make_claim
from tests.loopback import Response
from tests.workers import Worker, broker_idle, new_queue, wait_for
from tracker import events
from tracker.models import Event
from tracker.services.claims import claim_review

EVENTS = 6


@pytest.fixture
def not_eager():
    conf = sweep_webhooks.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    yield
    conf.task_always_eager = eager


class Partner:
    """Acts once per event id; the first request of all is answered only after a long wait,
    long enough for the test to kill the worker that sent it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acted: list[str] = []
        self.requests: list[str] = []

    def __call__(self, request) -> Response:
        event_id = request.headers["X-Reex-Event-Id"]
        with self.lock:
            first = not self.requests
            self.requests.append(event_id)
            if event_id not in self.acted:
                self.acted.append(event_id)
        return Response(204, delay=60 if first else 0)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_every_event_is_acted_on_exactly_once(
    tmp_path, loopback, not_eager
):
    partner = Partner()
    loopback.route("/hook", partner)
    webhook_create(name="Desk", url=loopback.url("/hook"), events=[events.CLAIM_STATUS_CHANGED])
    # The process dies between commit and enqueue: no after-commit dispatch for any event.
    events.event_recorded.disconnect(dispatch_uid="partners.dispatch")
    try:
        for n in range(EVENTS):
            claim = make_claim(articles=[make_article()], statement=f"Claim number {n}.")
            claim_review(claim=claim, status="disputed", user=None, note="Sources differ.")
    finally:
        events.event_recorded.connect(_event_recorded, dispatch_uid="partners.dispatch")
    assert Event.objects.filter(dispatched_at__isnull=True).count() == EVENTS

    queue = new_queue()
    env = {
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
            {
                "visibility_timeout": 5,
                "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1,
                "unacked_mutex_expire": 2,
            }
        ),
        "PARTNERS_WEBHOOK_LEASE_SECONDS": "4",
    }
    first = Worker(queue, tmp_path / "first.log", **env).start()
    try:
        sweep_webhooks.apply_async(queue=queue)  # what beat sends every minute

        def only_the_first_in_flight() -> bool:
            # The other pool process sends the rest while the first waits for its answer.
            delivered = WebhookDelivery.objects.filter(status="delivered").count()
            return bool(partner.requests) and delivered == EVENTS - 1

        assert wait_for(only_the_first_in_flight, 60), (tmp_path / "first.log").read_text()
    finally:
        first.kill()  # mid-POST: no answer read, lease held, task unacknowledged
    held = WebhookDelivery.objects.exclude(status="delivered")
    assert held.filter(lease_until__isnull=False).exists(), "the kill must land mid-delivery"

    second = Worker(queue, tmp_path / "second.log", **env).start()
    try:

        def all_delivered() -> bool:
            sweep_webhooks.apply_async(queue=queue)  # beat keeps sweeping
            return WebhookDelivery.objects.filter(status="delivered").count() == EVENTS

        assert wait_for(all_delivered, 90, interval=1.0), (tmp_path / "second.log").read_text()
        # Every delivery done, the killed worker's redelivered too: they must send nothing.
        assert wait_for(lambda: broker_idle(queue), 60), (tmp_path / "second.log").read_text()
    finally:
        second.stop()

    ids = {str(u) for u in Event.objects.values_list("uuid", flat=True)}
    assert sorted(partner.acted) == sorted(ids)  # every event acted on, each exactly once
    resent = [i for i in ids if partner.requests.count(i) > 1]
    assert resent == [partner.requests[0]]  # only the one whose answer never came back
    assert partner.requests.count(partner.requests[0]) == 2
    assert len(partner.requests) == EVENTS + 1
    assert WebhookDelivery.objects.count() == EVENTS
