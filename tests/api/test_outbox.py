"""The webhook outbox: an event exists if and only if its change committed, reaches each
subscribed endpoint exactly once however often tasks run, and is swept up when a task is lost."""

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from partners.models import WebhookDelivery
from partners.services import (
    events_dispatch,
    webhook_create,
    webhook_deliveries_sweep,
    webhook_delivery_attempt,
    webhook_delivery_claim,
)
from partners.tasks import deliver_webhook, sweep_webhooks
from tests.factories import (
    link_article,
    make_admin_editor,
    make_article,
    make_claim,
    make_initiative,
)
from tests.loopback import Response
from tracker import events
from tracker.models import Event
from tracker.services.claims import claim_review
from tracker.services.links import article_initiative_decide

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def hook_for(loopback, path="/hook", event=events.CLAIM_STATUS_CHANGED, answer=None):
    loopback.route(path, answer or Response(204))
    return webhook_create(name=f"Desk {path}", url=loopback.url(path), events=[event])


def event_ids_received(loopback, path="/hook") -> list[str]:
    return [r.headers["X-Reex-Event-Id"] for r in loopback.requests_to(path)]


def test_the_event_is_written_in_the_transaction_of_the_change():
    claim = make_claim(articles=[make_article()])
    with pytest.raises(Boom), transaction.atomic():
        claim_review(claim=claim, status="disputed", user=None, note="Two reports differ.")
        # Inside the change's transaction, before any commit, the event is already there...
        assert Event.objects.filter(name=events.CLAIM_STATUS_CHANGED).count() == 1
        raise Boom  # ...and a change rolled back takes its event with it
    assert not Event.objects.exists()

    claim.refresh_from_db()
    claim_review(claim=claim, status="disputed", user=None, note="Two reports differ.")
    (event,) = Event.objects.all()
    assert event.data == {
        "claim": claim.pk,
        "status": "disputed",
        "needs_independent_verification": False,
        "url": f"/api/v1/claims/{claim.pk}/",
    }


def test_the_sweep_delivers_an_event_whose_enqueue_was_lost(
    loopback, django_capture_on_commit_callbacks
):
    hook_for(loopback)
    claim = make_claim(articles=[make_article()])
    # The change commits, but the process dies before its after-commit callbacks run: the
    # callbacks of this test's transaction are never executed, so nothing is queued.
    claim_review(claim=claim, status="verified", user=None, evidence_url="https://gov.example/r")
    assert loopback.requests_to("/hook") == []

    # Run as beat runs it, twice: the second pass finds nothing left to send.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_webhooks.delay()

    event = Event.objects.get()
    assert event_ids_received(loopback) == [str(event.uuid)]
    assert WebhookDelivery.objects.get().status == "delivered"


def test_each_endpoint_gets_one_delivery_per_event_with_the_events_id(
    loopback, django_capture_on_commit_callbacks
):
    hook_for(loopback, "/a")
    hook_for(loopback, "/b")
    claim = make_claim(articles=[make_article()])
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, status="disputed", user=None, note="n")
    # A second dispatch, and a sweep (its own or a concurrent one), make no more deliveries.
    event = Event.objects.get()
    Event.objects.update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert events_dispatch() == []
        webhook_deliveries_sweep()
    assert WebhookDelivery.objects.count() == 2
    assert (
        event_ids_received(loopback, "/a")
        == event_ids_received(loopback, "/b")
        == [str(event.uuid)]
    )


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_sends_nothing_during_or_after_the_attempt(loopback):
    """Two workers holding the same task (Redis redelivers an unacknowledged task after its
    visibility timeout): the one that arrives mid-attempt, and the one after, send nothing."""
    during = []

    def receiver(request):
        # A second worker runs the same task while the first waits for this answer.
        try:
            event_id = request.headers["X-Reex-Event-Id"]
            delivery_id = WebhookDelivery.objects.get(event_id=event_id).pk
            during.append(deliver_webhook.apply(args=[delivery_id]).result)
        finally:
            connection.close()  # this thread's own connection
        return Response(204)

    hook_for(loopback, answer=receiver)
    claim = make_claim(articles=[make_article()])
    claim_review(claim=claim, status="disputed", user=None, note="n")  # commits: sent
    deliver_webhook.apply(
        args=[WebhookDelivery.objects.get().pk]
    )  # the redelivered copy, after the first

    assert during == ["pending"]  # found the lease held: sent nothing
    assert len(loopback.requests_to("/hook")) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.lease_until) == ("delivered", 1, None)


