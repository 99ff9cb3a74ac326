"""The feed HTTP client against the loopback server; every connection goes to 127.0.0.1."""

import dataclasses
import gzip
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from articles.models import FeedFetch
from reex import fetching
from reex.fetching import FetchError, FetchOptions, blocked_reason, fetch_url
from tests.loopback import RecordedRequest, Response

Outcome = FeedFetch.Outcome
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

OPTIONS = FetchOptions(
    user_agent="REExTracker-test/1.0 (+https://example.invalid/bot)",
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=3.0,
    max_bytes=1_000_000,
    max_redirects=5,
    allow_loopback=True,
)


def options(**changes) -> FetchOptions:
    return dataclasses.replace(OPTIONS, **changes)


@pytest.fixture(autouse=True)
def connections(monkeypatch) -> list[tuple[str, int]]:
    """Every address the client connects to; anything but 127.0.0.1 fails the test unsent."""
    made: list[tuple[str, int]] = []
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        made.append(address[:2])
        assert address[0] == "127.0.0.1", f"tried to connect to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return made


@pytest.fixture
def resolver(monkeypatch) -> dict[str, list[str]]:
    """Fake DNS: map a hostname to addresses; IP literals resolve to themselves."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        return answers.get(host, [host])

    monkeypatch.setattr(fetching, "resolve_host", resolve)
    return answers


def fetch_error(url: str, **kwargs) -> FetchError:
    kwargs.setdefault("options", OPTIONS)
    with pytest.raises(FetchError) as info:
        fetch_url(url, **kwargs)
    return info.value


def test_every_fetch_failure_is_a_fetch_log_outcome():
    """The client (reex) names no app's model: its outcomes must be values the log can store."""
    for failure in fetching.Outcome:
        assert Outcome(failure.value) == failure, failure


# --- success -----------------------------------------------------------------------------------


def test_ok_response_returns_body_and_captures_validators(loopback):
    headers = {
        "Content-Type": "application/rss+xml; charset=utf-8",
        "ETag": '"abc"',
        "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
    }
    loopback.route("/feed.xml", Response(200, headers, RSS))

    response = fetch_url(loopback.url("/feed.xml"), options=OPTIONS)

    assert response.status == 200
    assert response.body == RSS
    assert response.url == loopback.url("/feed.xml")
    assert response.content_type == "application/rss+xml; charset=utf-8"
    assert response.etag == '"abc"'
    assert response.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert response.permanent_url is None
    assert response.redirects == []


def test_missing_validators_are_empty_strings(loopback):
    loopback.route("/feed.xml", RSS)

    response = fetch_url(loopback.url("/feed.xml"), options=OPTIONS)

    assert (response.content_type, response.etag, response.last_modified) == ("", "", "")


