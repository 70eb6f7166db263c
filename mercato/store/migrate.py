"""Alembic migrations, applied on open and listed by ``mercato db migrate --list``."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mercato.errors import MigrationError

_HERE = Path(__file__).parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def list_migrations() -> list[tuple[str, str]]:
    """(revision, message) in order from the first."""
    script = ScriptDirectory.from_config(_config())
    revs = list(script.walk_revisions())
    return [(r.revision, (r.doc or "").strip()) for r in reversed(revs)]


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, url_for_errors: str) -> None:
    """Bring the database to the newest revision (a no-op when it is there)."""
    try:
        if current(engine) == head():
            return
        with engine.connect() as conn:
            conn.info["write"] = True
            pg = engine.dialect.name == "postgresql"
            if pg:  # one migrator at a time across processes
                conn.exec_driver_sql("SELECT pg_advisory_lock(72650101)")
                conn.commit()
            try:
                cfg = _config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
            finally:
                if pg:
                    conn.exec_driver_sql("SELECT pg_advisory_unlock(72650101)")
                    conn.commit()
    except sa.exc.SQLAlchemyError as exc:
        raise MigrationError(f"cannot migrate: {exc.orig if hasattr(exc, 'orig') else exc}", where=url_for_errors) from exc
