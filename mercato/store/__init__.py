"""The durable store: SQLite by default, PostgreSQL for teams (SQLAlchemy Core 2 + Alembic).

``Store.open(url)`` connects and applies migrations. Repositories per concept are mixed in:
articles (:mod:`.articles`), understanding (:mod:`.understanding`), feeds (:mod:`.feeds`),
stories (:mod:`.stories`), follow (:mod:`.follow`), the LLM reader's answers (:mod:`.llm_cache`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from mercato.errors import StoreError
from mercato.store import migrate
from mercato.store.articles import ArticlesRepo
from mercato.store.board import BoardRepo
from mercato.store.calibration import CalibrationRepo
from mercato.store.dialect import create_engine, write_tx
from mercato.store.feeds import FeedsRepo
from mercato.store.finders import FindersRepo
from mercato.store.follow import FollowRepo
from mercato.store.llm_cache import LlmCacheRepo
from mercato.store.outlet_pages import OutletPagesRepo
from mercato.store.players import PlayersRepo
from mercato.store.saga_refs import SagaRefsRepo
from mercato.store.stories import StoriesRepo
from mercato.store.understanding import UnderstandingRepo

log = logging.getLogger(__name__)

__all__ = ["Store"]


def _describe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    low = text.lower()
    if "readonly" in low or "read-only" in low or "read only" in low:
        return f"the database is read-only ({text})"
    if "disk" in low and "full" in low or "no space" in low or "file too large" in low:
        return f"the disk is full ({text})"
    if "disk i/o error" in low:
        return f"cannot write to the disk: it is full, over a file-size limit, or failing ({text})"
    return text


class Store(ArticlesRepo, UnderstandingRepo, PlayersRepo, FeedsRepo, StoriesRepo, BoardRepo, FindersRepo,
            OutletPagesRepo, CalibrationRepo, FollowRepo, LlmCacheRepo, SagaRefsRepo):
    """One store; safe to share across threads, one per process."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url: str, *, migrate_now: bool = True) -> Store:
        """Open (creating when needed) the store at ``url`` and bring its schema up to date."""
        if url.startswith("sqlite:///"):
            from pathlib import Path

            path = Path(url[len("sqlite:///"):])
            if path.is_dir():
                raise StoreError("is a directory, not a database file", where=str(path))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the database folder: {exc.strerror}", where=str(path)) from None
        engine = create_engine(url)
        store = cls(engine, url)
        if migrate_now:
            try:
                migrate.upgrade(engine, store.display_url)
            except StoreError:
                engine.dispose()
                raise
            except sa.exc.SQLAlchemyError as exc:
                engine.dispose()
                raise StoreError(_describe(exc), where=store.display_url) from exc
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction; database faults become a StoreError naming the database."""
        try:
            with write_tx(self.engine) as conn:
                yield conn
            self.clear_read_cache()
        except sa.exc.OperationalError as exc:
            raise StoreError(_describe(exc), where=self.display_url) from exc

    def stats(self) -> dict[str, Any]:
        """Counts for ``mercato stats``."""
        out: dict[str, Any] = {}
        for name in ("articles", "article_revisions", "claims", "citations", "sagas", "feeds", "players"):
            out[name] = self.count(name)
        out["revisions"] = out.pop("article_revisions")
        with self.engine.connect() as conn:
            out["understood"] = int(conn.execute(sa.select(sa.func.count()).select_from(
                sa.table("understanding"))).scalar_one())
            rows = conn.execute(sa.text("SELECT outlet, COUNT(*) FROM articles GROUP BY outlet ORDER BY 2 DESC, 1"
                                        " LIMIT 20")).all()
            out["top_outlets"] = {r[0] or "": int(r[1]) for r in rows}
            rows = conn.execute(sa.text("SELECT lang, COUNT(*) FROM understanding GROUP BY lang ORDER BY 2 DESC, 1"
                                        )).all()
            out["languages"] = {r[0] or "": int(r[1]) for r in rows}
        return out
