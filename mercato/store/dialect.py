"""Everything that differs between SQLite and PostgreSQL lives here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from mercato.errors import MissingDependency, StoreError

log = logging.getLogger(__name__)


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``: SQLite in WAL mode with a busy timeout, or PostgreSQL through psycopg 3."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingDependency("psycopg", "postgres") from None
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    if not url.startswith("sqlite"):
        raise StoreError("unsupported database URL; use a path, sqlite:///PATH or postgresql://…", where=url)
    engine = sa.create_engine(url, future=True, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=60000")
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except Exception:  # read-only file: keep whatever mode it has
            log.debug("could not switch %s to WAL", url)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A write transaction takes the lock up front, so two writers queue on the busy timeout
        # instead of failing with "database is locked" when a read lock cannot be upgraded.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


@contextlib.contextmanager
def write_tx(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed when the block ends, rolled back on error."""
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info["write"] = False


def insert_ignore(engine: sa.Engine, table: sa.Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the engine's dialect."""
    if is_sqlite(engine):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert(table).on_conflict_do_nothing()


def upsert(engine: sa.Engine, table: sa.Table, keys: list[str], update: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET update…`` for the engine's dialect."""
    if is_sqlite(engine):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in update})


def iter_rows(engine: sa.Engine, table: sa.Table, key: str, batch: int = 500) -> Iterator[Any]:
    """Every row of ``table`` in ``key`` order, read in pages (keyset) so memory stays flat."""
    col = table.c[key]
    last: Any = ""
    while True:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table).where(col > last).order_by(col).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1]._mapping[key]


#: rows per statement when a list of keys is bound (well under SQLite's variable limit)
CHUNK = 500


def chunks(items: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``n``: one ``IN (…)`` statement each."""
    for i in range(0, len(items), n):
        yield items[i:i + n]
