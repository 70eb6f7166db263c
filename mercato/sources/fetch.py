"""Fetching one URL politely and defensively (httpx).

A fetch has one total deadline (DNS, connect, headers and body together, however slowly the server
trickles), a body cap counted after decompression (gzip and deflate are decoded here, in bounded steps, so a
gzip bomb stops at the cap), a redirect limit with loop detection, a content-type check, and charset
handling. Redirects are followed by hand: every hop's scheme is checked before any I/O and every hop's host
is resolved, checked and connected to by address inside the connection backend, so a redirect or a DNS
answer cannot lead to a private, loopback or link-local address unless ``allow_private`` is set. Requests
carry Mercato's User-Agent and each host gets at most ``per_host_concurrency`` requests at a time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import email.utils
import logging
import re
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from mercato.errors import BlockedAddress, BodyTooLarge, FetchError
from mercato.settings import Settings, load_settings
from mercato.sources._encoding import decode_bytes
from mercato.sources.addresses import Network, check_url, checked_addresses, parse_networks

log = logging.getLogger(__name__)

__all__ = ["Fetched", "Fetcher", "HTTPStatusError", "PAGE_TYPES", "FEED_TYPES", "guarded_transport"]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "application/x-atom+xml", "application/feed+xml", "text/rss+xml", "text/atom+xml",
    "text/html", "text/plain", "application/octet-stream", "application/x-netcdf", "binary/octet-stream",
})
REDIRECTS = (301, 302, 303, 307, 308)
MAX_RETRY_AFTER_S = 7 * 24 * 3600
_CHUNK = 64 * 1024

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("mercato_fetch_deadline", default=None)


class HTTPStatusError(FetchError):
    """The server answered with an error status; ``retry_after`` in seconds when it said so."""

    code = "http-status"

    def __init__(self, status: int, *, where: str, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        extra = f"; retry after {retry_after:.0f} s" if retry_after is not None else ""
        super().__init__(f"HTTP {status}{extra}", where=where)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    """What one fetch returned: the final URL, status, validators and the decoded body bytes."""

    url: str
    final_url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes = b""
    redirects: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: the declared charset, else a ``<meta>`` charset, else UTF-8 / Windows-1252."""
        for name in (self.charset, _meta_charset(self.body)):
            decoded = _try_decode(self.body, name)
            if decoded is not None:
                return decoded
        return decode_bytes(self.body)


