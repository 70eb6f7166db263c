"""Feed parsing: the malformed corpus (row 1) and XML bombs / external entities (row 2)."""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mercato.errors import FeedParseError
from mercato.sources.feeds import parse_feed
from mercato.stats import RunStats
from mercato.store import Store

try:
    from tests.sources._server import LocalServer
except ImportError:
    from _server import LocalServer

CORPUS = Path(__file__).resolve().parent.parent / "data" / "feeds"
EXPECTED: dict[str, int] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


@pytest.fixture
def canary() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


def test_corpus_is_big_enough() -> None:
    files = sorted((CORPUS / "malformed").glob("*.xml"))
    assert len(files) >= 100 and {f.name for f in files} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_feed_recovers_or_fails_with_a_reason(name: str, caplog: pytest.LogCaptureFixture) -> None:
    data = (CORPUS / "malformed" / name).read_bytes()
    url = f"http://127.0.0.1:1/{name}"
    caplog.set_level(logging.WARNING, logger="mercato.sources.feeds")
    t = time.monotonic()
    try:
        parsed = parse_feed(data, url=url, content_type="application/rss+xml")
    except FeedParseError as exc:
        assert url in str(exc) and exc.reason
        assert EXPECTED[name] == 0, f"{name}: expected {EXPECTED[name]} entries, got an error: {exc}"
    else:
        assert len(parsed.entries) >= EXPECTED[name], (name, len(parsed.entries), parsed.problem)
        if parsed.problem:  # logged with the source and the reason
            assert any(url in r.getMessage() and "malformed" in r.getMessage() for r in caplog.records)
        for e in parsed.entries:
            assert e.link is None or e.link.startswith(("http://", "https://"))
    assert time.monotonic() - t < 5


def test_mismatched_tag_does_not_drop_later_entries() -> None:
    parsed = parse_feed((CORPUS / "malformed" / "mismatched_item_0.xml").read_bytes(), url="http://x.test/f")
    links = {e.link for e in parsed.entries}
    assert {f"http://127.0.0.1:1/p/{i}" for i in (1, 2, 3, 4)} <= links
    assert parsed.problem


# -- row 2: XML bombs and external entities ------------------------------------------------------------------

def billion_laughs(levels: int = 10) -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels)
    ]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(ents) + "\n]>\n"
            f'<rss version="2.0"><channel><title>&lol{levels - 1};</title><item><title>&lol{levels - 1};</title>'
            "<link>http://127.0.0.1:1/x</link><description>&lol9;</description></item></channel></rss>").encode()


def quadratic(size: int = 100_000, refs: int = 20_000) -> bytes:
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "a" * size + '">]>\n'
            '<rss version="2.0"><channel><item><title>t</title><description>' + "&a;" * refs
            + "</description></item></channel></rss>").encode()


def xxe(system_id: str) -> bytes:
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "' + system_id + '">]>\n'
            '<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><link>http://127.0.0.1:1/x</link>'
            "<description>Leak: &xxe;</description></item></channel></rss>").encode()


def param_entity(system_id: str) -> bytes:
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % p SYSTEM "' + system_id + '"> %p;]>\n'
            '<rss version="2.0"><channel><item><title>x</title><description>y</description></item></channel></rss>'
            ).encode()


def external_dtd(system_id: str) -> bytes:
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "' + system_id + '">\n'
            '<rss version="2.0"><channel><item><title>&ext;</title><link>http://127.0.0.1:1/e</link>'
            "<description>External DTD test body</description></item></channel></rss>").encode()


def _bombs(canary_url: str, secret: Path) -> dict[str, bytes]:
    return {
        "billion-laughs": billion_laughs(),
        "billion-laughs-utf16": billion_laughs().decode().replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>'
                                                                   ).encode("utf-16"),
        "quadratic": quadratic(),
        "xxe-file": xxe(secret.as_uri()),
        "xxe-canary": xxe(canary_url + "/xxe"),
        "param-entity-canary": param_entity(canary_url + "/pe"),
        "external-dtd-canary": external_dtd(canary_url + "/dtd"),
    }


def test_bombs_and_external_entities_are_inert(tmp_path: Path, canary: LocalServer) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, data in _bombs(canary.url(""), secret).items():
        t = time.monotonic()
        try:
            parsed = parse_feed(data, url=f"http://127.0.0.1:1/{name}")
        except FeedParseError as exc:
            assert name != "external-dtd-canary", exc
            assert "entity" in exc.reason
        else:
            assert name == "external-dtd-canary"
            assert "TOPSECRET" not in repr(parsed)
        assert time.monotonic() - t < 5, name
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024
    assert sum(canary.hits.values()) == 0, canary.hits


def test_bombs_through_the_whole_run_store_nothing_of_the_file(tmp_path: Path, srv: LocalServer,
                                                               canary: LocalServer) -> None:
    from mercato.feeding import ingest_web

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a", encoding="utf-8")
    feeds = []
    for name, data in _bombs(canary.url(""), secret).items():
        feeds.append(srv.route(f"/{name}.xml", body=data, ctype="application/rss+xml"))
    # a page (HTML) carrying the same tricks
    srv.route("/page.html", body=b'<!DOCTYPE html [<!ENTITY x SYSTEM "' + canary.url("/page").encode()
              + b'">]><html><body><p>&x; ' + b"Rossi joins Milan. " * 30 + b"</p></body></html>")
    stats = RunStats()
    t = time.monotonic()
    with Store.open(f"sqlite:///{tmp_path / 'x.db'}") as store:
        ingest_web(store, urls=[srv.url("/page.html")], feeds=feeds, allow_private=False, stats=stats,
                   understand=False, allow_addresses=["127.0.0.1"])
        texts = [a.text + (a.title or "") for a in store.iter_articles()]
    assert time.monotonic() - t < 15
    assert sum(canary.hits.values()) == 0, canary.hits
    assert not any("TOPSECRET" in x for x in texts)
    assert stats.reasons["failed/source/FeedParseError"] == 6
