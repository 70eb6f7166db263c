"""Polling feeds end to end against a real local server: entries stored once, 304s, errors and back-off,
failing sources reported while the rest go on, the CLI (`ingest --feed`, `sources`, `watch`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato.feeding import ingest_web, watch
from mercato.settings import Settings
from mercato.stats import RunStats
from mercato.store import Store
from mercato.store import schema as t

try:
    from tests.sources._server import LocalServer, hang, http_date, status, trickle
except ImportError:
    from _server import LocalServer, hang, http_date, status, trickle

REPO = Path(__file__).resolve().parents[2]
MERCATO = str(REPO / ".venv" / "bin" / "mercato")
CORPUS = REPO / "tests" / "data" / "feeds"
SETTINGS = Settings(fetch_timeout_s=2.0, poll_interval_s=600.0)
ALLOW = ["127.0.0.1"]


def page(i: int) -> bytes:
    paras = "".join(f"<p>Paragraph {j}: Mario Rossi{i} is close to joining AC Milan from Juventus for 30 million "
                    f"euros, according to several reports on transfer day {i}.</p>" for j in range(5))
    return f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>{paras}</article></body></html>"\
        .encode()


def rss(srv: LocalServer, ids: range, prefix: str = "/p/") -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{srv.url(f'{prefix}{i}')}</link><guid>g{i}</guid>"
        f"<description>Summary {i}: Rossi{i} close to Milan, talks advanced on the fee.</description>"
        f"<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate></item>" for i in ids)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}</channel></rss>'.encode()


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer() as s:
        for i in range(12):
            s.route(f"/p/{i}", body=page(i))
        yield s


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'feeds.db'}") as s:
        yield s


def run(store: Store, feeds: list[str], urls: list[str] | None = None, **kw) -> RunStats:
    stats = RunStats()
    ingest_web(store, urls=urls or [], feeds=feeds, allow_private=False, stats=stats, understand=False,
               settings=SETTINGS, allow_addresses=ALLOW, **kw)
    return stats


def snapshot(store: Store) -> list:
    with store.engine.connect() as conn:
        return [conn.execute(sa.select(tbl)).all() for tbl in (t.feeds, t.articles, t.article_revisions)]


# -- row 7: conditional GET -----------------------------------------------------------------------------

def test_entries_stored_once_and_304_costs_nothing(srv: LocalServer, store: Store) -> None:
    feed = srv.route("/feed.xml", body=rss(srv, range(5)), ctype="application/rss+xml", etag='"v1"')
    first = run(store, [feed])
    assert first.counts["added"] == 5 and first.counts["pages/fetched"] == 5
    st = store.get_feed(feed)
    assert st and st.etag == '"v1"' and st.entries_added == 5 and st.health() == "ok"
    before, hits = snapshot(store), sum(srv.hits.values())
    second = run(store, [feed])
    assert second.counts["feeds/not-modified"] == 1 and "feeds/parsed" not in second.counts
    assert second.counts["added"] == 0 and not second.errors
    assert sum(srv.hits.values()) == hits + 1  # one request, a 304
    assert srv.requests[-1][1]["if-none-match"] == '"v1"'
    assert snapshot(store) == before  # no writes at all


def test_validators_refreshed_when_either_changes(srv: LocalServer, store: Store) -> None:
    feed = srv.route("/lm.xml", body=rss(srv, range(3)), ctype="application/rss+xml",
                     last_modified=http_date(1_700_000_000))
    run(store, [feed])
    assert store.get_feed(feed).last_modified == http_date(1_700_000_000)
    assert run(store, [feed]).counts["feeds/not-modified"] == 1
    # the feed changes: a new Last-Modified and one new entry; only the new entry's page is fetched
    srv.route("/lm.xml", body=rss(srv, range(4)), ctype="application/rss+xml", last_modified=http_date(1_800_000_000))
    page_hits = sum(v for k, v in srv.hits.items() if k.startswith("/p/"))
    again = run(store, [feed])
    assert again.counts["added"] == 1 and again.counts["entries/known"] == 3
    assert sum(v for k, v in srv.hits.items() if k.startswith("/p/")) == page_hits + 1
    assert store.get_feed(feed).last_modified == http_date(1_800_000_000)
    # a 304 that carries a new ETag refreshes the stored validator
    srv.route("/lm.xml", handler=lambda h: LocalServer._send(h, 304, b"", None, {"ETag": '"new"'}))
    assert run(store, [feed]).counts["feeds/not-modified"] == 1
    assert store.get_feed(feed).etag == '"new"'


def test_validators_not_kept_when_the_run_fails_before_commit(srv: LocalServer, store: Store) -> None:
    feed = srv.route("/f.xml", body=rss(srv, range(3)), ctype="application/rss+xml", etag='"v1"')
    original = store.add_articles

    def broken(batch):
        raise RuntimeError("disk on fire")

    store.add_articles = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        run(store, [feed])
    store.add_articles = original  # type: ignore[method-assign]
    assert store.get_feed(feed).etag is None
    assert run(store, [feed]).counts["added"] == 3  # a full fetch, not a 304 hiding entries


# -- row 8: HTTP errors and back-off ------------------------------------------------------------------------

def test_http_errors_counted_with_back_off(srv: LocalServer, store: Store) -> None:
    good = srv.route("/good.xml", body=rss(srv, range(2)), ctype="application/rss+xml")
    bad = {code: srv.route(f"/{code}.xml", handler=status(code, "120" if code in (429, 503) else None))
           for code in (404, 410, 429, 500, 503)}
    stats = run(store, [*bad.values(), good])
    assert stats.counts["added"] == 2 and stats.counts["rejected"] == 5
    assert stats.reasons["failed/source/HTTPStatusError"] == 5
    assert all(any(u in e for e in stats.errors) for u in bad.values())  # one line each, naming the feed
    now = dt.datetime.now(dt.UTC)
    for code, url in bad.items():
        st = store.get_feed(url)
        assert st.error_count == 1 and st.last_status == code and f"HTTP {code}" in st.last_error
        wait = (dt.datetime.fromisoformat(st.next_poll) - now).total_seconds()
        assert wait >= (600 if code not in (429, 503) else 600) - 5
        assert st.health() == "backing off"
    # honoured: a pass that respects back-off does not touch them
    hits = {u: srv.hits[u.split(str(srv.port))[1]] for u in bad.values()}
    again = run(store, list(bad.values()), respect_backoff=True)
    assert again.counts["feeds/backing-off"] == 5
    assert {u: srv.hits[u.split(str(srv.port))[1]] for u in bad.values()} == hits


def test_retry_after_longer_than_back_off_is_honoured(srv: LocalServer, store: Store) -> None:
    url = srv.route("/busy.xml", handler=status(429, "7200"))
    run(store, [url])
    st = store.get_feed(url)
    wait = (dt.datetime.fromisoformat(st.next_poll) - dt.datetime.now(dt.UTC)).total_seconds()
    assert 7200 - 10 <= wait <= 7200 + 10 and "retry after 7200" in st.last_error
    run(store, [url])  # a second failure doubles the back-off, still at least Retry-After
    st = store.get_feed(url)
    assert st.consecutive_errors == 2 and st.error_count == 2


# -- row 4 (run level): dead sources do not hold up the others ------------------------------------------------

def test_slow_and_dead_sources_fail_in_time_while_the_rest_finish(srv: LocalServer, store: Store) -> None:
    other = LocalServer()  # another host:port, so the per-host limit does not queue the good feed behind them
    slow = other.route("/slow.xml", handler=trickle(0.5))
    dead = other.route("/dead.xml", handler=hang(30))
    good = srv.route("/good.xml", body=rss(srv, range(4)), ctype="application/rss+xml")
    t0 = time.monotonic()
    try:
        stats = run(store, [slow, dead, good], urls=[srv.url("/p/9"), srv.url("/nope")])
    finally:
        other.close()
    took = time.monotonic() - t0
    assert took < SETTINGS.fetch_timeout_s + 3, took
    assert stats.counts["added"] == 5  # 4 entries + 1 page
    assert stats.counts["rejected"] == 3
    assert sum("total deadline" in e for e in stats.errors) == 2


def test_entry_falls_back_to_feed_content_when_page_fails(srv: LocalServer, store: Store) -> None:
    feed = srv.route("/fb.xml", body=rss(srv, range(3), prefix="/missing/"), ctype="application/rss+xml")
    stats = run(store, [feed])
    assert stats.counts["added"] == 3 and stats.counts["pages/fallback"] == 3
    texts = sorted(a.text for a in store.iter_articles())
    assert texts[0].startswith("Summary 0: Rossi0 close to Milan")


def test_malformed_corpus_served_over_http(srv: LocalServer, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    names = sorted(p.name for p in (CORPUS / "malformed").glob("*.xml"))
    feeds = [srv.route(f"/m/{n}", body=(CORPUS / "malformed" / n).read_bytes(), ctype="application/rss+xml")
             for n in names]
    stats = run(store, feeds)
    assert "crashed/extract" not in stats.reasons
    assert not any(r.startswith("crashed") for r in stats.reasons)
    assert stats.counts["feeds/parsed"] + stats.reasons["failed/source/FeedParseError"] == len(names)
    assert stats.counts["added"] > 500
    failing = [st for st in store.list_feeds(feeds) if st.consecutive_errors]
    assert failing and all(st.last_error for st in failing)


# -- the CLI --------------------------------------------------------------------------------------------------

def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "MERCATO_FETCH_TIMEOUT_S": "3", "XDG_CONFIG_HOME": "/nonexistent-mercato-test"}
    return subprocess.run([MERCATO, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_cli_ingest_feed_twice(srv: LocalServer, tmp_path: Path) -> None:
    feed = srv.route("/feed.xml", body=rss(srv, range(5)), ctype="application/rss+xml", etag='"e1"')
    db = str(tmp_path / "cli.db")
    first = cli("ingest", "--feed", feed, "--allow-private", "--db", db, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 5
    feed_hits = srv.hits["/feed.xml"]
    second = cli("ingest", "--feed", feed, "--allow-private", "--db", db, "--json")
    out = json.loads(second.stdout)
    assert second.returncode == 0 and out["added"] == 0 and out["counts"]["feeds/not-modified"] == 1
    assert srv.hits["/feed.xml"] == feed_hits + 1
    listing = json.loads(cli("sources", "--db", db, "--json").stdout)
    mine = [f for f in listing["feeds"] if f["url"] == feed][0]
    assert mine["entries_added"] == 5 and mine["health"] == "ok" and mine["listed"] is False
    assert len(listing["feeds"]) > 20  # the packaged list is shown too


def test_cli_refuses_private_without_flag_and_bad_schemes(srv: LocalServer, tmp_path: Path) -> None:
    feed = srv.route("/feed.xml", body=rss(srv, range(2)), ctype="application/rss+xml")
    res = cli("ingest", "--feed", feed, "file:///etc/passwd", "javascript:alert(1)", "--db",
              str(tmp_path / "x.db"), "--json", "--no-understand")
    assert res.returncode == 1
    out = json.loads(res.stdout)
    assert out["rejected"] == 3 and out["added"] == 0
    assert sum("loopback" in e for e in out["errors"]) == 1 and sum("scheme" in e for e in out["errors"]) == 2
    assert sum(srv.hits.values()) == 0


def test_cli_sources_shows_health_and_errors(srv: LocalServer, tmp_path: Path) -> None:
    bad = srv.route("/gone.xml", handler=status(410))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[feed]]\nurl = "{bad}"\nname = "Gone"\nlang = "it"\n', encoding="utf-8")
    db = str(tmp_path / "s.db")
    res = cli("watch", "--once", "--file", str(sources), "--allow-private", "--db", db, "--no-understand")
    assert res.returncode == 0, res.stderr
    assert "HTTP 410" in res.stderr and bad in res.stderr.replace("\n", "")
    listing = json.loads(cli("sources", "--file", str(sources), "--db", db, "--json").stdout)
    (row,) = listing["feeds"]
    assert row["error_count"] == 1 and row["last_error"] == "HTTP 410" and row["health"] == "backing off"
    table = cli("sources", "--file", str(sources), "--db", db)
    assert "Gone" in table.stdout and "HTTP 410" in table.stdout


def test_cli_sources_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[feed]]\nurl = "ftp://x/y"\n', encoding="utf-8")
    res = cli("sources", "--file", str(bad), "--db", str(tmp_path / "x.db"))
    assert res.returncode == 1 and "bad.toml" in res.stderr and "scheme" in res.stderr


def test_cli_watch_stops_cleanly_on_ctrl_c(srv: LocalServer, tmp_path: Path) -> None:
    feed = srv.route("/w.xml", body=rss(srv, range(3)), ctype="application/rss+xml", etag='"w"')
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[feed]]\nurl = "{feed}"\n', encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": "/nonexistent-mercato-test"}
    proc = subprocess.Popen([MERCATO, "watch", "--interval", "0.5", "--file", str(sources), "--allow-private",
                             "--db", str(tmp_path / "w.db"), "--no-understand"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while srv.hits["/w.xml"] < 2 and time.monotonic() < deadline:  # polled, then polled again (a 304)
            time.sleep(0.1)
        assert srv.hits["/w.xml"] >= 2
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "3 added" in out and "Traceback" not in err


def test_watch_once_in_process(srv: LocalServer, store: Store) -> None:
    from mercato.sources.catalog import FeedSource

    feed = srv.route("/o.xml", body=rss(srv, range(2)), ctype="application/rss+xml")
    seen: list[tuple[list[str], RunStats]] = []
    passes = watch(store, sources=[FeedSource(url=feed, name="Local", lang="en")], interval_s=60, once=True,
                   allow_private=True, understand=False, settings=SETTINGS,
                   on_pass=lambda due, st: seen.append((due, st)))
    assert passes == 1 and seen[0][0] == [feed] and seen[0][1].counts["added"] == 2
    assert store.get_feed(feed).name == "Local"


def test_packaged_sources_list_is_valid() -> None:
    from mercato.sources.catalog import load_sources

    feeds = load_sources(REPO / "mercato" / "data" / "feeds.toml")
    langs = {f.lang for f in feeds}
    assert len(feeds) >= 20 and {"en", "it", "es", "de", "fr", "pt", "el", "tr", "nl"} <= langs
    assert all(f.url.startswith("https://") for f in feeds)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