def test_a_retry_waits_on_its_row_and_is_sent_by_the_sweep_when_due(
    loopback, django_capture_on_commit_callbacks
):
    answers = iter([Response(503), Response(204)])
    hook_for(loopback, answer=lambda request: next(answers))
    claim = make_claim(articles=[make_article()])
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, status="disputed", user=None, note="n")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 503)
    # Not due yet: neither a stray task nor the sweep sends it early.
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=20)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_webhook.delay(delivery.pk)
        webhook_deliveries_sweep()
    assert len(loopback.requests_to("/hook")) == 1

    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(set(event_ids_received(loopback))) == 1


def test_an_attempt_whose_worker_died_is_sent_again_once_its_lease_ends(
    loopback, settings, django_capture_on_commit_callbacks
):
    hook_for(loopback)
    claim = make_claim(articles=[make_article()])
    claim_review(claim=claim, status="disputed", user=None, note="n")
    with django_capture_on_commit_callbacks(execute=False):
        events_dispatch()
    delivery = WebhookDelivery.objects.get()
    # A worker claims it and dies before the answer: attempts counted, lease held.
    assert webhook_delivery_claim(delivery_id=delivery.pk)
    assert not webhook_delivery_claim(delivery_id=delivery.pk)  # nobody else gets it
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()
        webhook_delivery_attempt(delivery_id=delivery.pk)
    assert loopback.requests_to("/hook") == []

    WebhookDelivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(loopback.requests_to("/hook")) == 1


def test_the_last_attempt_dying_with_its_worker_is_given_up_by_the_sweep(
    loopback, settings, django_capture_on_commit_callbacks
):
    settings.PARTNERS = {**settings.PARTNERS, "WEBHOOK_MAX_ATTEMPTS": 2}
    hook_for(loopback)
    claim_review(claim=make_claim(), status="disputed", user=None, note="n")
    with django_capture_on_commit_callbacks(execute=False):
        events_dispatch()
    WebhookDelivery.objects.update(attempts=2, lease_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep()["failed"] == 1
    assert WebhookDelivery.objects.get().status == "failed"
    assert loopback.requests_to("/hook") == []


def test_no_event_when_the_status_did_not_change(loopback, django_capture_on_commit_callbacks):
    hook_for(loopback)
    claim = make_claim(articles=[make_article()])
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, status="disputed", user=None, note="Figures differ.")
        # The same verdict again, and a verdict that only adds evidence: no status changed.
        claim_review(claim=claim, status="disputed", user=None, note="Figures differ.")
        claim_review(
            claim=claim, status="disputed", user=None, evidence_url="https://stats.example/t"
        )
    assert Event.objects.count() == 1
    assert len(loopback.requests_to("/hook")) == 1
    claim.refresh_from_db()
    assert claim.evidence_url == "https://stats.example/t"  # the edit itself was kept


def test_no_event_when_a_confirmed_link_is_confirmed_again(django_capture_on_commit_callbacks):
    webhook_create(
        name="Links", url="http://127.0.0.1:9/", events=[events.ARTICLE_INITIATIVE_LINKED]
    )
    link = link_article(make_article(), make_initiative(slug="depot"))
    editor = make_admin_editor()
    article_initiative_decide(link=link, state="confirmed", user=None)
    article_initiative_decide(link=link, state="confirmed", user=editor)  # another editor agrees
    assert Event.objects.filter(name=events.ARTICLE_INITIATIVE_LINKED).count() == 1


def test_saving_an_initiative_unchanged_in_the_admin_makes_no_event():
    initiative = make_initiative(slug="stockpile", status="active")
    client = Client()
    client.force_login(make_admin_editor())
    url = f"/admin/tracker/initiative/{initiative.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
        if not isinstance(value, list)
    }
    data["jurisdictions"] = [str(v) for v in form["jurisdictions"].value() or []]
    for name, field in form.fields.items():  # what the page sends back in hidden inputs
        if field.show_hidden_initial:
            data[form[name].html_initial_name] = data[name]
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Event.objects.exists()

    data["status"] = "ended" if initiative.status != "ended" else "active"
    assert client.post(url, data).status_code == 302
    (event,) = Event.objects.all()
    assert event.name == events.INITIATIVE_UPDATED and event.data["status"] == data["status"]
    assert json.dumps(event.data)  # stored as JSON, as sent


def test_a_backlog_is_not_queued_again_every_minute(loopback, django_capture_on_commit_callbacks):
    hook_for(loopback)
    claim_review(claim=make_claim(), status="disputed", user=None, note="n")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = webhook_deliveries_sweep()
        second = webhook_deliveries_sweep()  # the task is still waiting in the broker
    assert (first["dispatched"], second["dispatched"], second["queued"]) == (1, 0, 0)
    assert len(queued) == 1
    assert loopback.requests_to("/hook") == []
