"""Atom feeds per club, player, saga and watchlist: valid for feedparser, stable ids, conditional GET over HTTP."""

from __future__ import annotations

import email.utils
from urllib.parse import quote

import feedparser
import httpx
import pytest

from mercato.follow import follow, note_changes
from mercato.follow.atom import NotFound, feed_for
from tests.follow.conftest import fast, set_saga
from tests.interfaces.conftest import LiveServer, settings_for_tests

BASE = "http://127.0.0.1:8000"


def _parse(xml: bytes):
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_every_kind_of_feed_is_valid_with_stable_ids(sagas_store) -> None:
    note_changes(sagas_store, fast())
    saga = sagas_store.get_saga(sagas_store.board_saga_ids(1)[0])
    follow(sagas_store, saga["player"], kind="player", list_name="fans")
    for kind, name in (("saga", saga["id"]), ("club", saga["to_club"]), ("player", saga["player_key"]),
                       ("watchlist", "fans")):
        feed = feed_for(sagas_store, kind, name, base=BASE, self_url=f"{BASE}/feeds/{kind}/x.atom")
        parsed = _parse(feed.xml)
        assert parsed.version == "atom10" and parsed.entries, kind
        assert any(link.rel == "self" for link in parsed.feed.links)
        for e in parsed.entries:
            assert e.id.startswith("tag:") and e.updated_parsed and e.title
            assert any(link.rel == "alternate" and link.href.startswith(BASE + "/sagas/") for link in e.links)
        again = feed_for(sagas_store, kind, name, base=BASE, self_url=f"{BASE}/feeds/{kind}/x.atom")
        assert again.xml == feed.xml and again.etag == feed.etag  # same store, same bytes


def test_a_status_change_becomes_an_entry(sagas_store) -> None:
    note_changes(sagas_store, fast())
    sid = sagas_store.board_saga_ids(1)[0]
    before = feed_for(sagas_store, "saga", sid, base=BASE, self_url=BASE)
    set_saga(sagas_store, sid, status="collapsed")
    note_changes(sagas_store, fast())
    after = feed_for(sagas_store, "saga", sid, base=BASE, self_url=BASE)
    old_ids = {e.id for e in _parse(before.xml).entries}
    new = [e for e in _parse(after.xml).entries if e.id not in old_ids]
    assert len(new) == 1 and "collapsed" in new[0].title and new[0].tags[0].term == "status"
    assert after.etag != before.etag and old_ids <= {e.id for e in _parse(after.xml).entries}


@pytest.mark.parametrize("kind,name", [("saga", "no-such-saga"), ("club", "Nowhere FC"), ("player", "Nobody"),
                                       ("watchlist", "nope"), ("watchlist", "../etc")])
def test_unknown_targets_are_not_found(sagas_store, kind, name) -> None:
    with pytest.raises(NotFound):
        feed_for(sagas_store, kind, name, base=BASE, self_url=BASE)


def test_conditional_get_over_http(sagas_store) -> None:
    club = sagas_store.board_list_clubs()[0]["club"]
    with LiveServer(sagas_store, settings_for_tests()) as srv:
        url = f"{srv.url}/feeds/club/{quote(club, safe='')}.atom"
        r = httpx.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
        parsed = _parse(r.content)
        assert parsed.entries and parsed.feed.links[0].href == url
        etag, modified = r.headers["etag"], r.headers["last-modified"]
        assert email.utils.parsedate_to_datetime(modified)
        r304 = httpx.get(url, headers={"If-None-Match": etag})
        assert r304.status_code == 304 and r304.content == b"" and r304.headers["etag"] == etag
        assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        assert httpx.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
        assert httpx.get(url, headers={"If-Modified-Since": "garbage"}).status_code == 200
        missing = httpx.get(f"{srv.url}/feeds/saga/no-such-saga.atom")
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
