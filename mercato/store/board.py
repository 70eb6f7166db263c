"""Read queries behind the rumour board: sagas, outlets, clubs, players, feeds (owned by the interfaces work).

Every list is filtered with bound parameters only, sorted by a whitelisted column, and paged with an opaque
keyset cursor (``sort value, id``) so a page costs the same at row 10 and at row 10,000.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import math
import threading
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from mercato.errors import MercatoError
from mercato.store import schema as t
from mercato.stories.states import NOT_LIVE
from mercato.stories.states import news_clock as clock_of


class BadQuery(MercatoError):
    """A list request the store refuses: an unknown sort column or a cursor it did not issue."""

    code = "bad-query"


SAGA_SORTS: dict[str, tuple[str, Any]] = {
    # name -> (column, value used for NULL so that keyset comparisons stay total)
    "last_date": ("last_date", ""),
    "first_date": ("first_date", ""),
    "likelihood": ("likelihood", -1.0),
    "n_sources": ("n_sources", -1),
    "n_articles": ("n_articles", -1),
    "player": ("player", ""),
    "status": ("status", ""),
    "updated_at": ("updated_at", ""),
}
OUTLET_SORTS: dict[str, tuple[str, Any]] = {
    "reliability": ("reliability", -1.0),
    "resolved": ("resolved", -1),
    "hits": ("hits", -1),
    "originals": ("originals", -1),
    "rereports": ("rereports", -1),
    "source": ("source", ""),
}
ORDERS = ("asc", "desc")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_INT64 = 2**63 - 1


def _text_ok(value: Any) -> bool:
    """Text every database accepts as a parameter: no NUL, no lone surrogate."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _cursor_value_ok(value: Any, kind: type | str) -> bool:
    """A sort value of the kind the column holds: text, or a finite number a 64-bit column can compare."""
    if kind is str:
        return _text_ok(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_INT64 <= value <= _INT64
    return isinstance(value, float) and math.isfinite(value)


def decode_cursor(cursor: str, expect: Sequence[str], kind: type | str = str) -> list[Any]:
    """The values of a cursor issued for the same sort and order; anything else is refused.

    ``kind`` is what the sort value must be: ``str`` for a text column, ``"number"`` for a numeric one (no
    booleans, no integers beyond 64 bits, no NaN), so a hand-made cursor never reaches the database."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadQuery("invalid cursor; pass the 'next' value of a previous page") from None
    if not isinstance(values, list) or len(values) != len(expect) + 2 or values[: len(expect)] != list(expect):
        raise BadQuery("invalid cursor for this sort and order; pass the 'next' value of a previous page")
    if not _cursor_value_ok(values[-2], kind) or not _text_ok(values[-1]):
        raise BadQuery("invalid cursor; pass the 'next' value of a previous page")
    return values[-2:]


def check_sort(sort: str, order: str, allowed: dict[str, Any]) -> None:
    if sort not in allowed:
        raise BadQuery(f"unknown sort column {sort!r}; allowed: {', '.join(sorted(allowed))}")
    if order not in ORDERS:
        raise BadQuery(f"unknown order {order!r}; allowed: asc, desc")


def _keyset(stmt: Any, table: sa.Table, key: str, sort: str, order: str, allowed: dict[str, tuple[str, Any]],
            cursor: str | None, limit: int) -> tuple[Any, Any]:
    """Apply sort, tiebreak and the cursor to ``stmt``; returns (stmt, expression of the sort value)."""
    check_sort(sort, order, allowed)
    col_name, null_value = allowed[sort]
    expr = sa.func.coalesce(table.c[col_name], null_value)
    tiebreak = table.c[key]
    if cursor:
        value, last = decode_cursor(cursor, [sort, order], str if isinstance(null_value, str) else "number")
        after = expr < value if order == "desc" else expr > value
        stmt = stmt.where(sa.or_(after, sa.and_(expr == value, tiebreak > last)))
    stmt = stmt.order_by(expr.desc() if order == "desc" else expr.asc(), tiebreak.asc()).limit(limit + 1)
    return stmt, expr


def _page(rows: list[Any], limit: int, sort: str, order: str, key: str,
          allowed: dict[str, tuple[str, Any]] | None = None) -> tuple[list[Any], str | None]:
    """The page's rows and the cursor of the next page: the last row's sort value (its NULL stand-in from
    ``allowed``) and key."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]._mapping
    col_name, null_value = (allowed or {}).get(sort, (sort, None))
    value = null_value if last[col_name] is None else last[col_name]
    return rows, encode_cursor([sort, order, value, last[key]])


def news_clock(conn: sa.Connection) -> str | None:
    """The day the board is read at (:func:`mercato.stories.states.news_clock` of the latest report stored)."""
    return clock_of(conn.execute(sa.select(sa.func.max(t.sagas.c.last_date))).scalar())


def shown_status(clock: str | None) -> Any:
    """The status as the board shows it: "stale" for a live saga whose ``stale_after`` the clock has passed."""
    s = t.sagas
    if not clock:
        return s.c.status
    return sa.case((sa.and_(s.c.resolved.is_(sa.false()), s.c.status.not_in(NOT_LIVE),
                            s.c.stale_after.is_not(None), s.c.stale_after < clock), "stale"), else_=s.c.status)


def saga_from_row(r: Any, *, with_data: bool = False) -> dict[str, Any]:
    m = r._mapping
    out = {
        "id": m["id"], "player": m["player"], "player_key": m["player_key"], "from_club": m["from_club"],
        "to_club": m["to_club"], "status": m["status"], "resolved": bool(m["resolved"]), "outcome": m["outcome"],
        "likelihood": m["likelihood"], "first_date": m["first_date"], "last_date": m["last_date"],
        "n_articles": int(m["n_articles"] or 0), "n_sources": int(m["n_sources"] or 0),
        "langs": list(m["langs"] or []), "updated_at": m["updated_at"], "stale_after": m.get("stale_after"),
    }
    data = m.get("data")
    timeline = (data or {}).get("timeline") or []
    out["last_report"] = _last_report(timeline)
    if with_data:
        out["data"] = data or {}
    return out


def _last_report(timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    dated = [e for e in timeline if isinstance(e, dict)]
    if not dated:
        return None
    last = max(dated, key=lambda e: (e.get("date") or "", e.get("article_key") or ""))
    return {k: last.get(k) for k in ("article_key", "date", "outlet", "stage", "title")}


def _ci_contains(col: Any, text: str) -> Any:
    return sa.func.lower(col).contains(text.lower(), autoescape=True)


#: how long a board read may be served from memory; writes made through this store clear it at once, writes
#: by other processes (an ingest running beside the server) show up after at most this long
READ_CACHE_SECONDS = 2.0
READ_CACHE_ENTRIES = 1024


def _cached(method: Any) -> Any:
    """Serve repeated identical reads from a small per-store cache (a copy, so callers may change it)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        cache = self.read_cache()
        try:
            key = (method.__name__, args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return method(self, *args, **kwargs)
        now = time.monotonic()
        hit = cache.get(key)
        if hit is not None and now - hit[0] < READ_CACHE_SECONDS:
            return copy.deepcopy(hit[1])
        value = method(self, *args, **kwargs)
        with self._read_cache_lock:
            if len(cache) >= READ_CACHE_ENTRIES:
                cache.clear()
            cache[key] = (now, value)
        return copy.deepcopy(value)

    return wrapper


class BoardRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine
    _read_cache_lock = threading.Lock()

    def read_cache(self) -> dict[Any, tuple[float, Any]]:
        cache = self.__dict__.get("_read_cache")
        if cache is None:
            cache = self.__dict__["_read_cache"] = {}
        return cache

    def clear_read_cache(self) -> None:
        self.__dict__.get("_read_cache", {}).clear()

    # -- sagas -------------------------------------------------------------------------------------------------
    def _saga_filters(self, stmt: Any, *, club: str | None = None, player: str | None = None,
                      status: str | None = None, lang: str | None = None, since: str | None = None,
                      until: str | None = None, q: str | None = None, resolved: bool | None = None,
                      outlet: str | None = None, league: str | None = None, clock: str | None = None) -> Any:
        """``resolved=False`` is the live board: neither resolved nor superseded, stale or background only.
        ``club``, ``player`` and ``league`` go through the forgiving finders (:mod:`mercato.store.finders`):
        what they do not find matches no saga."""
        s = t.sagas
        shown = shown_status(clock)
        if club:
            clubs = self.find_club(club).matches  # type: ignore[attr-defined]
            stmt = stmt.where(sa.or_(s.c.from_club.in_(clubs), s.c.to_club.in_(clubs)) if clubs else sa.false())
        if league:
            clubs = self.find_league(league).matches  # type: ignore[attr-defined]
            stmt = stmt.where(sa.or_(s.c.from_club.in_(clubs), s.c.to_club.in_(clubs)) if clubs else sa.false())
        if player:
            keys = self.find_player(player).matches  # type: ignore[attr-defined]
            stmt = stmt.where(sa.or_(s.c.player_key.in_(keys), s.c.player == player) if keys else s.c.player == player)
        if status:
            stmt = stmt.where(shown.in_([x.strip() for x in status.split(",") if x.strip()]))
        if lang:
            # langs is a JSON list of ISO codes; the code is matched as a quoted literal inside its text
            stmt = stmt.where(sa.cast(s.c.langs, sa.Text).contains(json.dumps(lang), autoescape=True))
        if since:
            stmt = stmt.where(s.c.last_date >= since)
        if until:
            stmt = stmt.where(s.c.first_date <= until)
        if resolved is not None:
            stmt = stmt.where(s.c.resolved.is_(sa.true()) if resolved else
                              sa.and_(s.c.resolved.is_(sa.false()), shown.not_in(NOT_LIVE)))
        if q:
            stmt = stmt.where(sa.or_(_ci_contains(s.c.player, q), _ci_contains(s.c.from_club, q),
                                     _ci_contains(s.c.to_club, q)))
        if outlet:
            sa_ = t.saga_articles
            stmt = stmt.where(s.c.id.in_(sa.select(sa_.c.saga_id).where(sa_.c.outlet == outlet)))
        return stmt

    @_cached
    def board_list_sagas(self, *, sort: str = "last_date", order: str = "desc", limit: int = 50,
                         cursor: str | None = None, **filters: Any) -> tuple[list[dict[str, Any]], str | None]:
        """A page of sagas (without their data blobs) and the cursor of the next page (None at the end)."""
        s = t.sagas
        with self.engine.connect() as conn:
            clock = news_clock(conn)
            cols = [shown_status(clock).label("status") if c.name == "status" else c for c in s.c if c.name != "data"]
            # sort narrow rows, then read the data (for the last report) of the page's rows only
            stmt = self._saga_filters(sa.select(*cols), clock=clock, **filters)
            stmt, _ = _keyset(stmt, s, "id", sort, order, SAGA_SORTS, cursor, limit)
            rows = conn.execute(stmt).all()
            rows, nxt = _page(rows, limit, sort, order, "id", SAGA_SORTS)
            data = dict(conn.execute(sa.select(s.c.id, s.c.data).where(s.c.id.in_([r.id for r in rows]))).all()) \
                if rows else {}
        out = []
        for r in rows:
            d = saga_from_row(r)
            d["last_report"] = _last_report((data.get(r.id) or {}).get("timeline") or [])
            out.append(d)
        return out, nxt

    @_cached
    def board_count_sagas(self, **filters: Any) -> int:
        with self.engine.connect() as conn:
            stmt = self._saga_filters(sa.select(sa.func.count()).select_from(t.sagas), clock=news_clock(conn),
                                      **filters)
            return int(conn.execute(stmt).scalar_one())

    @_cached
    def board_get_saga(self, saga_id: str) -> dict[str, Any] | None:
        """One saga with its data (timeline, provenance, contradictions, explanation) and its articles."""
        s, sa_, a = t.sagas, t.saga_articles, t.articles
        with self.engine.connect() as conn:
            cols = [shown_status(news_clock(conn)).label("status") if c.name == "status" else c for c in s.c]
            r = conn.execute(sa.select(*cols).where(s.c.id == saga_id)).first()
            if r is None:
                return None
            arts = conn.execute(
                sa.select(sa_.c.article_key, sa_.c.role, sa_.c.stage, sa_.c.date, sa_.c.outlet, sa_.c.is_original,
                          a.c.title, a.c.url)
                .select_from(sa_.outerjoin(a, a.c.key == sa_.c.article_key))
                .where(sa_.c.saga_id == saga_id)
                .order_by(sa_.c.date.asc().nulls_first(), sa_.c.article_key)
            ).all()
        out = saga_from_row(r, with_data=True)
        out["articles"] = [
            {"article_key": x.article_key, "role": x.role, "stage": x.stage, "date": x.date, "outlet": x.outlet,
             "is_original": None if x.is_original is None else bool(x.is_original), "title": x.title, "url": x.url}
            for x in arts
        ]
        return out

    def board_saga_ids(self, limit: int = 1000) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(t.sagas.c.id).order_by(t.sagas.c.id).limit(limit))]

    @_cached
    def board_list_article_page(self, *, q: str | None = None, outlet: str | None = None, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """Articles in key order, a page at a time; ``q`` is a literal searched in titles and texts."""
        a = t.articles
        stmt = sa.select(a.c.key, a.c.url, a.c.outlet, a.c.title, a.c.published, a.c.external_id)
        if q:
            stmt = stmt.where(sa.or_(_ci_contains(a.c.title, q), _ci_contains(a.c.text, q)))
        if outlet:
            stmt = stmt.where(a.c.outlet == outlet)
        if cursor:
            stmt = stmt.where(a.c.key > decode_cursor(cursor, ["key", "asc"])[1])
        stmt = stmt.order_by(a.c.key).limit(limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        rows, nxt = _page(rows, limit, "key", "asc", "key")
        return [{"key": r.key, "url": r.url, "outlet": r.outlet, "title": r.title, "date": r.published,
                 "external_id": r.external_id} for r in rows], nxt

    # -- outlets and journalists ------------------------------------------------------------------------------
    @_cached
    def board_list_outlets(self, *, sort: str = "reliability", order: str = "desc", limit: int = 100,
                     cursor: str | None = None, kind: str | None = None,
                     q: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """Learned reliability per outlet and journalist (``source_reliability``), a page at a time."""
        r = t.source_reliability
        stmt = sa.select(r)
        if kind:
            stmt = stmt.where(r.c.kind == kind)
        if q:
            stmt = stmt.where(_ci_contains(r.c.source, q))
        stmt, _ = _keyset(stmt, r, "source", sort, order, OUTLET_SORTS, cursor, limit)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        rows, nxt = _page(rows, limit, sort, order, "source", OUTLET_SORTS)
        out = [_reliability(x) for x in rows]
        spellings = self.source_spellings() if any(o["name"] == o["source"] for o in out) else {}  # type: ignore
        for o in out:
            seen = spellings.get(o["source"]) or {}
            o["name"] = next(iter(seen.get("cited") or seen.get("hosts") or []), o["name"]) \
                if o["name"] == o["source"] else o["name"]
        return out, nxt

    # -- clubs and players ------------------------------------------------------------------------------------
    @_cached
    def board_list_clubs(self, *, q: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """Clubs named by sagas, with how many sagas they buy in and sell in."""
        s = t.sagas
        outs = sa.select(s.c.from_club.label("club"), sa.literal(1).label("out_"), sa.literal(0).label("in_")) \
            .where(s.c.from_club.is_not(None))
        ins = sa.select(s.c.to_club.label("club"), sa.literal(0).label("out_"), sa.literal(1).label("in_")) \
            .where(s.c.to_club.is_not(None))
        u = sa.union_all(outs, ins).subquery()
        stmt = sa.select(u.c.club, sa.func.sum(u.c.out_).label("selling"), sa.func.sum(u.c.in_).label("buying")) \
            .group_by(u.c.club)
        if q:
            stmt = stmt.where(_ci_contains(u.c.club, q))
        stmt = stmt.order_by(sa.func.count().desc(), u.c.club).limit(limit)
        with self.engine.connect() as conn:
            return [{"club": r.club, "selling": int(r.selling), "buying": int(r.buying),
                     "sagas": int(r.selling) + int(r.buying)} for r in conn.execute(stmt)]

    @_cached
    def board_list_players(self, *, q: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """Players with sagas, with their number of sagas and the last date they were reported."""
        s = t.sagas
        stmt = sa.select(s.c.player_key, sa.func.min(s.c.player).label("player"),
                         sa.func.count().label("sagas"), sa.func.max(s.c.last_date).label("last_date")) \
            .group_by(s.c.player_key)
        if q:
            stmt = stmt.where(_ci_contains(s.c.player, q))
        stmt = stmt.order_by(sa.func.max(s.c.last_date).desc().nulls_last(), s.c.player_key).limit(limit)
        with self.engine.connect() as conn:
            return [{"player_key": r.player_key, "player": r.player, "sagas": int(r.sagas),
                     "last_date": r.last_date} for r in conn.execute(stmt)]

    @_cached
    def board_get_player(self, key: str) -> dict[str, Any] | None:
        from mercato.store.understanding import player_key

        folded = player_key(key)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.players).where(t.players.c.key == folded)).first()
        sagas, _ = self.board_list_sagas(player=key, limit=200)
        if row is None and not sagas:
            return None
        info = dict(row._mapping) if row is not None else {}
        return {"player_key": folded, "player": info.get("name") or (sagas[0]["player"] if sagas else key),
                "aliases": info.get("aliases") or [], "clubs": info.get("clubs") or [],
                "n_articles": info.get("n_articles"), "sagas": sagas}

    @_cached
    def board_get_club(self, name: str) -> dict[str, Any] | None:
        """The sagas of the club(s) ``name`` finds ("PSG" is Paris Saint-Germain), split into buying and selling."""
        sagas, _ = self.board_list_sagas(club=name, limit=500)
        if not sagas:
            return None
        clubs = set(self.find_club(name).matches)  # type: ignore[attr-defined]
        title = " / ".join(sorted(clubs)) if clubs else name
        return {"club": title, "buying": [s for s in sagas if s["to_club"] in clubs],
                "selling": [s for s in sagas if s["from_club"] in clubs]}

    # -- feeds and calibration --------------------------------------------------------------------------------
    def board_list_feeds(self) -> list[dict[str, Any]]:
        """Every followed feed with its health (last poll, last success, errors)."""
        f = t.feeds
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(f).order_by(f.c.url)).all()
        keep = ("url", "name", "lang", "last_polled", "last_ok", "next_poll", "last_status", "error_count",
                "consecutive_errors", "last_error", "entries_seen", "entries_added", "added_at")
        return [{k: r._mapping[k] for k in keep} for r in rows]


def _reliability(r: Any) -> dict[str, Any]:
    """A ``source_reliability`` row as shown: its display name, and the prior alone (labelled) until a saga
    it reported has resolved, else the shrunk record with its sample size and interval."""
    from mercato.store.outlet_pages import display_name, reliability_summary

    m = r._mapping
    resolved, hits = int(m["resolved"] or 0), int(m["hits"] or 0)
    return {"source": m["source"], "name": display_name(m["source"]) or m["source"], "kind": m["kind"],
            "resolved": resolved, "hits": hits, "originals": int(m["originals"] or 0),
            "rereports": int(m["rereports"] or 0), "prior": m["prior"], "updated_at": m["updated_at"],
            **reliability_summary(resolved, hits, m["prior"], m["reliability"])}
