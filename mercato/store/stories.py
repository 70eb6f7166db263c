"""Sagas, their articles, their look-up index and learned source reliability (owned by the stories work).

The stories stage (:mod:`mercato.stories`) computes; this module only reads and writes rows. Everything an
update reads and writes happens in one write transaction (``stories_tx``), so two ingesters updating the same
saga queue instead of overwriting each other's work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import chunks, iter_rows


class StoriesRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    @contextlib.contextmanager
    def stories_tx(self) -> Iterator[sa.Connection]:
        """The one transaction an update of sagas reads and writes in."""
        with self._write() as conn:
            yield conn

    # ------------------------------------------------------------------------------------- reads for an update

    def story_facts(self, conn: sa.Connection, keys: Sequence[str]) -> list[dict[str, Any]]:
        """For each article key that has an understanding: its metadata, text, language, claims and citations."""
        a, u = t.articles, t.understanding
        out = []
        for chunk in chunks(list(keys)):
            stmt = (sa.select(a.c.key, a.c.outlet, a.c.title, a.c.published, a.c.date_partial, a.c.first_seen,
                              a.c.text, u.c.lang, u.c.is_transfer, u.c.data)
                    .select_from(a.join(u, u.c.article_key == a.c.key)).where(a.c.key.in_(chunk)))
            out.extend(dict(r._mapping) for r in conn.execute(stmt))
        return out

    def sagas_holding(self, conn: sa.Connection, keys: Sequence[str]) -> set[str]:
        sa_ = t.saga_articles
        out: set[str] = set()
        for chunk in chunks(list(keys)):
            out.update(r[0] for r in conn.execute(sa.select(sa_.c.saga_id).where(sa_.c.article_key.in_(chunk))))
        return out

    def sagas_indexed(self, conn: sa.Connection, index_keys: Iterable[str]) -> list[tuple[str, str]]:
        """(key, saga id) for every saga stored under one of these look-up keys."""
        ix = t.saga_index
        out: list[tuple[str, str]] = []
        for chunk in chunks(sorted(set(index_keys))):
            out.extend((r[0], r[1]) for r in conn.execute(sa.select(ix.c.key, ix.c.saga_id).where(ix.c.key.in_(chunk))))
        return out

    def saga_link_keys(self, conn: sa.Connection, saga_ids: Iterable[str]) -> dict[str, str]:
        s = t.sagas
        out: dict[str, str] = {}
        for chunk in chunks(sorted(set(saga_ids))):
            out.update((r.id, r.link_key) for r in conn.execute(sa.select(s.c.id, s.c.link_key).where(s.c.id.in_(chunk))))
        return out

    def saga_member_rows(self, conn: sa.Connection, saga_ids: Iterable[str]) -> list[dict[str, Any]]:
        sa_ = t.saga_articles
        out = []
        for chunk in chunks(sorted(set(saga_ids))):
            stmt = sa.select(sa_).where(sa_.c.saga_id.in_(chunk))
            out.extend(dict(r._mapping) for r in conn.execute(stmt))
        return out

    def saga_rows_by_id(self, conn: sa.Connection, saga_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        s = t.sagas
        out: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted(set(saga_ids))):
            for r in conn.execute(sa.select(s).where(s.c.id.in_(chunk))):
                out[r.id] = dict(r._mapping)
        return out

    def sagas_of_players(self, conn: sa.Connection, player_keys: Iterable[str]) -> list[dict[str, Any]]:
        """Every stored saga of these players (whole rows)."""
        s = t.sagas
        out = []
        for chunk in chunks(sorted({k for k in player_keys if k})):
            out.extend(dict(r._mapping) for r in conn.execute(sa.select(s).where(s.c.player_key.in_(chunk))))
        return out

    def set_saga_states(self, conn: sa.Connection, updates: Sequence[dict[str, Any]]) -> None:
        """Set the status and data of sagas (rows {"id", "status", "data"}) another saga's change moved."""
        when = now_iso()
        for u in updates:
            conn.execute(t.sagas.update().where(t.sagas.c.id == u["id"]).values(
                status=u["status"], data=u["data"], updated_at=when))

    def reliability_rows(self, conn: sa.Connection | None,
                         sources: Iterable[str] | None) -> dict[str, dict[str, Any]]:
        """Rows of ``source_reliability`` by source (all of them when ``sources`` is None)."""
        sr = t.source_reliability
        out: dict[str, dict[str, Any]] = {}
        ctx = contextlib.nullcontext(conn) if conn is not None else self.engine.connect()
        with ctx as c:
            if sources is None:
                return {r.source: dict(r._mapping) for r in c.execute(sa.select(sr))}
            for chunk in chunks(sorted(set(sources))):
                for r in c.execute(sa.select(sr).where(sr.c.source.in_(chunk))):
                    out[r.source] = dict(r._mapping)
        return out

    def saga_scoring(self, conn: sa.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, {"contrib", "scored_with"}) of every saga: what deciding whether it must be rescored needs."""
        s = t.sagas
        stmt = sa.select(s.c.id, s.c.data["contrib"], s.c.data["scored_with"]).order_by(s.c.id)
        for sid, contrib, used in conn.execute(stmt):
            yield sid, {"contrib": contrib, "scored_with": used}

    # ------------------------------------------------------------------------------------- writes of an update

    def update_saga_scores(self, conn: sa.Connection, updates: Sequence[dict[str, Any]]) -> None:
        """Set the likelihood and data of sagas (rows {"id", "likelihood", "data"}) after a rescoring."""
        when = now_iso()
        for u in updates:
            conn.execute(t.sagas.update().where(t.sagas.c.id == u["id"]).values(
                likelihood=u["likelihood"], data=u["data"], updated_at=when))

    def replace_sagas(self, conn: sa.Connection, removed: Iterable[str], sagas: Sequence[dict[str, Any]],
                      members: Sequence[dict[str, Any]], index: Sequence[tuple[str, str]]) -> None:
        """Delete the ``removed`` and re-written sagas with their rows, then insert the new ones."""
        ids = sorted(set(removed) | {s["id"] for s in sagas})
        for chunk in chunks(ids):
            conn.execute(t.saga_articles.delete().where(t.saga_articles.c.saga_id.in_(chunk)))
            conn.execute(t.saga_index.delete().where(t.saga_index.c.saga_id.in_(chunk)))
            conn.execute(t.sagas.delete().where(t.sagas.c.id.in_(chunk)))
        when = now_iso()
        if sagas:
            conn.execute(t.sagas.insert(), [{**s, "updated_at": when} for s in sagas])
        if members:
            conn.execute(t.saga_articles.insert(), list(members))
        if index:
            conn.execute(t.saga_index.insert(), [{"key": k, "saga_id": sid} for k, sid in sorted(set(index))])

    def drop_article_rows(self, conn: sa.Connection, keys: Sequence[str]) -> None:
        for chunk in chunks(list(keys)):
            conn.execute(t.saga_articles.delete().where(t.saga_articles.c.article_key.in_(chunk)))

    def apply_reliability(self, conn: sa.Connection, deltas: dict[str, list[Any]],
                          priors: dict[str, float], reliab: dict[str, float]) -> None:
        """Add each source's change in record (kind, resolved, hits, originals, rereports, name) to its row."""
        sr = t.source_reliability
        when = now_iso()
        existing = self.reliability_rows(conn, deltas)
        for key, (kind, res, hits, orig, rere, _name) in sorted(deltas.items()):
            cur = existing.get(key)
            if cur is None:
                conn.execute(sr.insert().values(source=key, kind=kind, resolved=res, hits=hits, originals=orig,
                                                rereports=rere, prior=priors.get(key), reliability=reliab.get(key),
                                                updated_at=when))
            else:
                conn.execute(sr.update().where(sr.c.source == key).values(
                    resolved=sr.c.resolved + res, hits=sr.c.hits + hits, originals=sr.c.originals + orig,
                    rereports=sr.c.rereports + rere, prior=priors.get(key, cur["prior"]),
                    reliability=reliab.get(key, cur["reliability"]), updated_at=when))

    # ------------------------------------------------------------------------------------- reads for everyone

    def get_saga(self, saga_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.sagas).where(t.sagas.c.id == saga_id)).first()
        return dict(r._mapping) if r else None

    def saga_rows(self, saga_id: str) -> list[dict[str, Any]]:
        """The saga's ``saga_articles`` rows (each with its stored report in ``data``)."""
        with self.engine.connect() as conn:
            return self.saga_member_rows(conn, [saga_id])

    def iter_sagas(self, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every saga in id order, read in pages."""
        for r in iter_rows(self.engine, t.sagas, "id", batch):
            yield dict(r._mapping)

    def article_sagas(self, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """(article_key, saga_id, role) rows, for some articles or all."""
        sa_ = t.saga_articles
        stmt = sa.select(sa_.c.article_key, sa_.c.saga_id, sa_.c.role)
        with self.engine.connect() as conn:
            if keys is None:
                return [dict(r._mapping) for r in conn.execute(stmt)]
            out = []
            for chunk in chunks(list(keys)):
                out.extend(dict(r._mapping) for r in conn.execute(stmt.where(sa_.c.article_key.in_(chunk))))
            return out

    def source_reliability_table(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.source_reliability).order_by(
                t.source_reliability.c.resolved.desc(), t.source_reliability.c.source)).all()
        return [dict(r._mapping) for r in rows]
