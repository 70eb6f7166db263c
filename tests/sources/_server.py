"""A real threaded HTTP server on 127.0.0.1 for tests: routes to handlers, hit counts per path.

    with LocalServer() as srv:
        srv.route("/feed.xml", body=b"<rss…>", ctype="application/rss+xml", etag='"v1"')
        srv.route("/slow", handler=lambda h: …)      # full control over the raw socket
        srv.url("/feed.xml"); srv.hits["/feed.xml"]

Every request is recorded (path and headers) so tests can assert what reached the server, e.g. that a
canary received nothing. Handlers run in their own threads; ``close()`` stops the server without waiting
for handlers that never answer.
"""

from __future__ import annotations

import collections
import email.utils
import gzip
import http.server
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    handler: Handler | None = None


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients hanging up is expected
        pass


class LocalServer:
    """A test HTTP server bound to 127.0.0.1 on a free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.hits: collections.Counter[str] = collections.Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.active = 0
        self.max_active: collections.Counter[str] = collections.Counter()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer._serve(self)

        self.httpd = _Server((host, 0), H)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    # -- configuration --
    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, **kw: Any) -> str:
        self.routes[path] = Route(**kw)
        return self.url(path)

    # -- serving --
    def _serve(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, {k.lower(): v for k, v in h.headers.items()}))
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is None:
            self._send(h, 404, b"not found", "text/plain")
            return
        if route.handler:
            route.handler(h)
            return
        if route.etag and h.headers.get("If-None-Match") == route.etag:
            self._send(h, 304, b"", None, {"ETag": route.etag})
            return
        if (route.last_modified and not route.etag
                and h.headers.get("If-Modified-Since") == route.last_modified):
            self._send(h, 304, b"", None, {"Last-Modified": route.last_modified})
            return
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        self._send(h, route.status, route.body, route.ctype, headers)

    @staticmethod
    def _send(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None,
              headers: dict[str, str] | None = None) -> None:
        try:
            h.send_response(status)
            if ctype:
                h.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            if status != 304:
                h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if status != 304 and body:
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# -- hostile handlers ---------------------------------------------------------------------------------------

def trickle(delay: float = 1.0, total: int = 10_000) -> Handler:
    """Send headers and body one byte every ``delay`` seconds (a slowloris server)."""
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        payload = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % total) + b"x" * total
        try:
            for i in range(len(payload)):
                h.wfile.write(payload[i:i + 1])
                h.wfile.flush()
                time.sleep(delay)
        except OSError:
            pass
    return handle


def hang(seconds: float = 30.0) -> Handler:
    """Accept and never reply (until ``seconds`` pass)."""
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
    return handle


def endless(chunk: bytes = b"<p>" + b"a" * 65536 + b"</p>") -> Handler:
    """A chunked body that never ends."""
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        try:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            for _ in range(100_000):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
    return handle


def gzip_bomb(size: int = 1024 * 1024 * 1024, ctype: str = "text/html") -> tuple[bytes, Handler]:
    """A gzip body that inflates to ``size`` bytes of zeros (about 1 MB on the wire for 1 GiB)."""
    buf = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    # concatenated gzip members inflate to the sum; repeat the 16 MiB member
    body = buf * max(1, size // (16 * 1024 * 1024))

    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        try:
            h.send_response(200)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        except OSError:
            pass
    return body, handle


def redirect(location: str, status: int = 302) -> Handler:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        LocalServer._send(h, status, b"", "text/plain", {"Location": location})
    return handle


def status(code: int, retry_after: str | None = None) -> Handler:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        LocalServer._send(h, code, b"error", "text/plain", {"Retry-After": retry_after} if retry_after else {})
    return handle


def http_date(ts: float | None = None) -> str:
    return email.utils.formatdate(ts if ts is not None else time.time(), usegmt=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
