"""Webhook signatures, payloads and the HTTP POST itself.

Each request carries ``X-Reex-Timestamp`` (Unix seconds) and ``X-Reex-Signature``
(``v1=`` + hex HMAC-SHA256 of ``"{timestamp}.{body}"`` under the endpoint's secret), and
``X-Reex-Event-Id``. A receiver recomputes the signature, refuses old timestamps, and remembers
event ids it has seen: that is what makes a replayed request useless (see docs/api.md).
"""

import hashlib
import hmac
import http.client
import json
import time
from dataclasses import dataclass

from django.conf import settings

from reex import fetching

TIMESTAMP_HEADER = "X-Reex-Timestamp"
SIGNATURE_HEADER = "X-Reex-Signature"
EVENT_HEADER = "X-Reex-Event"
EVENT_ID_HEADER = "X-Reex-Event-Id"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: a fresh timestamp, and a signature made with our shared secret."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def encode(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), sort_keys=True, default=str).encode()


@dataclass(frozen=True)
class PostResult:
    status: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def check_url(url: str) -> str | None:
    """Why ``url`` may not receive webhooks (the feed fetcher's address guard), or None."""
    try:
        fetching.check_destination(url, _options())
    except fetching.FetchError as exc:
        return str(exc)
    return None


def post(url: str, *, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST ``body`` to ``url``, connecting only to addresses the guard has checked."""
    options = _options()
    try:
        with fetching.guarded_connection(url, options) as (conn, path):
            return _send(conn, path, body, {"User-Agent": options.user_agent, **headers})
    except fetching.FetchError as exc:
        return PostResult(None, str(exc))


def _send(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict) -> PostResult:
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "Connection": "close", **headers},
        )
        with conn.getresponse() as response:
            response.read(64 * 1024)  # the receiver's answer is not ours to keep
            return PostResult(response.status, "" if response.status < 300 else response.reason)
    except (OSError, http.client.HTTPException) as exc:
        return PostResult(None, f"{type(exc).__name__}: {exc}" if str(exc) else repr(exc))


def _options() -> fetching.FetchOptions:
    timeout = float(settings.PARTNERS["WEBHOOK_TIMEOUT"])
    base = fetching.FetchOptions.from_settings()
    return fetching.FetchOptions(
        user_agent=base.user_agent.replace("feed fetcher", "webhooks"),
        connect_timeout=min(base.connect_timeout, timeout),
        read_timeout=timeout,
        total_timeout=timeout * 2,
        max_bytes=64 * 1024,
        max_redirects=0,
        allow_loopback=bool(settings.PARTNERS["WEBHOOK_ALLOW_LOOPBACK"]),
    )
