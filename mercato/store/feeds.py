"""Feeds followed and their health: validators, error counts, last error, next poll time and back-off.

Owned by the feeds work (see :mod:`mercato.feeding`). A poll that gets a 304 writes nothing unless the
validators changed or an error state has to be cleared; a failing poll pushes ``next_poll`` back
exponentially (never sooner than the server's ``Retry-After``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.dialect import insert_ignore

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 24 * 3600.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """One followed feed as stored."""

    url: str
    name: str | None = None
    lang: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_ok: str | None = None
    next_poll: str | None = None
    last_status: int | None = None
    error_count: int = 0
    consecutive_errors: int = 0
    last_error: str | None = None
    entries_seen: int = 0
    entries_added: int = 0
    added_at: str = ""

    def health(self, now: dt.datetime | None = None) -> str:
        """``never polled``, ``ok``, ``failing`` or ``backing off``."""
        if not self.last_polled:
            return "never polled"
        if self.consecutive_errors == 0:
            return "ok"
        if self.next_poll and self.next_poll > _iso(now or _now()):
            return "backing off"
        return "failing"

    def is_due(self, now: dt.datetime | None = None) -> bool:
        return not self.next_poll or self.next_poll <= _iso(now or _now())

    def to_dict(self) -> dict[str, Any]:
        d = {f: getattr(self, f) for f in self.__dataclass_fields__}
        d["health"] = self.health()
        return d


def backoff_seconds(consecutive_errors: int, interval_s: float, retry_after_s: float | None = None) -> float:
    """The wait before the next poll after ``consecutive_errors`` failures in a row."""
    n = max(1, consecutive_errors)
    wait = min(interval_s * 2 ** (n - 1), MAX_BACKOFF_S)
    if retry_after_s is not None:
        wait = max(wait, retry_after_s)
    return wait


class FeedsRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def add_feed(self, url: str, *, name: str | None = None, lang: str | None = None) -> None:
        """Follow a feed (nothing changes when it is followed already, except a name or language given)."""
        f = t.feeds
        with self._write() as conn:
            conn.execute(insert_ignore(self.engine, f).values(url=url, name=name, lang=lang, added_at=_iso(_now())))
            changes = {k: v for k, v in (("name", name), ("lang", lang)) if v}
            if changes:
                conn.execute(f.update().where(f.c.url == url).values(**changes))

    def get_feed(self, url: str) -> FeedState | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.feeds).where(t.feeds.c.url == url)).first()
        return FeedState(**dict(r._mapping)) if r else None

    def list_feeds(self, urls: Iterable[str] | None = None) -> list[FeedState]:
        stmt = sa.select(t.feeds).order_by(t.feeds.c.url)
        if urls is not None:
            stmt = stmt.where(t.feeds.c.url.in_(list(urls)))
        with self.engine.connect() as conn:
            return [FeedState(**dict(r._mapping)) for r in conn.execute(stmt)]

    def record_feed_ok(self, url: str, *, status: int, etag: str | None, last_modified: str | None,
                       entries_seen: int, entries_added: int, interval_s: float) -> None:
        """A successful poll (200): new validators, errors cleared, next poll one interval away."""
        now = _now()
        f = t.feeds
        with self._write() as conn:
            conn.execute(f.update().where(f.c.url == url).values(
                etag=etag, last_modified=last_modified, last_polled=_iso(now), last_ok=_iso(now),
                next_poll=_iso(now + dt.timedelta(seconds=interval_s)), last_status=status, consecutive_errors=0,
                entries_seen=f.c.entries_seen + entries_seen, entries_added=f.c.entries_added + entries_added,
            ))

    def record_feed_not_modified(self, url: str, *, etag: str | None, last_modified: str | None) -> bool:
        """A 304: writes only when a validator changed or an error state must be cleared; True if it wrote."""
        cur = self.get_feed(url)
        if cur is None:
            return False
        new_etag = etag or cur.etag
        new_lm = last_modified or cur.last_modified
        if new_etag == cur.etag and new_lm == cur.last_modified and cur.consecutive_errors == 0:
            return False
        now = _iso(_now())
        with self._write() as conn:
            conn.execute(t.feeds.update().where(t.feeds.c.url == url).values(
                etag=new_etag, last_modified=new_lm, last_polled=now, last_ok=now, last_status=304,
                consecutive_errors=0,
            ))
        return True

    def record_feed_error(self, url: str, *, error: str, status: int | None = None,
                          retry_after_s: float | None = None, interval_s: float = 900.0) -> FeedState:
        """A failed poll: counts go up, the reason is kept, the next poll backs off (Retry-After honoured)."""
        cur = self.get_feed(url) or FeedState(url=url)
        n = cur.consecutive_errors + 1
        now = _now()
        wait = backoff_seconds(n, interval_s, retry_after_s)
        f = t.feeds
        with self._write() as conn:
            conn.execute(f.update().where(f.c.url == url).values(
                last_polled=_iso(now), last_status=status, error_count=f.c.error_count + 1, consecutive_errors=n,
                last_error=error[:1000], next_poll=_iso(now + dt.timedelta(seconds=wait)),
            ))
        log.info("feed %s failed (%s); next poll in %.0f s", url, error, wait)
        return self.get_feed(url) or cur