_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def _meta_charset(body: bytes) -> str | None:
    m = _META.search(body[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def _try_decode(body: bytes, name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        name = "cp1252"  # what browsers do, and what such pages usually are
    try:
        text = body.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None
    return text.removeprefix("\ufeff")


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), capped at a week."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_S))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, min((when - now).total_seconds(), MAX_RETRY_AFTER_S))


# -- the connection backend: resolve, check, connect by address, enforce the total deadline --------------

def _remaining(timeout: float | None) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("total deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write stops at the fetch's total deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses it has resolved and checked itself (no DNS rebinding window)."""

    def __init__(self, allow_private: bool, allowed: tuple[Network, ...] = ()) -> None:
        self.allow_private = allow_private
        self.allowed = allowed
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addrs = checked_addresses(host, port, allow_private=self.allow_private, timeout=_remaining(timeout),
                                  allowed=self.allowed)
        last: Exception | None = None
        for ip in addrs:
            try:
                stream = self._inner.connect_tcp(str(ip), port, _remaining(timeout), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses the guarded backend; proxies never used."""

    def __init__(self, allow_private: bool, allowed: tuple[Network, ...] = (), max_connections: int = 32) -> None:
        super().__init__(trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private, allowed),
        )


def guarded_transport(allow_private: bool, allow_addresses: Iterable[str] = ()) -> httpx.HTTPTransport:
    """A transport that connects only to addresses the SSRF policy allows (for other outgoing requests)."""
    return _GuardedTransport(allow_private, parse_networks(allow_addresses))


# -- bounded decoding of the body --------------------------------------------------------------------------

def _decoder(encoding: str, where: str) -> Any:
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if enc == "deflate":
        return "deflate"  # zlib or raw deflate: decided on the first bytes
    raise FetchError(f"unsupported content-encoding {encoding!r}; allowed: gzip, deflate, identity", where=where)


def _read_body(resp: httpx.Response, limit: int, where: str) -> bytes:
    """The body, decompressed in bounded steps; BodyTooLarge as soon as it passes ``limit`` bytes."""
    declared = resp.headers.get("content-length", "")
    enc = resp.headers.get("content-encoding", "")
    if declared.isdigit() and int(declared) > limit and not enc:
        raise BodyTooLarge(f"body of {int(declared)} bytes is over the limit of {limit} bytes", where=where)
    dec = _decoder(enc, where)
    parts: list[bytes] = []
    total = 0

    def add(data: bytes) -> None:
        nonlocal total
        total += len(data)
        if total > limit:
            raise BodyTooLarge(f"body over the limit of {limit} bytes (after decompression)", where=where)
        parts.append(data)

    for chunk in resp.iter_raw(_CHUNK):
        if _deadline.get() is not None and time.monotonic() > (_deadline.get() or 0):
            raise httpcore.ReadTimeout("total deadline exceeded")
        if dec is None:
            add(chunk)
            continue
        if dec == "deflate":
            dec = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        data = chunk
        try:
            while data and not dec.eof:
                add(dec.decompress(data, limit - total + 1))
                data = dec.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(f"corrupt {enc} body ({exc})", where=where) from None
        if dec.eof:
            break
    if dec is not None and not isinstance(dec, str):
        try:
            add(dec.flush())
        except zlib.error as exc:
            raise FetchError(f"corrupt {enc} body ({exc})", where=where) from None
    return b"".join(parts)


def _media_type(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    main, _, params = value.partition(";")
    charset = None
    for p in params.split(";"):
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip("\"'") or None
    return main.strip().lower(), charset


# -- the fetcher ---------------------------------------------------------------------------------------------

class Fetcher:
    """Fetches URLs with the limits of the settings; thread-safe, one per run. Use as a context manager."""

    def __init__(self, settings: Settings | None = None, *, allow_private: bool | None = None,
                 timeout_s: float | None = None, max_bytes: int | None = None,
                 allow_addresses: Iterable[str] = ()) -> None:
        """``allow_addresses``: internal addresses or networks that may be fetched even without allow_private."""
        s = settings or load_settings()
        self.allow_private = s.allow_private if allow_private is None else allow_private
        self.timeout_s = timeout_s or s.fetch_timeout_s
        self.max_bytes = max_bytes or s.fetch_max_bytes
        self.max_redirects = s.fetch_max_redirects
        self.per_host = max(1, s.per_host_concurrency)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.client = httpx.Client(
            transport=_GuardedTransport(self.allow_private, parse_networks(allow_addresses)),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    @contextlib.contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        left = (_deadline.get() or time.monotonic() + self.timeout_s) - time.monotonic()
        if not sem.acquire(timeout=max(0.0, left)):
            raise FetchError(f"timed out waiting for a free connection to {host} "
                             f"(total deadline {self.timeout_s:g} s)", where=host)
        try:
            yield
        finally:
            sem.release()

    def fetch(self, url: str, *, kind: str = "page", etag: str | None = None,
              last_modified: str | None = None) -> Fetched:
        """GET ``url`` (following redirects by hand); a 304 is returned, other non-2xx raise HTTPStatusError.

        ``kind`` is ``"page"`` or ``"feed"`` and decides which content types are accepted.
        """
        check_url(url)  # scheme refused before any I/O
        start = time.monotonic()
        token = _deadline.set(start + self.timeout_s)
        try:
            return self._follow(url, kind, etag, last_modified, start)
        except httpx.TimeoutException:
            raise FetchError(f"timed out (total deadline {self.timeout_s:g} s)", where=url) from None
        except httpcore.TimeoutException:
            raise FetchError(f"timed out (total deadline {self.timeout_s:g} s)", where=url) from None
        except BlockedAddress as exc:
            if exc.where == url:
                raise
            raise BlockedAddress(f"{exc.where}: {exc.reason}" if exc.where else exc.reason, where=url) from None
        except (httpx.TransportError, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise FetchError(f"connection failed ({type(exc).__name__}: {exc or 'no detail'})", where=url) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP failure ({type(exc).__name__}: {exc})", where=url) from None
        finally:
            _deadline.reset(token)

    def _follow(self, url: str, kind: str, etag: str | None, last_modified: str | None, start: float) -> Fetched:
        hops: list[str] = []
        current = url
        seen = {url}
        accepted = PAGE_TYPES if kind == "page" else FEED_TYPES
        while True:
            _, host, port = check_url(current)
            headers = {"Accept": "text/html,application/xhtml+xml,text/plain;q=0.8" if kind == "page" else
                       "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.1"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            left = start + self.timeout_s - time.monotonic()
            if left <= 0:
                raise httpcore.ReadTimeout("total deadline exceeded")
            with self._host_slot(f"{host}:{port}"), self.client.stream(
                "GET", current, headers=headers, timeout=httpx.Timeout(left)
            ) as resp:
                status = resp.status_code
                if status in REDIRECTS:
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location", where=url)
                    nxt = urljoin(current, location.strip())
                    hops.append(nxt)
                    if len(hops) > self.max_redirects:
                        raise FetchError(f"too many redirects (limit {self.max_redirects})", where=url)
                    if nxt in seen:
                        raise FetchError(f"redirect loop at {nxt}", where=url)
                    seen.add(nxt)
                    try:
                        check_url(nxt)
                    except FetchError as exc:
                        raise type(exc)(f"redirect to {nxt} refused: {exc.reason}", where=url) from None
                    log.debug("%s redirects to %s", current, nxt)
                    current = nxt
                    continue
                ctype, charset = _media_type(resp.headers.get("content-type", ""))
                common: dict[str, Any] = dict(
                    url=url, final_url=current, status=status, content_type=ctype, charset=charset,
                    etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                    redirects=tuple(hops),
                    headers={k: resp.headers[k] for k in ("content-location", "content-language")
                             if k in resp.headers},
                )
                if status == 304:
                    if not (etag or last_modified):
                        raise FetchError("HTTP 304 to a request that had no validators", where=url)
                    return Fetched(**common, elapsed_s=time.monotonic() - start)
                if status >= 400 or status < 200 or status >= 300:
                    raise HTTPStatusError(status, where=url,
                                          retry_after=parse_retry_after(resp.headers.get("retry-after")))
                if ctype and ctype not in accepted:
                    raise FetchError(f"unsupported content type {ctype!r} for a {kind}; allowed: "
                                     f"{', '.join(sorted(accepted))}", where=url)
                body = _read_body(resp, self.max_bytes, url)
                return Fetched(**common, body=body, elapsed_s=time.monotonic() - start)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