def test_request_names_the_app_and_asks_for_feeds_compressed(loopback):
    loopback.route("/feed.xml", RSS)

    fetch_url(loopback.url("/feed.xml"), options=OPTIONS)

    headers = loopback.requests[0].headers
    assert headers["User-Agent"] == OPTIONS.user_agent
    assert "application/rss+xml" in headers["Accept"]
    assert "application/atom+xml" in headers["Accept"]
    assert headers["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers


def test_conditional_get_sends_validators_and_returns_304(loopback):
    def conditional(request: RecordedRequest) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(304, {"ETag": '"v1"'})
        return Response(200, {"ETag": '"v1"'}, RSS)

    loopback.route("/feed.xml", conditional)

    first = fetch_url(loopback.url("/feed.xml"), options=OPTIONS)
    second = fetch_url(
        loopback.url("/feed.xml"),
        etag=first.etag,
        last_modified="Wed, 01 Jan 2025 00:00:00 GMT",
        options=OPTIONS,
    )

    assert (first.status, first.body) == (200, RSS)
    assert (second.status, second.body, second.etag) == (304, b"", '"v1"')
    sent = loopback.requests[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_gzip_body_is_decoded(loopback):
    loopback.route("/feed.xml", Response(200, {"Content-Encoding": "gzip"}, gzip.compress(RSS)))

    assert fetch_url(loopback.url("/feed.xml"), options=OPTIONS).body == RSS


@pytest.mark.parametrize(
    "compressed", [zlib.compress(RSS), zlib.compress(RSS)[2:-4]], ids=["zlib", "raw-deflate"]
)
def test_deflate_body_is_decoded_wrapped_or_raw(loopback, compressed):
    loopback.route("/feed.xml", Response(200, {"Content-Encoding": "deflate"}, compressed))

    assert fetch_url(loopback.url("/feed.xml"), options=OPTIONS).body == RSS


def test_chunked_gzip_body_is_decoded(loopback):
    body = gzip.compress(RSS * 50)
    pieces = [body[i : i + 100] for i in range(0, len(body), 100)]
    headers = {"Content-Encoding": "gzip"}
    loopback.route("/feed.xml", Response(200, headers, pieces, chunked=True))

    assert fetch_url(loopback.url("/feed.xml"), options=OPTIONS).body == RSS * 50


def test_body_without_length_is_read_until_close(loopback):
    loopback.route("/feed.xml", Response(200, {}, iter([RSS[:10], RSS[10:]])))

    assert fetch_url(loopback.url("/feed.xml"), options=OPTIONS).body == RSS


def test_non_ascii_path_is_percent_encoded(loopback):
    loopback.route("/caf%C3%A9/feed%20x.xml", RSS)

    response = fetch_url(loopback.url("/café/feed x.xml"), options=OPTIONS)

    assert response.body == RSS


def test_validator_that_could_split_headers_is_not_sent(loopback):
    loopback.route("/feed.xml", RSS)

    fetch_url(loopback.url("/feed.xml"), etag='"a"\r\nX-Evil: 1', options=OPTIONS)

    assert "If-None-Match" not in loopback.requests[0].headers
    assert "X-Evil" not in loopback.requests[0].headers


# --- size limits -------------------------------------------------------------------------------


def gzip_bomb(megabytes: int) -> Iterator[bytes]:
    """``megabytes`` MB of zeros, gzipped as the client reads (≈1 KB on the wire per MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    for _ in range(megabytes):
        yield compressor.compress(zeros)
    yield compressor.flush()


def test_gzip_bomb_is_refused_as_too_large_quickly(loopback):
    headers = {"Content-Encoding": "gzip"}
    loopback.route("/bomb.xml", lambda request: Response(200, headers, gzip_bomb(200)))

    error = fetch_error(loopback.url("/bomb.xml"), options=options(max_bytes=1_000_000))

    assert error.outcome == Outcome.TOO_LARGE
    assert "1000000-byte limit" in str(error)
    assert error.bytes_received < 100_000  # stopped long before the ~200 KB of the whole bomb


def test_declared_content_length_over_the_limit_is_refused_before_reading(loopback):
    headers = {"Content-Length": "5000000"}
    loopback.route("/big.xml", Response(200, headers, iter([b"x" * 1000])))

    error = fetch_error(loopback.url("/big.xml"), options=options(max_bytes=1000))

    assert error.outcome == Outcome.TOO_LARGE
    assert "Content-Length 5000000" in str(error)
    assert error.bytes_received == 0


def test_undeclared_body_over_the_limit_is_refused(loopback):
    loopback.route("/big.xml", lambda request: Response(200, {}, iter([b"x" * 4096] * 100)))

    error = fetch_error(loopback.url("/big.xml"), options=options(max_bytes=10_000))

    assert error.outcome == Outcome.TOO_LARGE
    assert error.url == loopback.url("/big.xml")


def test_body_cut_short_of_its_content_length_is_a_network_error(loopback):
    loopback.route("/short.xml", Response(200, {"Content-Length": "1000"}, RSS))

    error = fetch_error(loopback.url("/short.xml"))

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "before the end of the body" in str(error)


def test_malformed_gzip_is_an_http_error(loopback):
    headers = {"Content-Encoding": "gzip"}
    loopback.route("/bad.xml", Response(200, headers, b"definitely not gzip"))

    error = fetch_error(loopback.url("/bad.xml"))

    assert (error.outcome, error.http_status) == (Outcome.HTTP_ERROR, 200)
    assert "malformed gzip body" in str(error)


# --- redirects ---------------------------------------------------------------------------------


def test_redirect_chain_is_followed_and_temporary_hop_leaves_no_permanent_url(loopback):
    loopback.route("/a", Response(302, {"Location": loopback.url("/b")}))
    loopback.route("/b", Response(301, {"Location": loopback.url("/feed.xml")}))
    loopback.route("/feed.xml", RSS)

    response = fetch_url(loopback.url("/a"), options=OPTIONS)

    assert response.body == RSS
    assert response.url == loopback.url("/feed.xml")
    assert response.redirects == [loopback.url("/b"), loopback.url("/feed.xml")]
    assert response.permanent_url is None


def test_permanent_redirects_only_set_permanent_url(loopback):
    loopback.route("/a", Response(301, {"Location": loopback.url("/b")}))
    loopback.route("/b", Response(308, {"Location": loopback.url("/feed.xml")}))
    loopback.route("/feed.xml", RSS)

    response = fetch_url(loopback.url("/a"), options=OPTIONS)

    assert response.permanent_url == loopback.url("/feed.xml")
    assert [r.path for r in loopback.requests] == ["/a", "/b", "/feed.xml"]


def test_relative_location_is_resolved_against_the_current_url(loopback):
    loopback.route("/old/feed", Response(307, {"Location": "../new/feed?x=1"}))
    loopback.route("/new/feed?x=1", RSS)

    response = fetch_url(loopback.url("/old/feed"), options=OPTIONS)

    assert response.url == loopback.url("/new/feed?x=1")
    assert response.body == RSS


def test_validators_are_sent_on_every_hop(loopback):
    loopback.route("/a", Response(301, {"Location": "/feed.xml"}))
    loopback.route("/feed.xml", Response(304))

    response = fetch_url(loopback.url("/a"), etag='"v1"', options=OPTIONS)

    assert response.status == 304
    assert [r.headers["If-None-Match"] for r in loopback.requests] == ['"v1"', '"v1"']


def test_too_many_redirects_is_an_http_error(loopback):
    for n in range(5):
        loopback.route(f"/r{n}", Response(302, {"Location": f"/r{n + 1}"}))

    error = fetch_error(loopback.url("/r0"), options=options(max_redirects=3))

    assert error.outcome == Outcome.HTTP_ERROR
    assert "too many redirects" in str(error)
    assert len(loopback.requests) == 4  # the first request and three redirects followed


def test_redirect_without_location_is_an_http_error(loopback):
    loopback.route("/a", Response(302))

    error = fetch_error(loopback.url("/a"))

    assert (error.outcome, error.http_status) == (Outcome.HTTP_ERROR, 302)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.com/feed", "gopher:x"])
def test_redirect_to_a_non_http_scheme_is_refused(loopback, location):
    loopback.route("/a", Response(302, {"Location": location}))

    error = fetch_error(loopback.url("/a"))

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert "only http and https" in str(error)
    assert error.url == location


def test_redirect_to_a_private_address_is_refused_before_contacting_it(
    loopback, resolver, connections
):
    resolver["internal.example"] = ["10.0.0.5"]
    target = f"http://internal.example:{loopback.port}/admin"
    loopback.route("/a", Response(302, {"Location": target}))

    error = fetch_error(loopback.url("/a"))

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert "10.0.0.5 (private)" in str(error)
    assert error.url == target
    assert connections == [("127.0.0.1", loopback.port)]  # only the first hop


# --- the address guard -------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed(loopback, connections):
    loopback.route("/feed.xml", RSS)

    error = fetch_error(loopback.url("/feed.xml"), options=options(allow_loopback=False))

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert "127.0.0.1 (loopback)" in str(error)
    assert connections == [] and loopback.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "fe80::1",
        "100.64.1.1",  # carrier-grade NAT
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::1",
        "::ffff:10.0.0.5",
        "::ffff:169.254.169.254",
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "fc00::1",
        "fec0::1",  # site-local
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
    ],
)
def test_non_public_addresses_are_refused_before_any_connection(resolver, connections, address):
    resolver["feed.example"] = [address]

    error = fetch_error("http://feed.example/feed.xml", options=options(allow_loopback=False))

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert f"feed.example resolves to {address}" in str(error)
    assert error.url == "http://feed.example/feed.xml"
    assert connections == []


def test_one_blocked_answer_among_public_ones_refuses_the_host(resolver, connections):
    resolver["feed.example"] = ["93.184.216.34", "2606:4700::1111", "10.0.0.5"]

    error = fetch_error("https://feed.example/feed.xml", options=options(allow_loopback=False))

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert connections == []


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_pass_the_guard(address):
    assert blocked_reason(address) is None


def test_loopback_passes_the_guard_only_when_allowed():
    assert blocked_reason("::1", allow_loopback=True) is None
    assert blocked_reason("127.0.0.2", allow_loopback=True) is None
    assert blocked_reason("127.0.0.2") == "loopback"
    assert blocked_reason("10.0.0.1", allow_loopback=True) == "private"


def test_connects_to_the_checked_address_with_the_original_host_header(
    loopback, resolver, connections
):
    resolver["feeds.example"] = ["127.0.0.1"]
    loopback.route("/feed.xml", RSS)

    response = fetch_url(f"http://feeds.example:{loopback.port}/feed.xml", options=OPTIONS)

    assert response.body == RSS
    assert connections == [("127.0.0.1", loopback.port)]
    assert loopback.requests[0].headers["Host"] == f"feeds.example:{loopback.port}"


def test_https_verifies_the_certificate_against_the_hostname_not_the_address(
    loopback, resolver, connections, monkeypatch
):
    resolver["feeds.example"] = ["127.0.0.1"]
    wrapped: list[tuple[str, str | None]] = []

    class RefusingContext(ssl.SSLContext):
        def wrap_socket(self, sock, server_hostname=None, **kwargs):
            wrapped.append((sock.getpeername()[0], server_hostname))
            raise ssl.SSLCertVerificationError("certificate verify failed")

    monkeypatch.setattr(fetching, "_ssl_context", lambda: RefusingContext(ssl.PROTOCOL_TLS_CLIENT))

    error = fetch_error(f"https://feeds.example:{loopback.port}/feed.xml")

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "TLS certificate verification failed" in str(error)
    assert wrapped == [("127.0.0.1", "feeds.example")]


def test_real_tls_handshake_against_a_plain_http_server_is_a_network_error(loopback, resolver):
    resolver["feeds.example"] = ["127.0.0.1"]

    error = fetch_error(f"https://feeds.example:{loopback.port}/feed.xml")

    assert error.outcome == Outcome.NETWORK_ERROR
    assert f"https://feeds.example:{loopback.port}/feed.xml" in str(error)


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "example.com"])
def test_non_http_urls_are_refused(url, connections):
    error = fetch_error(url)

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert connections == []


def test_urls_with_credentials_are_refused_without_echoing_them(connections):
    error = fetch_error("https://user:s3cret@example.com/feed")

    assert error.outcome == Outcome.BLOCKED_ADDRESS
    assert "credentials" in str(error)
    assert "s3cret" not in str(error) and "s3cret" not in error.url
    assert connections == []


def test_unresolvable_host_is_a_network_error(monkeypatch):
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetching, "resolve_host", fail)

    error = fetch_error("http://nowhere.invalid/feed")

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "could not resolve nowhere.invalid" in str(error)


# --- HTTP errors -------------------------------------------------------------------------------


def test_gone_is_an_http_error_saying_so(loopback):
    loopback.route("/feed.xml", Response(410))

    error = fetch_error(loopback.url("/feed.xml"))

    assert (error.outcome, error.http_status) == (Outcome.HTTP_ERROR, 410)
    assert "gone" in str(error)
    assert loopback.url("/feed.xml") in str(error)


def test_not_found_is_an_http_error(loopback):
    error = fetch_error(loopback.url("/missing.xml"))

    assert (error.outcome, error.http_status, error.retry_after) == (Outcome.HTTP_ERROR, 404, None)


def test_too_many_requests_carries_retry_after_seconds(loopback):
    loopback.route("/feed.xml", Response(429, {"Retry-After": "120"}))

    error = fetch_error(loopback.url("/feed.xml"))

    assert (error.outcome, error.http_status) == (Outcome.HTTP_ERROR, 429)
    assert error.retry_after == timedelta(seconds=120)


def test_too_many_requests_carries_retry_after_http_date(loopback):
    when = datetime.now(UTC) + timedelta(hours=1)
    loopback.route("/feed.xml", Response(429, {"Retry-After": format_datetime(when, usegmt=True)}))

    error = fetch_error(loopback.url("/feed.xml"))

    assert timedelta(minutes=59) < error.retry_after <= timedelta(hours=1)


@pytest.mark.parametrize("header", [{}, {"Retry-After": "soon"}, {"Retry-After": "-5"}])
def test_unavailable_without_usable_retry_after_has_none(loopback, header):
    loopback.route("/feed.xml", Response(503, header))

    error = fetch_error(loopback.url("/feed.xml"))

    assert (error.outcome, error.http_status, error.retry_after) == (Outcome.HTTP_ERROR, 503, None)


def test_unavailable_carries_retry_after(loopback):
    loopback.route("/feed.xml", Response(503, {"Retry-After": "30"}))

    assert fetch_error(loopback.url("/feed.xml")).retry_after == timedelta(seconds=30)


# --- network errors ----------------------------------------------------------------------------


def test_slow_answer_is_a_read_timeout(loopback):
    loopback.route("/slow.xml", Response(200, {}, RSS, delay=1.0))

    # No upper bound on the time taken (a busy machine stretches it): without the read timeout
    # the answer would come, after 1 s, and there would be no error.
    error = fetch_error(loopback.url("/slow.xml"), options=options(read_timeout=0.2))

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "read timeout" in str(error)


def test_dripping_server_hits_the_total_timeout(loopback):
    loopback.route("/drip.xml", Response(200, {}, RSS, drip=0.2))

    started = time.monotonic()
    error = fetch_error(
        loopback.url("/drip.xml"), options=options(read_timeout=1.0, total_timeout=0.8)
    )

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "total timeout" in str(error)
    # Not before the deadline. No upper bound (a busy machine stretches it): without the total
    # timeout the drip would have ended in a whole document, not an error.
    assert time.monotonic() - started > 0.7
    assert error.bytes_received > 0


def test_server_dripping_headers_hits_the_total_timeout():
    """Per-read timeouts restart with every byte; only the total deadline stops a drip."""
    stop = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def drip_headers() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(0.1):
                    try:
                        conn.sendall(b"x")
                    except OSError:
                        return

        thread = threading.Thread(target=drip_headers, daemon=True)
        thread.start()
        try:
            error = fetch_error(
                f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml",
                options=options(read_timeout=1.0, total_timeout=0.6),
            )
        finally:
            stop.set()
            thread.join(timeout=2)

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "total timeout" in str(error)  # the per-read timeout never fires on this drip


def test_total_timeout_spans_redirects(loopback):
    loopback.route("/a", Response(302, {"Location": "/b"}, delay=0.3))
    loopback.route("/b", Response(302, {"Location": "/c"}, delay=0.3))
    loopback.route("/c", Response(200, {}, RSS, delay=0.3))

    error = fetch_error(loopback.url("/a"), options=options(read_timeout=1.0, total_timeout=0.5))

    assert "total timeout" in str(error)
    assert error.url == loopback.url("/b")


def test_closed_port_is_a_network_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free once closed: nothing listens there

    error = fetch_error(f"http://127.0.0.1:{port}/feed.xml")

    assert error.outcome == Outcome.NETWORK_ERROR
    assert "connection refused" in str(error)
    assert f"http://127.0.0.1:{port}/feed.xml" in str(error)


def test_options_default_to_the_feeds_setting(settings):
    settings.FEEDS = {
        **settings.FEEDS,
        "USER_AGENT": "Custom/2.0",
        "MAX_BYTES": 1234,
        "ALLOW_LOOPBACK": False,
    }

    built = FetchOptions.from_settings()

    assert (built.user_agent, built.max_bytes, built.allow_loopback) == ("Custom/2.0", 1234, False)
