"""A loopback HTTP server for tests, as a pytest plugin (``pytest_plugins`` in tests/conftest.py).

The ``loopback`` fixture serves routes from 127.0.0.1 on a free port for one test::

    def test_fetch(loopback):
        loopback.route("/feed.xml", Response(200, {"Content-Type": "application/rss+xml"}, RSS))
        loopback.route("/old", Response(301, {"Location": loopback.url("/feed.xml")}))
        loopback.route("/short", b"<rss/>")  # bytes: a plain 200
        loopback.route(
            "/conditional",
            lambda request: Response(304)
            if request.headers.get("If-None-Match") == '"v1"'
            else Response(200, {"ETag": '"v1"'}, RSS),
        )
        ...
        assert [r.path for r in loopback.requests] == ["/old", "/feed.xml"]

Routes match the full path with its query first, then the path alone; anything else is a 404.
A ``Response`` can wait before answering (``delay``), send its body one byte at a time
(``drip`` seconds apart), use chunked transfer (``chunked``), or stream an iterable of bytes
(sent until it ends, then the connection closes, unless a Content-Length header says otherwise).
Every response closes its connection. Clients that hang up mid-response are ignored; an exception
raised by a route callable becomes a 500 and fails the test at teardown.
"""

import http.server
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest

DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # bytes, or an iterable of bytes streamed as produced (an iterator is consumed once: use a
    # route callable to build a fresh one per request).
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0  # seconds to wait before sending anything
    drip: float = 0.0  # when set, seconds between single bytes of the body
    chunked: bool = False


@dataclass
class RecordedRequest:
    method: str
    path: str  # as sent, query included
    headers: Message  # case-insensitive: request.headers["user-agent"]
    body: bytes


Route = Response | bytes | Callable[[RecordedRequest], Response]


class LoopbackServer:
    """Serves registered routes on 127.0.0.1 from a daemon thread; see the module docstring."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def route(self, path: str, response: Route) -> None:
        self.routes["/" + path.lstrip("/")] = response

    def requests_to(self, path: str) -> list[RecordedRequest]:
        path = "/" + path.lstrip("/")
        return [r for r in self.requests if r.path.partition("?")[0] == path or r.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()  # ends delays and drips still in progress
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def respond_to(self, request: RecordedRequest) -> Response:
        route = self.routes.get(request.path, self.routes.get(request.path.partition("?")[0]))
        if route is None:
            return Response(404, {"Content-Type": "text/plain"}, b"no route")
        if isinstance(route, bytes):
            return Response(body=route)
        if isinstance(route, Response):
            return route
        return route(request)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # dripping handlers must not hold up teardown

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the FQDN of 127.0.0.1, which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], DISCONNECTS):
            super().handle_error(request, client_address)


def _handler_for(server: LoopbackServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # a client that connects and says nothing does not pin a thread forever

        def do_GET(self) -> None:
            self._serve()

        do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                self.command, self.path, self.headers, self.rfile.read(length) if length else b""
            )
            server.requests.append(request)
            self.close_connection = True
            try:
                response = server.respond_to(request)
            except Exception as exc:
                server.errors.append(exc)
                response = Response(500, {"Content-Type": "text/plain"}, repr(exc).encode())
            try:
                self._send(response)
            except DISCONNECTS:
                pass  # the client hung up, as clients under test often do on purpose

        def _send(self, response: Response) -> None:
            if response.delay and server.stopping.wait(response.delay):
                return
            headers = {name.lower(): (name, value) for name, value in response.headers.items()}
            body = response.body
            bodiless = response.status in (204, 304) or 100 <= response.status < 200
            if response.chunked:
                headers.setdefault("transfer-encoding", ("Transfer-Encoding", "chunked"))
            elif isinstance(body, bytes) and not bodiless:
                headers.setdefault("content-length", ("Content-Length", str(len(body))))
            headers.setdefault("connection", ("Connection", "close"))
            self.send_response(response.status)
            for name, value in headers.values():
                self.send_header(name, value)
            self.end_headers()
            if bodiless or self.command == "HEAD":
                return
            for piece in _pieces(body, single_bytes=bool(response.drip)):
                if response.drip and server.stopping.wait(response.drip):
                    return
                if response.chunked:
                    piece = b"%x\r\n%s\r\n" % (len(piece), piece)
                self.wfile.write(piece)
            if response.chunked:
                self.wfile.write(b"0\r\n\r\n")

    return Handler


def _pieces(body: bytes | Iterable[bytes], *, single_bytes: bool) -> Iterator[bytes]:
    for part in [body] if isinstance(body, bytes) else body:
        if single_bytes:
            yield from (part[i : i + 1] for i in range(len(part)))
        elif part:
            yield part


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A LoopbackServer on 127.0.0.1, started for the test and stopped after it."""
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
    if server.errors:
        raise server.errors[0]
