"""Partners in the admin: a key is shown once and revocable; webhook URLs pass the guard."""

import re

import pytest

from partners.models import ApiKey, Webhook

pytestmark = pytest.mark.django_db


def test_a_key_made_in_the_admin_is_shown_once_and_works(admin_client, client):
    response = admin_client.post(
        "/admin/partners/apikey/add/",
        {"name": "Desk", "scopes": ["read"], "rate_per_minute": 60},
        follow=True,
    )
    assert response.status_code == 200
    (raw,) = re.findall(r"reex_[A-Za-z0-9_-]{40,}", response.content.decode())
    api_key = ApiKey.objects.get(name="Desk")
    assert api_key.key_hash not in response.content.decode()
    assert client.get("/api/v1/topics/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200

    admin_client.post(
        "/admin/partners/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    assert client.get("/api/v1/topics/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 401
    # The change page never shows the key again.
    page = admin_client.get(f"/admin/partners/apikey/{api_key.pk}/change/").content.decode()
    assert raw not in page


def test_the_admin_refuses_a_webhook_to_a_private_address(admin_client):
    response = admin_client.post(
        "/admin/partners/webhook/add/",
        {"name": "Sneaky", "url": "http://192.168.1.10/hook", "events": ["claim.status_changed"],
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the error
    assert "private" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_admin_makes_a_webhook_with_a_secret(admin_client, loopback):
    admin_client.post(
        "/admin/partners/webhook/add/",
        {"name": "Desk", "url": loopback.url("/hook"), "events": ["initiative.updated"],
         "is_active": "on"},
    )  # fmt: skip
    webhook = Webhook.objects.get()
    assert webhook.events == ["initiative.updated"] and len(webhook.secret) >= 40
