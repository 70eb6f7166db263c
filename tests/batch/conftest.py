"""Fixtures for the batch tests: a small real Dask cluster, a bigger archive built from the dev corpus, and a
dump of a store's content that two runs can be compared by."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

# columns that say *when* a row was written, not what it says
VOLATILE = {"first_seen", "updated_at", "seen_at", "computed_at"}
TABLES = ("articles", "article_revisions", "understanding", "claims", "citations", "players", "sagas",
          "saga_articles", "source_reliability")


def _strip(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [_strip(x) for x in v]
    return v


def _norm(v: Any) -> Any:
    """JSON text parsed, write-time fields dropped at any depth (a saga's reports keep ``first_seen``)."""
    if isinstance(v, str) and v[:1] in "[{":
        try:
            v = json.loads(v)
        except ValueError:
            return v
    return _strip(v)


def dump(url: str, tables: tuple[str, ...] = TABLES) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, sorted, without the write-time columns."""
    from mercato.store import schema as t

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as conn:
            for name in tables:
                tbl = t.metadata.tables[name]
                cols = [c for c in tbl.c if c.name not in VOLATILE]
                rows = conn.execute(sa.select(*cols).order_by(*tbl.primary_key.columns)).all()
                out[name] = [{c.name: _norm(v) for c, v in zip(cols, r, strict=True)} for r in rows]
    finally:
        engine.dispose()
    return out


@pytest.fixture(scope="session")
def store_dump() -> Callable[..., dict[str, list[dict[str, Any]]]]:
    return dump


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A LocalCluster of 2 worker processes with 1 thread each, shared by the batch tests."""
    pytest.importorskip("distributed")
    from mercato.batch import cluster

    with cluster(workers=2) as client:
        yield client


def replicate(src: Path, dest: Path, copies: int) -> int:
    """``copies`` copies of an archive, each under new ids and URLs (so new keys); returns the line count."""
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = 0
    with dest.open("w", encoding="utf-8") as f:
        for i in range(copies):
            for o in rows:
                o = dict(o, id=f"{o['id']}-c{i}")
                if o.get("url"):
                    scheme, rest = o["url"].split("://", 1)
                    host, _, path = rest.partition("/")
                    o["url"] = f"{scheme}://{host}/c{i}/{path}"
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
                n += 1
    return n


@pytest.fixture(scope="session")
def replicated() -> Callable[[Path, Path, int], int]:
    return replicate
