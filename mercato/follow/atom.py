"""Atom feeds (RFC 4287) of saga updates: per club, player, saga and watchlist.

Entries are the sagas' reports (an article that joined the saga, dated when Mercato first saw it) and the
changes noted at the end of each run (a new saga, a status change, a likelihood move; :mod:`.changes`). Every
entry id is a ``tag:`` URI made of the saga id and the article key or change number, so it never changes; the
feed's ``updated`` is its newest entry's. The document is a function of the store: the same store gives the same
bytes (and so the same ETag).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from mercato.errors import FollowError
from mercato.follow.watchlists import check_list_name, watchlist_saga_ids
from mercato.store.understanding import player_key

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:mercato.football,2025:"
MAX_ENTRIES = 100
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """One rendered feed: the XML, its newest entry's time and a strong validator."""

    xml: bytes
    updated: dt.datetime
    etag: str
    entries: int


class NotFound(FollowError):
    """The club, player, saga or watchlist of a feed is unknown."""

    code = "not-found"


def _text(value: Any) -> str:
    return _BAD_XML.sub("", str(value if value is not None else ""))


def _when(value: str | None) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return EPOCH
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _pct(x: float | None) -> str:
    return "?" if x is None else f"{x:.0%}"


def _saga_label(h: dict[str, Any]) -> str:
    return f"{h.get('player') or '?'} ({h.get('from_club') or '?'} → {h.get('to_club') or '?'})"


def _entries(store: Any, saga_ids: list[str], base: str) -> list[dict[str, Any]]:
    heads = store.saga_heads(ids=saga_ids)
    out: list[dict[str, Any]] = []
    for r in store.saga_reports_of(saga_ids, MAX_ENTRIES):
        h = heads.get(r["saga_id"], {})
        stage, outlet = r["stage"] or "a report", r["outlet"] or "an outlet"
        out.append({
            "id": f"{TAG}saga/{quote(r['saga_id'], safe='')}/report/{quote(r['article_key'], safe='')}",
            "updated": _when(r["first_seen"]), "saga_id": r["saga_id"], "category": "report",
            "title": f"{_saga_label(h)}: {outlet} reports {stage}",
            "summary": f"{r['title'] or 'An article'} ({outlet}, {r['date'] or 'undated'}): stage {stage}.",
            "related": r["url"] if isinstance(r["url"], str) and r["url"].lower().startswith(("http://", "https://"))
            else None,
        })
    for e in store.saga_events_of(saga_ids, MAX_ENTRIES):
        h = heads.get(e["saga_id"], {})
        if e["kind"] == "new":
            title = f"{_saga_label(h)}: new saga, {e['new_status']} ({_pct(e['new_likelihood'])})"
        elif e["kind"] == "status":
            title = f"{_saga_label(h)}: {e['old_status']} → {e['new_status']} ({_pct(e['new_likelihood'])})"
        else:
            title = f"{_saga_label(h)}: likelihood {_pct(e['old_likelihood'])} → {_pct(e['new_likelihood'])}"
        out.append({
            "id": f"{TAG}saga/{quote(e['saga_id'], safe='')}/change/{e['id']}", "updated": _when(e["at"]),
            "saga_id": e["saga_id"], "category": e["kind"], "title": title,
            "summary": f"Status {e['new_status']}, likelihood {_pct(e['new_likelihood'])} (was "
                       f"{e['old_status'] or 'not tracked'}, {_pct(e['old_likelihood'])}).",
            "related": None,
        })
    out.sort(key=lambda x: (x["updated"], x["id"]), reverse=True)
    return out[:MAX_ENTRIES]


def render(*, store: Any, saga_ids: list[str], title: str, feed_id: str, self_url: str, page_url: str,
           base: str, empty_since: dt.datetime = EPOCH) -> Feed:
    """The Atom document of these sagas' updates (``base``: the server's absolute URL, without a final /)."""
    entries = _entries(store, saga_ids, base)
    updated = max((e["updated"] for e in entries), default=empty_since)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = _text(text)
        return el

    sub(root, "id", f"{TAG}{feed_id}")
    sub(root, "title", title)
    sub(root, "updated", _stamp(updated))
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(root, "link", rel="alternate", type="text/html", href=page_url)
    sub(sub(root, "author"), "name", "Mercato")
    sub(root, "generator", "Mercato")
    for e in entries:
        el = sub(root, "entry")
        sub(el, "id", e["id"])
        sub(el, "title", e["title"])
        sub(el, "updated", _stamp(e["updated"]))
        sub(el, "link", rel="alternate", type="text/html", href=f"{base}/sagas/{quote(e['saga_id'], safe='')}")
        if e["related"]:
            sub(el, "link", rel="related", type="text/html", href=e["related"])
        sub(el, "category", term=e["category"])
        sub(el, "summary", e["summary"], type="text")
    xml = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
    etag = '"' + hashlib.sha256(xml).hexdigest()[:32] + '"'
    return Feed(xml=xml, updated=updated, etag=etag, entries=len(entries))


def feed_for(store: Any, kind: str, name: str, *, base: str, self_url: str) -> Feed:
    """The feed of a club, player, saga or watchlist; NotFound when there is no such thing to follow."""
    since = EPOCH
    if kind == "saga":
        if store.get_saga(name) is None:
            raise NotFound(f"no saga {name!r}")
        ids, title, page = [name], f"Saga {name}", f"/sagas/{quote(name, safe='')}"
        head = store.saga_heads(ids=ids).get(name)
        title = f"Mercato: {_saga_label(head)}" if head else title
    elif kind == "club":
        ids = store.saga_ids_for([("club", name)])
        if not ids:
            raise NotFound(f"no saga involves the club {name!r}")
        title, page = f"Mercato: {name}", f"/clubs/{quote(name, safe='')}"
    elif kind == "player":
        key = player_key(name)
        ids = store.saga_ids_for([("player", key)])
        if not ids:
            raise NotFound(f"no player {name!r}")
        title, page = f"Mercato: {store.saga_heads(ids=ids[:1])[ids[0]]['player']}", f"/players/{quote(name, safe='')}"
    elif kind == "watchlist":
        try:
            check_list_name(name)
        except FollowError:
            raise NotFound(f"no watchlist {name!r}") from None
        wl = store.get_watchlist(name)
        if wl is None:
            raise NotFound(f"no watchlist {name!r}")
        ids, since = watchlist_saga_ids(store, name), _when(wl["created_at"])
        title, page = f"Mercato watchlist: {name}", f"/watchlists/{quote(name, safe='')}"
    else:
        raise NotFound(f"no feed kind {kind!r}; allowed: club, player, saga, watchlist")
    return render(store=store, saga_ids=ids, title=title, feed_id=f"feed/{kind}/{quote(name, safe='')}",
                  self_url=self_url, page_url=base + page, base=base, empty_since=since)
