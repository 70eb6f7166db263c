"""Watchlists, the last noted state of each saga, saga changes, webhooks and their delivery log (the follow work).

The follow stage (:mod:`mercato.follow`) decides; this module only reads and writes rows. Noting the changes of
a run happens in one write transaction (``follow_tx``): the new state of every saga, its change events and the
webhook deliveries they cause are committed together or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import chunks, insert_ignore

#: at most this many sagas in one feed or watchlist (the most recently reported)
MAX_SAGAS = 500


class FollowRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    @contextlib.contextmanager
    def follow_tx(self) -> Iterator[sa.Connection]:
        with self._write() as conn:
            yield conn

    # -- watchlists ---------------------------------------------------------------------------------------------
    def create_watchlist(self, name: str) -> bool:
        """Create the list when it does not exist; True when it was created."""
        with self._write() as conn:
            res = conn.execute(insert_ignore(self.engine, t.watchlists).values(name=name, created_at=now_iso()))
            return bool(res.rowcount)

    def delete_watchlist(self, name: str) -> bool:
        with self._write() as conn:
            conn.execute(t.watchlist_items.delete().where(t.watchlist_items.c.list_name == name))
            return bool(conn.execute(t.watchlists.delete().where(t.watchlists.c.name == name)).rowcount)

    def get_watchlist(self, name: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.watchlists).where(t.watchlists.c.name == name)).first()
        return dict(r._mapping) if r else None

    def list_watchlists(self) -> list[dict[str, Any]]:
        """Every list with its number of items, by name."""
        w, i = t.watchlists, t.watchlist_items
        n = sa.select(sa.func.count()).select_from(i).where(i.c.list_name == w.c.name).scalar_subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(w.c.name, w.c.created_at, n.label("items")).order_by(w.c.name)).all()
        return [{"name": r.name, "created_at": r.created_at, "items": int(r.items)} for r in rows]

    def watchlist_items(self, name: str | None = None) -> list[dict[str, Any]]:
        """The items of one list (or of every list), in list, kind and label order."""
        i = t.watchlist_items
        stmt = sa.select(i).order_by(i.c.list_name, i.c.kind, i.c.label, i.c.key)
        if name is not None:
            stmt = stmt.where(i.c.list_name == name)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def add_watch_item(self, list_name: str, kind: str, key: str, label: str) -> bool:
        """Follow ``key`` in the list (created when needed); True when it was not followed there yet."""
        when = now_iso()
        with self._write() as conn:
            conn.execute(insert_ignore(self.engine, t.watchlists).values(name=list_name, created_at=when))
            res = conn.execute(insert_ignore(self.engine, t.watchlist_items).values(
                list_name=list_name, kind=kind, key=key, label=label, added_at=when))
            return bool(res.rowcount)

    def remove_watch_item(self, list_name: str, kind: str, key: str) -> bool:
        i = t.watchlist_items
        with self._write() as conn:
            res = conn.execute(i.delete().where(i.c.list_name == list_name, i.c.kind == kind, i.c.key == key))
            return bool(res.rowcount)

    def lists_following(self, kind: str, key: str) -> list[str]:
        i = t.watchlist_items
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(i.c.list_name).where(i.c.kind == kind, i.c.key == key)
                                               .order_by(i.c.list_name))]

    # -- sagas in scope ------------------------------------------------------------------------------------------
    @staticmethod
    def _target_clause(kind: str, key: str) -> Any:
        s = t.sagas
        if kind == "club":
            return sa.or_(s.c.from_club == key, s.c.to_club == key)
        return s.c.player_key == key

    def saga_ids_for(self, targets: Iterable[tuple[str, str]], limit: int = MAX_SAGAS) -> list[str]:
        """The sagas involving any of these (kind, key) targets, most recently reported first."""
        clauses = [self._target_clause(k, v) for k, v in targets]
        if not clauses:
            return []
        s = t.sagas
        stmt = (sa.select(s.c.id).where(sa.or_(*clauses))
                .order_by(sa.func.coalesce(s.c.last_date, "").desc(), s.c.id).limit(limit))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def sagas_by_ids(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """These sagas as the board lists them, in the order given."""
        from mercato.store.board import saga_from_row

        s = t.sagas
        rows: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for chunk in chunks(list(ids)):
                rows.update((r.id, saga_from_row(r)) for r in conn.execute(sa.select(s).where(s.c.id.in_(chunk))))
        return [rows[i] for i in ids if i in rows]

    def saga_heads(self, conn: sa.Connection | None = None,
                   ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """id → the saga's names, status and likelihood (every saga, or these)."""
        s = t.sagas
        cols = (s.c.id, s.c.player, s.c.player_key, s.c.from_club, s.c.to_club, s.c.status, s.c.likelihood,
                s.c.last_date, s.c.updated_at)
        ctx = contextlib.nullcontext(conn) if conn is not None else self.engine.connect()
        out: dict[str, dict[str, Any]] = {}
        with ctx as c:
            if ids is None:
                return {r.id: dict(r._mapping) for r in c.execute(sa.select(*cols))}
            for chunk in chunks(sorted(set(ids))):
                out.update((r.id, dict(r._mapping)) for r in c.execute(sa.select(*cols).where(s.c.id.in_(chunk))))
        return out

    # -- noting changes ------------------------------------------------------------------------------------------
    def saga_states(self, conn: sa.Connection) -> dict[str, dict[str, Any]]:
        return {r.saga_id: dict(r._mapping) for r in conn.execute(sa.select(t.saga_state))}

    def write_saga_states(self, conn: sa.Connection, rows: Sequence[dict[str, Any]], gone: Iterable[str]) -> None:
        """Replace the noted state of these sagas; forget the state of the sagas that no longer exist."""
        st = t.saga_state
        ids = sorted({r["saga_id"] for r in rows} | set(gone))
        for chunk in chunks(ids):
            conn.execute(st.delete().where(st.c.saga_id.in_(chunk)))
        if rows:
            conn.execute(st.insert(), list(rows))

    def add_saga_events(self, conn: sa.Connection, events: Sequence[dict[str, Any]]) -> list[int]:
        """Insert change events; returns their ids in the same order."""
        return [int(conn.execute(t.saga_events.insert().values(**e)).inserted_primary_key[0]) for e in events]

    def saga_events_of(self, saga_ids: Sequence[str], limit: int = 200) -> list[dict[str, Any]]:
        e = t.saga_events
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            for chunk in chunks(list(saga_ids)):
                out.extend(dict(r._mapping) for r in conn.execute(
                    sa.select(e).where(e.c.saga_id.in_(chunk)).order_by(e.c.at.desc(), e.c.id.desc()).limit(limit)))
        out.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
        return out[:limit]

    def saga_reports_of(self, saga_ids: Sequence[str], limit: int = 200) -> list[dict[str, Any]]:
        """The articles of these sagas (newest first by when they were first seen), with title and URL."""
        sa_, a = t.saga_articles, t.articles
        stmt = (sa.select(sa_.c.saga_id, sa_.c.article_key, sa_.c.stage, sa_.c.date, sa_.c.outlet, a.c.title,
                          a.c.url, a.c.first_seen)
                .select_from(sa_.join(a, a.c.key == sa_.c.article_key)))
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            for chunk in chunks(list(saga_ids)):
                out.extend(dict(r._mapping) for r in conn.execute(
                    stmt.where(sa_.c.saga_id.in_(chunk)).order_by(a.c.first_seen.desc(), sa_.c.article_key)
                    .limit(limit)))
        out.sort(key=lambda r: (r["first_seen"], r["saga_id"], r["article_key"]), reverse=True)
        return out[:limit]

    # -- webhooks ------------------------------------------------------------------------------------------------
    def add_webhook(self, url: str, secret: str, list_name: str | None = None) -> int:
        with self._write() as conn:
            res = conn.execute(t.webhooks.insert().values(url=url, secret=secret, list_name=list_name,
                                                          added_at=now_iso()))
            return int(res.inserted_primary_key[0])

    def remove_webhook(self, webhook_id: int) -> bool:
        """Remove a webhook; its pending deliveries are kept in the log as failed ("webhook removed")."""
        d = t.webhook_deliveries
        with self._write() as conn:
            conn.execute(d.update().where(d.c.webhook_id == webhook_id, d.c.state == "pending")
                         .values(state="failed", last_error="webhook removed"))
            return bool(conn.execute(t.webhooks.delete().where(t.webhooks.c.id == webhook_id)).rowcount)

    def list_webhooks(self, conn: sa.Connection | None = None) -> list[dict[str, Any]]:
        """Every webhook (with its secret: never shown by the interfaces) and its deliveries by state."""
        w, d = t.webhooks, t.webhook_deliveries
        ctx = contextlib.nullcontext(conn) if conn is not None else self.engine.connect()
        with ctx as c:
            hooks = [dict(r._mapping) for r in c.execute(sa.select(w).order_by(w.c.id))]
            counts = c.execute(sa.select(d.c.webhook_id, d.c.state, sa.func.count())
                               .group_by(d.c.webhook_id, d.c.state)).all()
        for h in hooks:
            h["deliveries"] = {state: int(n) for wid, state, n in counts if wid == h["id"]}
        return hooks

    def add_deliveries(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert_ignore(self.engine, t.webhook_deliveries), list(rows))

    def pending_deliveries(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Pending deliveries, oldest first, with their webhook's URL and secret."""
        w, d = t.webhooks, t.webhook_deliveries
        stmt = (sa.select(d, w.c.url, w.c.secret).select_from(d.join(w, w.c.id == d.c.webhook_id))
                .where(d.c.state == "pending").order_by(d.c.id).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def record_delivery_attempt(self, delivery_id: int, *, state: str, status: int | None,
                                error: str | None) -> None:
        d = t.webhook_deliveries
        when = now_iso()
        values: dict[str, Any] = {"state": state, "attempts": d.c.attempts + 1, "last_status": status,
                                  "last_error": error, "last_attempt_at": when}
        if state == "delivered":
            values["delivered_at"] = when
        with self._write() as conn:
            conn.execute(d.update().where(d.c.id == delivery_id).values(**values))

    def delivery_log(self, *, state: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The newest deliveries (without their bodies), with their webhook's URL."""
        w, d = t.webhooks, t.webhook_deliveries
        cols = [c for c in d.c if c.name != "body"]
        stmt = (sa.select(*cols, w.c.url).select_from(d.outerjoin(w, w.c.id == d.c.webhook_id))
                .order_by(d.c.id.desc()).limit(limit))
        if state:
            stmt = stmt.where(d.c.state == state)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def requeue_failed(self) -> int:
        """Make every failed delivery pending again (attempts start over); returns how many."""
        d = t.webhook_deliveries
        with self._write() as conn:
            ok = sa.select(t.webhooks.c.id)
            return int(conn.execute(d.update().where(d.c.state == "failed", d.c.webhook_id.in_(ok))
                                    .values(state="pending", attempts=0)).rowcount)
