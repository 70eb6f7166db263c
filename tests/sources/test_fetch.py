"""Fetching against real servers on 127.0.0.1: limits, deadlines, redirects, SSRF, schemes (rows 3–6)."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from mercato.errors import BlockedAddress, BodyTooLarge, FetchError
from mercato.settings import Settings
from mercato.sources.addresses import blocked_reason, check_url, checked_addresses, parse_ip
from mercato.sources.fetch import Fetcher, HTTPStatusError, parse_retry_after

try:
    from tests.sources._server import LocalServer, endless, gzip_bomb, hang, redirect, status, trickle
except ImportError:  # tests/ is not a package: the directory itself is on sys.path
    from _server import LocalServer, endless, gzip_bomb, hang, redirect, status, trickle

SETTINGS = Settings(fetch_timeout_s=2.0, fetch_max_redirects=5)
ALLOW = ["127.0.0.1"]  # the tests' server; every other internal address stays refused


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


@pytest.fixture
def target() -> Iterator[LocalServer]:
    """A second server on another loopback address, which must never be reached."""
    try:
        s = LocalServer("127.0.0.2")
    except OSError:
        pytest.skip("cannot bind 127.0.0.2")
    with s:
        s.route("/secret", body=b"internal")
        yield s


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(SETTINGS, allow_private=False, allow_addresses=ALLOW) as f:
        yield f


def test_plain_page_with_user_agent_and_charset(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/p", body="<html><body><p>Olá, café</p></body></html>".encode("latin-1"),
              ctype="text/html; charset=iso-8859-1")
    got = fetcher.fetch(srv.url("/p"))
    assert got.status == 200 and "Olá, café" in got.text()
    assert "Mercato" in srv.requests[-1][1]["user-agent"]


def test_meta_charset_and_mislabelled_bodies(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/meta", body='<html><head><meta charset="windows-1252"></head><p>“Deal”</p></html>'.encode("cp1252"),
              ctype="text/html")
    srv.route("/lie", body="<p>Müller</p>".encode("latin-1"), ctype="text/html; charset=utf-8")
    assert "“Deal”" in fetcher.fetch(srv.url("/meta")).text()
    assert "Müller" in fetcher.fetch(srv.url("/lie")).text()


def test_gzip_and_deflate_bodies_are_decoded(srv: LocalServer, fetcher: Fetcher) -> None:
    import zlib

    body = b"<p>" + b"transfer " * 1000 + b"</p>"
    srv.route("/gz", body=gzip.compress(body), headers={"Content-Encoding": "gzip"})
    srv.route("/df", body=zlib.compress(body), headers={"Content-Encoding": "deflate"})
    srv.route("/br", body=b"xx", headers={"Content-Encoding": "br"})
    assert fetcher.fetch(srv.url("/gz")).body == body
    assert fetcher.fetch(srv.url("/df")).body == body
    with pytest.raises(FetchError, match="content-encoding"):
        fetcher.fetch(srv.url("/br"))


def test_content_type_is_checked(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/img", body=b"\x89PNG", ctype="image/png")
    with pytest.raises(FetchError, match=r"unsupported content type 'image/png'") as e:
        fetcher.fetch(srv.url("/img"))
    assert srv.url("/img") in str(e.value)


# -- row 3: huge or endless bodies ------------------------------------------------------------------------

def test_declared_huge_body_refused_at_the_cap(srv: LocalServer) -> None:
    srv.route("/big", body=b"a" * (3 * 1024 * 1024))
    with Fetcher(SETTINGS, allow_addresses=ALLOW, max_bytes=1024 * 1024) as f, pytest.raises(BodyTooLarge) as e:
        f.fetch(srv.url("/big"))
    assert srv.url("/big") in str(e.value) and str(1024 * 1024) in str(e.value)


def test_50mb_body_and_endless_stream_stop_at_the_cap(srv: LocalServer) -> None:
    def fifty(h) -> None:  # 50 MB without a Content-Length (close-delimited)
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            for _ in range(50):
                h.wfile.write(b"b" * 1024 * 1024)
        except OSError:
            pass
        h.close_connection = True

    srv.route("/fifty", handler=fifty)
    srv.route("/endless", handler=endless())
    with Fetcher(SETTINGS, allow_addresses=ALLOW) as f:
        for path in ("/fifty", "/endless"):
            t = time.monotonic()
            with pytest.raises(BodyTooLarge) as e:
                f.fetch(srv.url(path))
            assert str(SETTINGS.fetch_max_bytes) in str(e.value) and srv.url(path) in str(e.value)
            assert time.monotonic() - t < SETTINGS.fetch_timeout_s + 1


def test_gzip_bomb_counted_after_decompression_with_bounded_memory(srv: LocalServer) -> None:
    wire, handler = gzip_bomb(1024 * 1024 * 1024)  # 1 GiB inflated
    assert len(wire) < 2 * 1024 * 1024
    srv.route("/bomb", handler=handler)
    tracemalloc.start()
    try:
        with Fetcher(SETTINGS, allow_addresses=ALLOW) as f, pytest.raises(BodyTooLarge) as e:
            f.fetch(srv.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "after decompression" in str(e.value) and str(SETTINGS.fetch_max_bytes) in str(e.value)
    assert peak < 100 * 1024 * 1024, peak


# -- row 4: slow or dead servers ----------------------------------------------------------------------------

@pytest.mark.parametrize("handler", [trickle(0.25), hang(20)], ids=["trickle", "never-replies"])
def test_slow_servers_fail_within_the_total_deadline(srv: LocalServer, fetcher: Fetcher, handler) -> None:
    srv.route("/slow", handler=handler)
    t = time.monotonic()
    with pytest.raises(FetchError, match="total deadline") as e:
        fetcher.fetch(srv.url("/slow"))
    took = time.monotonic() - t
    assert SETTINGS.fetch_timeout_s - 0.2 <= took < SETTINGS.fetch_timeout_s + 1.0, took
    assert srv.url("/slow") in str(e.value)


def test_per_host_concurrency_is_limited(srv: LocalServer) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow(h) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        LocalServer._send(h, 200, b"<p>ok</p>", "text/html")

    srv.route("/c", handler=slow)
    s = SETTINGS.replace(per_host_concurrency=2)
    with Fetcher(s, allow_addresses=ALLOW) as f:
        threads = [threading.Thread(target=f.fetch, args=(srv.url("/c"),)) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert srv.hits["/c"] == 8 and peak == 2


# -- row 5: redirects and SSRF ------------------------------------------------------------------------------

def test_redirects_followed_up_to_the_limit(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/end", body=b"<p>end</p>")
    for i in range(8):
        srv.route(f"/hop{i}", handler=redirect(f"/hop{i + 1}" if i < 7 else "/end"))
    srv.route("/loop", handler=redirect("/loop2"))
    srv.route("/loop2", handler=redirect("/loop"))
    assert fetcher.fetch(srv.url("/hop4")).final_url == srv.url("/end")  # 4 hops
    with pytest.raises(FetchError, match=r"too many redirects \(limit 5\)"):
        fetcher.fetch(srv.url("/hop0"))
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(srv.url("/loop"))


@pytest.mark.parametrize("where", [
    "http://127.0.0.2:{port}/secret",
    "http://[::ffff:127.0.0.2]:{port}/secret",
    "http://2130706434:{port}/secret",
    "http://0x7f000002:{port}/secret",
    "http://127.2:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::127.0.0.2]:{port}/secret",
    "http://0.0.0.0:{port}/secret",
])
def test_redirect_into_private_addresses_refused(srv: LocalServer, target: LocalServer, fetcher: Fetcher,
                                                 where: str) -> None:
    srv.route("/go", handler=redirect(where.format(port=target.port)))
    srv.route("/chain", handler=redirect("/go", 301))
    with pytest.raises(BlockedAddress) as e:
        fetcher.fetch(srv.url("/chain"))
    assert srv.url("/chain") in str(e.value)
    assert target.hits["/secret"] == 0 and srv.hits["/go"] == 1


def test_private_targets_refused_directly_unless_allowed(target: LocalServer) -> None:
    with Fetcher(SETTINGS) as f, pytest.raises(BlockedAddress, match="loopback"):
        f.fetch(target.url("/secret"))
    assert target.hits["/secret"] == 0
    with Fetcher(SETTINGS, allow_private=True) as f:
        assert f.fetch(target.url("/secret")).body == b"internal"
    assert target.hits["/secret"] == 1


@pytest.mark.parametrize("host", ["::ffff:127.0.0.1", "::127.0.0.1", "2130706433", "0.0.0.0", "169.254.169.254",
                                  "10.1.2.3", "192.168.0.1", "172.16.0.1", "100.64.0.1", "fe80::1", "fc00::1",
                                  "::1", "224.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "017700000001",
                                  "localhost"])
def test_internal_addresses_are_blocked(host: str) -> None:
    with pytest.raises(BlockedAddress):
        checked_addresses(host, 80, allow_private=False)


def test_public_addresses_pass() -> None:
    for host in ("8.8.8.8", "2001:4860:4860::8888", "151.101.1.1"):
        ip = parse_ip(host)
        assert ip is not None and blocked_reason(ip) is None


# -- row 6: schemes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1:{port}/x", "data:text/html,<p>x</p>",
                                 "javascript:alert(1)", "gopher://127.0.0.1:{port}/", "//127.0.0.1:{port}/x",
                                 "127.0.0.1:{port}/x", "dict://127.0.0.1:{port}/"])
def test_bad_schemes_refused_before_any_io(srv: LocalServer, fetcher: Fetcher, url: str) -> None:
    url = url.format(port=srv.port)
    t = time.monotonic()
    with pytest.raises(FetchError, match="scheme"):
        fetcher.fetch(url)
    assert time.monotonic() - t < 0.5
    assert sum(srv.hits.values()) == 0
    with pytest.raises(FetchError):
        check_url(url)


def test_redirect_to_file_scheme_refused(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/f", handler=redirect("file:///etc/passwd"))
    with pytest.raises(BlockedAddress, match="scheme 'file' refused"):
        fetcher.fetch(srv.url("/f"))


# -- statuses and validators (rows 7, 8 at the fetch level) ------------------------------------------------

def test_statuses_and_retry_after(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/429", handler=status(429, "120"))
    srv.route("/503", handler=status(503, "Wed, 21 Oct 2099 07:28:00 GMT"))
    srv.route("/410", handler=status(410))
    with pytest.raises(HTTPStatusError) as e:
        fetcher.fetch(srv.url("/429"))
    assert e.value.status == 429 and e.value.retry_after == 120
    with pytest.raises(HTTPStatusError) as e:
        fetcher.fetch(srv.url("/503"))
    assert e.value.status == 503 and e.value.retry_after == 7 * 24 * 3600  # capped
    with pytest.raises(HTTPStatusError, match="HTTP 410"):
        fetcher.fetch(srv.url("/410"))
    assert parse_retry_after("soon") is None


def test_conditional_get_returns_304(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.route("/feed", body=b"<rss/>", ctype="application/rss+xml", etag='"v1"')
    first = fetcher.fetch(srv.url("/feed"), kind="feed")
    assert first.etag == '"v1"' and not first.not_modified
    again = fetcher.fetch(srv.url("/feed"), kind="feed", etag=first.etag)
    assert again.not_modified and again.body == b""
    assert srv.requests[-1][1]["if-none-match"] == '"v1"'
