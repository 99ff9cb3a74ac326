"""Our own HTTP client for feeds and webhooks: feedparser is only ever handed bytes, never a URL.

Each hop of a fetch is resolved once, every address checked against the SSRF guard, and the
connection made to a checked address (never to the hostname again), so neither a feed URL, nor a
redirect, nor a DNS answer that changes between check and connect can reach internal services.
Bodies are capped after decompression, and one deadline covers the whole fetch.
"""

import email.utils
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from django.conf import settings


class Outcome(StrEnum):
    """Why a fetch gave no usable response. The fetch log stores it as is: each is also a value
    of ``articles.FeedFetch.Outcome`` (tests/articles/test_fetching.py holds them equal)."""

    HTTP_ERROR = "http_error"
    NETWORK_ERROR = "network_error"
    TOO_LARGE = "too_large"
    BLOCKED_ADDRESS = "blocked_address"


ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_STATUSES = frozenset({301, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_CHARS = re.compile(r"[A-Za-z0-9._:%-]+")  # DNS names (IDNA-encoded) and IP literals
HEADER_BREAK = re.compile(r"[\r\n\0]")
READ_CHUNK = 64 * 1024  # also the most one inflate step may produce: bounds a bomb's memory

# Ranges the stdlib flags don't cover (or cover differently across Python versions).
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class FetchOptions:
    user_agent: str
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int
    allow_loopback: bool

    @classmethod
    def from_settings(cls) -> "FetchOptions":
        feeds = settings.FEEDS
        return cls(
            user_agent=feeds["USER_AGENT"],
            connect_timeout=float(feeds["CONNECT_TIMEOUT"]),
            read_timeout=float(feeds["READ_TIMEOUT"]),
            total_timeout=float(feeds["TOTAL_TIMEOUT"]),
            max_bytes=int(feeds["MAX_BYTES"]),
            max_redirects=int(feeds["MAX_REDIRECTS"]),
            allow_loopback=bool(feeds["ALLOW_LOOPBACK"]),
        )


@dataclass
class FetchResponse:
    status: int  # 200 (any 2xx) or 304
    url: str  # the URL that finally answered
    body: bytes  # decompressed; b"" for 304
    content_type: str
    etag: str
    last_modified: str
    permanent_url: str | None  # the final URL when every redirect hop was 301/308, else None
    redirects: list[str]  # the redirect targets followed, in order; [] when none


class FetchError(Exception):
    """A fetch that produced no usable response; ``outcome`` says why (an ``Outcome``)."""

    def __init__(
        self,
        outcome: str,
        message: str,
        *,
        url: str,
        http_status: int | None = None,
        retry_after: timedelta | None = None,
        bytes_received: int = 0,
    ) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.url = url
        self.http_status = http_status
        self.retry_after = retry_after
        self.bytes_received = bytes_received


def fetch_url(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    options: FetchOptions | None = None,
) -> FetchResponse:
    """GET a feed, following redirects by hand; raises FetchError for anything but 2xx/304.

    ``etag``/``last_modified`` are the validators stored from the last fetch; they are sent on
    every hop, since they describe the feed wherever it now lives.
    """
    options = options or FetchOptions.from_settings()
    redirects: list[str] = []
    all_permanent = True
    current = url
    with _Deadline(options.total_timeout) as deadline:
        while True:
            target = _Target.parse(current)
            addresses = _checked_addresses(target, options)
            result = _request(target, addresses, options, deadline, etag, last_modified)
            if isinstance(result, FetchResponse):
                result.redirects = redirects
                if redirects and all_permanent:
                    result.permanent_url = result.url
                return result
            status, location = result
            next_url = urljoin(current, location)
            if len(redirects) >= options.max_redirects:
                raise FetchError(
                    Outcome.HTTP_ERROR,
                    f"too many redirects (more than {options.max_redirects}) fetching {url}; "
                    f"last hop {current} -> {next_url}",
                    url=current,
                    http_status=status,
                )
            redirects.append(next_url)
            all_permanent = all_permanent and status in PERMANENT_REDIRECT_STATUSES
            current = next_url


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> timedelta | None:
    """Retry-After as a delay: delta-seconds or an HTTP-date; None when absent or garbage."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        try:
            return timedelta(seconds=int(value))
        except OverflowError:
            return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - (now or datetime.now(UTC)), timedelta(0))


# --- the address guard -------------------------------------------------------------------------


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in resolver order. Tests monkeypatch this."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_reason(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why a feed fetch may not connect to ``address``, or None if it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 address that carries an IPv4 one reaches that IPv4 host: judge the inner one.
        for label, inner in (("IPv4-mapped", ip.ipv4_mapped), ("6to4", ip.sixtofour)):
            if inner is not None:
                reason = blocked_reason(str(inner), allow_loopback=allow_loopback)
                return f"{label} {reason}" if reason else None
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip in CGNAT, "carrier-grade NAT"),
        (any(ip in net for net in NAT64), "NAT64"),
        (ip.is_multicast, "multicast"),
        (getattr(ip, "is_site_local", False), "site-local"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not globally routable"),
    )
    return next((reason for flagged, reason in checks if flagged), None)


def _checked_addresses(target: "_Target", options: FetchOptions) -> list[str]:
    try:
        addresses = resolve_host(target.host, target.port)
    except (OSError, ValueError) as exc:
        raise FetchError(
            Outcome.NETWORK_ERROR,
            f"could not resolve {target.host} ({exc}) fetching {target.url}",
            url=target.url,
        ) from exc
    if not addresses:
        raise FetchError(
            Outcome.NETWORK_ERROR,
            f"{target.host} resolved to no address fetching {target.url}",
            url=target.url,
        )
    # Refuse if ANY answer is blocked: otherwise a host with one public and one private record
    # would be a coin toss away from reaching the private one.
    for address in addresses:
        try:
            reason = blocked_reason(address, allow_loopback=options.allow_loopback)
        except ValueError:
            reason = "not an IP address"
        if reason:
            raise FetchError(
                Outcome.BLOCKED_ADDRESS,
                f"refused {target.url}: {target.host} resolves to {address} ({reason})",
                url=target.url,
            )
    return addresses


def check_destination(url: str, options: FetchOptions) -> None:
    """Raise ``FetchError`` saying why ``url`` may not be reached: its scheme, credentials in
    it, or an address the guard blocks."""
    _checked_addresses(_Target.parse(url), options)


@contextmanager
def guarded_connection(
    url: str, options: FetchOptions
) -> Iterator[tuple[http.client.HTTPConnection, str]]:
    """For other senders than the feed fetcher (webhooks): an HTTP(S) connection to ``url``,
    pinned to the addresses the guard checked and bounded by ``options.total_timeout``; yields
    it with the request target (path and query). Raises ``FetchError`` like ``fetch_url``."""
    target = _Target.parse(url)
    addresses = _checked_addresses(target, options)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    with _Deadline(options.total_timeout) as deadline:
        conn = connection_class(target, addresses, options, deadline)
        try:
            yield conn, target.request_target
        finally:
            deadline.watch(None)
            conn.close()


# --- URLs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA) form: used for the Host header and TLS SNI
    port: int
    request_target: str  # path and query, percent-encoded

    @classmethod
    def parse(cls, url: str) -> "_Target":
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchError(
                Outcome.BLOCKED_ADDRESS,
                f"refused {url}: only http and https URLs are fetched, not {scheme or 'no'} scheme",
                url=url,
            )
        if "@" in parts.netloc:
            # Never echo a password into logs: show the URL without its userinfo.
            safe_url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
            raise FetchError(
                Outcome.BLOCKED_ADDRESS,
                f"refused {safe_url}: URLs with credentials (user:password@) are not fetched",
                url=safe_url,
            )
        try:
            host = (parts.hostname or "").encode("idna").decode("ascii")
            port = parts.port or DEFAULT_PORTS[scheme]
        except (UnicodeError, ValueError) as exc:
            raise FetchError(Outcome.HTTP_ERROR, f"invalid URL {url}: {exc}", url=url) from exc
        if not HOST_CHARS.fullmatch(host):
            raise FetchError(Outcome.HTTP_ERROR, f"invalid URL {url}: bad host", url=url)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        # http.client refuses non-ASCII and spaces; valid URLs pass through unchanged.
        request_target = quote(path, safe="!$%&'()*+,/:;=?@[]~")
        return cls(url, scheme, host, port, request_target)


# --- connections -------------------------------------------------------------------------------


class _Deadline:
    """The total time budget of one fetch, redirects included.

    Per-read socket timeouts restart with every byte, so a server dripping one byte at a time
    would never trip them; a timer shuts the live socket down when the budget runs out, which
    wakes whatever read (headers, chunk sizes, TLS handshake) is blocked on it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._ends_at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self._ends_at - time.monotonic()

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if sock is not None and self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain socket method even on an SSLSocket: cut the TCP stream, skip TLS close_notify.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def _open_socket(
    addresses: list[str], port: int, options: FetchOptions, deadline: _Deadline
) -> socket.socket:
    """Connect to the first checked address that answers; the hostname is never resolved here."""
    error: OSError | None = None
    for address in addresses:
        timeout = min(options.connect_timeout, deadline.remaining())
        if timeout <= 0:
            raise TimeoutError("total timeout")
        try:
            sock = socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            error = exc
            continue
        sock.settimeout(options.read_timeout)
        deadline.watch(sock)
        return sock
    assert error is not None
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends ``Host: <hostname>`` but connects to an address the guard already checked."""

    def __init__(
        self, target: _Target, addresses: list[str], options: FetchOptions, deadline: _Deadline
    ) -> None:
        super().__init__(target.host, target.port, timeout=options.read_timeout)
        self._addresses, self._options, self._deadline = addresses, options, deadline

    def connect(self) -> None:
        self.sock = _open_socket(self._addresses, self.port, self._options, self._deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, with SNI and the certificate checked against the hostname."""

    def __init__(
        self, target: _Target, addresses: list[str], options: FetchOptions, deadline: _Deadline
    ) -> None:
        self._tls_context = _ssl_context()
        super().__init__(
            target.host, target.port, timeout=options.read_timeout, context=self._tls_context
        )
        self._addresses, self._options, self._deadline = addresses, options, deadline

    def connect(self) -> None:
        sock = _open_socket(self._addresses, self.port, self._options, self._deadline)
        try:
            tls = self._tls_context.wrap_socket(
                sock, server_hostname=self.host, do_handshake_on_connect=False
            )
        except BaseException:
            sock.close()
            raise
        try:
            self._deadline.watch(tls)
            tls.settimeout(self._options.connect_timeout)  # the handshake is part of connecting
            tls.do_handshake()
            tls.settimeout(self._options.read_timeout)
        except BaseException:
            tls.close()
            raise
        self.sock = tls


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # verifies the chain and the hostname
    context.set_alpn_protocols(["http/1.1"])
    return context


def _request(
    target: _Target,
    addresses: list[str],
    options: FetchOptions,
    deadline: _Deadline,
    etag: str,
    last_modified: str,
) -> FetchResponse | tuple[int, str]:
    """One hop: a FetchResponse, or (status, Location) for a redirect to follow."""
    if deadline.remaining() <= 0:
        raise _timeout_error(target, options, "total", None)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = connection_class(target, addresses, options, deadline)
    headers = {
        "User-Agent": options.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    # Validators are echoed from an earlier response; one that could split headers is dropped.
    if etag and not HEADER_BREAK.search(etag):
        headers["If-None-Match"] = etag
    if last_modified and not HEADER_BREAK.search(last_modified):
        headers["If-Modified-Since"] = last_modified
    progress = _Progress()
    try:
        try:
            conn.connect()
        except TimeoutError as exc:
            kind = "total" if deadline.expired or deadline.remaining() <= 0 else "connect"
            raise _timeout_error(target, options, kind, exc) from exc
        conn.request("GET", target.request_target, headers=headers)
        # With "Connection: close" the response owns the socket: closing it is what frees it.
        with conn.getresponse() as response:
            return _handle(target, response, options, deadline, progress)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        received = progress.received
        if deadline.expired:
            raise _timeout_error(target, options, "total", exc, received) from exc
        if isinstance(exc, TimeoutError):
            raise _timeout_error(target, options, "read", exc, received) from exc
        raise FetchError(
            Outcome.NETWORK_ERROR,
            f"{_describe(exc)} fetching {target.url}",
            url=target.url,
            bytes_received=received,
        ) from exc
    finally:
        deadline.watch(None)
        conn.close()


def _handle(
    target: _Target,
    response: http.client.HTTPResponse,
    options: FetchOptions,
    deadline: _Deadline,
    progress: "_Progress",
) -> FetchResponse | tuple[int, str]:
    status = response.status
    if status in REDIRECT_STATUSES:
        location = response.getheader("Location", "").strip()
        if not location:
            raise FetchError(
                Outcome.HTTP_ERROR,
                f"HTTP {status} redirect without a Location header from {target.url}",
                url=target.url,
                http_status=status,
            )
        return status, location
    if status == 304:
        return _response(target, response, body=b"")
    if not 200 <= status < 300:
        raise _status_error(target, response)
    body = _read_body(target, response, options, deadline, progress)
    return _response(target, response, body=body)


def _response(target: _Target, response: http.client.HTTPResponse, *, body: bytes) -> FetchResponse:
    return FetchResponse(
        status=response.status,
        url=target.url,
        body=body,
        content_type=response.getheader("Content-Type", ""),
        etag=response.getheader("ETag", ""),
        last_modified=response.getheader("Last-Modified", ""),
        permanent_url=None,
        redirects=[],
    )


def _status_error(target: _Target, response: http.client.HTTPResponse) -> FetchError:
    status = response.status
    message = f"HTTP {status} {response.reason}".rstrip()
    retry_after = None
    if status == 410:
        message = f"{message}: the feed is gone"
    elif status in (429, 503):
        retry_after = parse_retry_after(response.getheader("Retry-After"))
        if retry_after is not None:
            message = f"{message}, retry after {int(retry_after.total_seconds())}s"
    return FetchError(
        Outcome.HTTP_ERROR,
        f"{message} from {target.url}",
        url=target.url,
        http_status=status,
        retry_after=retry_after,
    )


def _timeout_error(
    target: _Target,
    options: FetchOptions,
    kind: str,
    exc: BaseException | None,
    received: int = 0,
) -> FetchError:
    seconds = {
        "connect": options.connect_timeout,
        "read": options.read_timeout,
        "total": options.total_timeout,
    }[kind]
    what = {
        "connect": f"connect timeout: no connection within {seconds:g}s",
        "read": f"read timeout: no data for {seconds:g}s",
        "total": f"total timeout: fetch took longer than {seconds:g}s",
    }[kind]
    return FetchError(
        Outcome.NETWORK_ERROR,
        f"{what} fetching {target.url}",
        url=target.url,
        bytes_received=received,
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate verification failed ({getattr(exc, 'verify_message', '') or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.IncompleteRead):
        return "connection closed mid-body"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- bodies ------------------------------------------------------------------------------------


def _read_body(
    target: _Target,
    response: http.client.HTTPResponse,
    options: FetchOptions,
    deadline: _Deadline,
    progress: "_Progress",
) -> bytes:
    """The decompressed body, capped at ``max_bytes``; counts wire bytes in ``progress``."""
    limit = options.max_bytes
    declared = response.getheader("Content-Length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise FetchError(
            Outcome.TOO_LARGE,
            f"Content-Length {declared} exceeds the {limit}-byte limit for {target.url}",
            url=target.url,
            http_status=response.status,
        )
    encoding = response.getheader("Content-Encoding", "").strip().lower()
    decoder = _Decoder.for_encoding(encoding)
    if decoder is None:
        raise FetchError(
            Outcome.HTTP_ERROR,
            f"unsupported Content-Encoding {encoding!r} from {target.url}",
            url=target.url,
            http_status=response.status,
        )
    body = bytearray()

    def too_large() -> FetchError:
        return FetchError(
            Outcome.TOO_LARGE,
            f"body exceeds the {limit}-byte limit (after decompression) for {target.url}",
            url=target.url,
            http_status=response.status,
            bytes_received=progress.received,
        )

    try:
        # read1 makes at most one socket read, so the size check runs between every read.
        while chunk := response.read1(READ_CHUNK):
            progress.received += len(chunk)
            for piece in decoder.decode(chunk):
                body += piece
                if len(body) > limit:
                    raise too_large()
        body += decoder.finish()
    except zlib.error as exc:
        raise FetchError(
            Outcome.HTTP_ERROR,
            f"malformed {encoding} body ({exc}) from {target.url}",
            url=target.url,
            http_status=response.status,
            bytes_received=progress.received,
        ) from exc
    if len(body) > limit:
        raise too_large()
    if deadline.expired:  # the deadline's shutdown can look like a clean end of body
        raise _timeout_error(target, options, "total", None, progress.received)
    if response.length:  # read1 returns b"" rather than raising when a sized body is cut short
        raise FetchError(
            Outcome.NETWORK_ERROR,
            f"connection closed {response.length} bytes before the end of the body "
            f"fetching {target.url}",
            url=target.url,
            http_status=response.status,
            bytes_received=progress.received,
        )
    return bytes(body)


@dataclass
class _Progress:
    received: int = 0  # body bytes off the wire, before decompression


class _Decoder:
    """Inflates a gzip/deflate body in steps of at most READ_CHUNK bytes of output, so a gzip
    bomb costs one step of memory before the size check stops it."""

    def __init__(self, wbits: int | None) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits) if wbits is not None else None
        self._started = False

    @classmethod
    def for_encoding(cls, encoding: str) -> "_Decoder | None":
        if encoding in ("", "identity"):
            return cls(None)
        if encoding in ("gzip", "x-gzip"):
            return cls(16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return cls(zlib.MAX_WBITS)
        return None

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            yield data
            return
        first, self._started = not self._started, True
        try:
            out = self._inflater.decompress(data, READ_CHUNK)
        except zlib.error:
            # "deflate" should be zlib-wrapped, but some servers send raw deflate.
            if not (first and self._wbits == zlib.MAX_WBITS):
                raise
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflater.decompress(data, READ_CHUNK)
        while True:
            if out:
                yield out
            tail = self._inflater.unconsumed_tail
            if not tail and len(out) < READ_CHUNK:
                return
            out = self._inflater.decompress(tail, READ_CHUNK)

    def finish(self) -> bytes:
        if self._inflater is None or not self._started:
            return b""
        rest = self._inflater.flush()
        if not self._inflater.eof:
            raise zlib.error("compressed stream ended early")
        return rest
