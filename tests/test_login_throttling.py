"""Signing in is throttled: failures lock out a username and an address (issue 13, item 5), the
API takes API keys only, and create_editor refuses weak passwords."""

import base64

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tests.factories import make_admin_editor

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a long editor passphrase"


def sign_in(username: str, password: str, address: str = "203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, client


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def editors():
    make_admin_editor("ana", password=PASSWORD)
    make_admin_editor("ben", password=PASSWORD)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(editors):
    for _ in range(30):
        response, _ = sign_in("ana", "not the password")
        assert response.status_code in (200, 429)  # the form again, then the lockout
    response, client = sign_in("ana", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)


def test_the_username_is_locked_from_every_address(editors):
    for n in range(5):
        sign_in("ana", "wrong", address=f"198.51.100.{n}")  # one failure per address
    response, client = sign_in("ana", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429 and not signed_in(client)


def test_the_address_is_locked_for_every_username(editors):
    for n in range(5):
        sign_in(f"guess{n}", "wrong", address="203.0.113.9")
    response, client = sign_in("ben", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429 and not signed_in(client)


def test_another_user_from_another_address_is_unaffected(editors):
    for _ in range(10):
        sign_in("ana", "wrong", address="203.0.113.7")
    response, client = sign_in("ben", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302 and signed_in(client)


def test_a_success_before_the_limit_starts_the_count_again(editors):
    for _ in range(4):
        sign_in("ana", "wrong")
    assert signed_in(sign_in("ana", PASSWORD)[1])
    for _ in range(4):
        sign_in("ana", "wrong")
    assert signed_in(sign_in("ana", PASSWORD)[1])


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_forged(editors):
    for n in range(5):
        # The client forges a fresh left-hand address each time; the proxy appends the real one.
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.50")
        client.post(LOGIN, {"username": f"guess{n}", "password": "wrong"})
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50")
    response = client.post(LOGIN, {"username": "ben", "password": PASSWORD})
    assert response.status_code == 429


# --- the API: keys only ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/articles/", "/api/v1/claims/"])
def test_basic_authentication_is_refused_under_the_api(editors, path):
    basic = base64.b64encode(f"ana:{PASSWORD}".encode()).decode()
    response = Client().get(path, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    assert "Api-Key" in response["WWW-Authenticate"]


def test_an_editors_session_is_no_key_to_the_api(editors):
    _, client = sign_in("ana", PASSWORD)
    assert signed_in(client)
    assert client.get("/api/v1/articles/").status_code == 401


# --- create_editor ----------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["short", "password123", "12345678901", "hilda-hilda"])
def test_create_editor_refuses_a_weak_password_and_says_why(weak):
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match="Password refused: "):
        call_command("create_editor", "hilda-hilda", "--password", weak)
    assert not get_user_model().objects.filter(username="hilda-hilda").exists()


def test_create_editor_accepts_a_good_password():
    call_command("create_editor", "hilda", "--password", PASSWORD)
    response, client = sign_in("hilda", PASSWORD)
    assert signed_in(client)
