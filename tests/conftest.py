"""Shared fixtures: a real PostgreSQL server, a fresh store URL on each backend, the dev corpus."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEV_CORPUS = REPO.parent / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A real PostgreSQL server (initdb + pg_ctl in a temp dir, 127.0.0.1, a free port) for the whole session."""
    from mercato.testing.postgres import PostgresServer, find_bindir

    if find_bindir() is None:
        pytest.skip("PostgreSQL binaries not found (no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH)")
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """URL of the session's PostgreSQL server (its ``postgres`` database)."""
    return pg_server.url()


@pytest.fixture
def pg_db(pg_server) -> Iterator[str]:
    """A new empty PostgreSQL database for one test; dropped afterwards."""
    url = pg_server.create_database()
    try:
        yield url
    finally:
        try:
            pg_server.drop_database(url)
        except Exception as exc:  # noqa: BLE001 - a test that crashed the server must not hide its own failure
            print(f"could not drop {url}: {exc}", file=sys.stderr)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """A fresh empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "store.db")
    return request.getfixturevalue("pg_db")


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    """``../shared/corpus/dev`` (relative to the repository root), or skip."""
    if not (DEV_CORPUS / "articles.jsonl").is_file():
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    return DEV_CORPUS


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch, tmp_path_factory) -> None:
    """Tests never read the user's settings file or default database."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for var in [v for v in os.environ if v.startswith("MERCATO_")]:
        monkeypatch.delenv(var, raising=False)
