"""Articles and their revisions: kept once, never overwritten, never lost."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.models import Article, IngestOutcome
from mercato.store import schema as t
from mercato.store.dialect import insert_ignore, iter_rows

log = logging.getLogger(__name__)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _row(a: Article, when: str) -> dict[str, Any]:
    return {
        "key": a.key,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "outlet": a.outlet,
        "title": a.title,
        "author": a.author,
        "published": a.published,
        "date_partial": a.date_partial,
        "external_id": a.external_id,
        "origin": a.origin,
        "text": a.text,
        "content_hash": a.content_hash,
        "revision": 1,
        "extra": a.extra or None,
        "first_seen": when,
        "updated_at": when,
    }


def article_from_row(r: Any) -> Article:
    m = r._mapping
    return Article(
        key=m["key"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        outlet=m["outlet"],
        title=m["title"],
        author=m["author"],
        published=m["published"],
        date_partial=m["date_partial"],
        text=m["text"],
        content_hash=m["content_hash"],
        origin=m["origin"] or "",
        external_id=m["external_id"],
        extra=m["extra"] or {},
    )


class ArticlesRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def add_articles(self, batch: Sequence[Article]) -> list[IngestOutcome]:
        """Store a batch in one transaction: each article is added, unchanged or revised.

        Idempotent: re-adding the same text changes nothing; a changed text under the same key becomes
        a new revision and the old one is kept. Outcomes come back in the order of ``batch``.

        The common cases take one query each for the whole batch: one SELECT of the keys already stored,
        one multi-row INSERT of the new ones (``ON CONFLICT DO NOTHING … RETURNING`` tells which went in, so a
        concurrent writer is noticed). Revisions, repeats inside the batch and lost races go one by one.
        """
        if not batch:
            return []
        when = now_iso()
        with self._write() as conn:
            return self._add_batch(conn, batch, when)

    def _add_batch(self, conn: sa.Connection, batch: Sequence[Article], when: str) -> list[IngestOutcome]:
        a = t.articles
        known: dict[str, tuple[str, int]] = {}
        keys = list(dict.fromkeys(x.key for x in batch))
        for i in range(0, len(keys), 500):
            rows = conn.execute(sa.select(a.c.key, a.c.content_hash, a.c.revision)
                                .where(a.c.key.in_(keys[i:i + 500]))).all()
            known.update((r.key, (r.content_hash, int(r.revision))) for r in rows)
        out: list[IngestOutcome | None] = [None] * len(batch)
        fresh: dict[str, int] = {}  # key -> index of its first occurrence, not stored yet
        slow: list[int] = []
        slow_keys: set[str] = set()
        for i, x in enumerate(batch):
            cur = known.get(x.key)
            if cur is None and x.key not in fresh:
                fresh[x.key] = i
            elif cur is not None and cur[0] == x.content_hash and x.key not in slow_keys:
                out[i] = IngestOutcome(key=x.key, status="unchanged", revision=cur[1])
            else:
                slow.append(i)
                slow_keys.add(x.key)
        if fresh:
            # rows go in key order: concurrent writers then take their row locks in one global order and cannot
            # deadlock on each other's uncommitted keys (PostgreSQL), whatever order their inputs come in
            fresh = dict(sorted(fresh.items()))
            rows = [_row(batch[i], when) for i in fresh.values()]
            stmt = insert_ignore(self.engine, a).returning(a.c.key)
            inserted = {r[0] for r in conn.execute(stmt, rows)} if len(rows) > 1 else {
                r[0] for r in conn.execute(stmt.values(**rows[0]))}
            revs = [{"article_key": batch[i].key, "revision": 1, "content_hash": batch[i].content_hash,
                     "title": batch[i].title, "text": batch[i].text, "seen_at": when}
                    for k, i in fresh.items() if k in inserted]
            if revs:
                conn.execute(insert_ignore(self.engine, t.article_revisions), revs)
            for k, i in fresh.items():
                if k in inserted:
                    out[i] = IngestOutcome(key=k, status="added", revision=1)
                else:  # another writer stored it between our SELECT and INSERT: compare as usual
                    slow.append(i)
        slow.sort(key=lambda i: (batch[i].key, i))  # key order as above; a key's repeats in batch order
        for i in slow:
            out[i] = self._add_one(conn, batch[i], when)
        return [o for o in out if o is not None]

    def _add_one(self, conn: sa.Connection, a: Article, when: str) -> IngestOutcome:
        cur = conn.execute(
            sa.select(t.articles.c.content_hash, t.articles.c.revision).where(t.articles.c.key == a.key)
        ).first()
        if cur is None:
            res = conn.execute(insert_ignore(self.engine, t.articles).values(**_row(a, when)))
            if res.rowcount:
                conn.execute(
                    insert_ignore(self.engine, t.article_revisions).values(
                        article_key=a.key, revision=1, content_hash=a.content_hash, title=a.title,
                        text=a.text, seen_at=when,
                    )
                )
                return IngestOutcome(key=a.key, status="added", revision=1)
            return IngestOutcome(key=a.key, status="unchanged", revision=1)
        if cur.content_hash == a.content_hash:
            return IngestOutcome(key=a.key, status="unchanged", revision=cur.revision)
        known = conn.execute(
            sa.select(t.article_revisions.c.revision).where(
                t.article_revisions.c.article_key == a.key, t.article_revisions.c.content_hash == a.content_hash
            )
        ).first()
        if known is not None:  # an older text seen again: nothing new
            return IngestOutcome(key=a.key, status="unchanged", revision=cur.revision)
        rev = cur.revision + 1
        conn.execute(
            t.article_revisions.insert().values(
                article_key=a.key, revision=rev, content_hash=a.content_hash, title=a.title, text=a.text, seen_at=when
            )
        )
        conn.execute(
            t.articles.update()
            .where(t.articles.c.key == a.key)
            .values(text=a.text, title=a.title, content_hash=a.content_hash, revision=rev, updated_at=when,
                    author=a.author or None, published=a.published)
        )
        log.info("article %s revised to revision %d", a.key, rev)
        return IngestOutcome(key=a.key, status="revised", revision=rev)

    def get_article(self, ref: str) -> Article | None:
        """An article by key, unique key prefix, external id or URL."""
        a = t.articles
        with self.engine.connect() as conn:
            for cond in (a.c.key == ref, a.c.external_id == ref, a.c.url == ref, a.c.canonical_url == ref):
                r = conn.execute(sa.select(a).where(cond).limit(2)).all()
                if len(r) == 1:
                    return article_from_row(r[0])
            if len(ref) >= 4:
                r = conn.execute(sa.select(a).where(a.c.key.startswith(ref, autoescape=True)).limit(2)).all()
                if len(r) == 1:
                    return article_from_row(r[0])
        return None

    def articles_by_keys(self, keys: Sequence[str]) -> list[tuple[Article, int]]:
        """(article, current revision) for each key that exists, in the order given."""
        a = t.articles
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(a).where(a.c.key.in_(list(keys)))).all()
        found = {r.key: (article_from_row(r), int(r.revision)) for r in rows}
        return [found[k] for k in keys if k in found]

    def revisions(self, key: str) -> list[dict[str, Any]]:
        r = t.article_revisions
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(r).where(r.c.article_key == key).order_by(r.c.revision)).all()
        return [dict(x._mapping) for x in rows]

    def list_articles(
        self,
        *,
        q: str | None = None,
        outlet: str | None = None,
        limit: int = 50,
        offset: int = 0,
        after_key: str | None = None,
    ) -> list[Article]:
        """Articles newest first; ``q`` searches title and text (a literal, never SQL)."""
        a = t.articles
        stmt = sa.select(a)
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            stmt = stmt.where(sa.or_(a.c.title.ilike(like, escape="\\"), a.c.text.ilike(like, escape="\\")))
        if outlet:
            stmt = stmt.where(a.c.outlet == outlet)
        if after_key:
            stmt = stmt.where(a.c.key > after_key)
        stmt = stmt.order_by(a.c.published.desc().nulls_last(), a.c.key).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [article_from_row(r) for r in conn.execute(stmt)]

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in key order, read in pages so memory stays flat."""
        for r in iter_rows(self.engine, t.articles, "key", batch):
            yield article_from_row(r)

    def count(self, table: str) -> int:
        tbl = t.metadata.tables[table]
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(tbl)).scalar_one())

    def start_run(self, command: str) -> int:
        with self._write() as conn:
            res = conn.execute(t.runs.insert().values(command=command, started_at=now_iso()))
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, counts: dict[str, Any]) -> None:
        with self._write() as conn:
            conn.execute(t.runs.update().where(t.runs.c.id == run_id).values(finished_at=now_iso(), counts=counts))
