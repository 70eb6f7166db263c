"""Migrations: an empty database on both backends ends at head with exactly the tables of ``schema.py``."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from mercato.interfaces.cli import app
from mercato.store import Store, migrate
from mercato.store import schema as t


def test_migrate_empty_database_matches_schema(store_url):
    store = Store.open(store_url)
    try:
        assert migrate.current(store.engine) == migrate.head()
        insp = sa.inspect(store.engine)
        tables = set(insp.get_table_names()) - {"alembic_version"}
        assert tables == set(t.metadata.tables)
        for name, table in t.metadata.tables.items():
            cols = {c["name"]: c for c in insp.get_columns(name)}
            assert set(cols) == {c.name for c in table.columns}, name
            for c in table.columns:
                assert cols[c.name]["nullable"] == (c.nullable and not c.primary_key), (name, c.name)
            pk = set(insp.get_pk_constraint(name)["constrained_columns"])
            assert pk == {c.name for c in table.primary_key.columns}, name
            indexed = {tuple(ix["column_names"]) for ix in insp.get_indexes(name)}
            for c in table.columns:
                if c.index:
                    assert (c.name,) in indexed, f"{name}.{c.name} is indexed in schema.py but not by migrations"
    finally:
        store.close()


def test_opening_twice_is_a_no_op(store_url):
    Store.open(store_url).close()
    store = Store.open(store_url)
    try:
        assert migrate.current(store.engine) == migrate.head()
    finally:
        store.close()


def test_migrations_listed_in_order():
    revs = migrate.list_migrations()
    assert [r for r, _ in revs][:3] == ["0001", "0002", "0003"]
    assert all(msg for _, msg in revs)
    assert revs[-1][0] == migrate.head()


def test_db_migrate_list_marks_the_applied_one(tmp_path):
    db = tmp_path / "m.db"
    runner = CliRunner()
    res = runner.invoke(app, ["db", "migrate", "--list", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "0001" in res.output and "*" not in res.output  # nothing applied yet
    res = runner.invoke(app, ["db", "migrate", "--db", str(db)])
    assert res.exit_code == 0 and migrate.head() in res.output
    res = runner.invoke(app, ["db", "migrate", "--list", "--db", str(db)])
    marked = [line for line in res.output.splitlines() if line.startswith("*")]
    assert len(marked) == 1 and migrate.head() in marked[0]


def test_unsupported_url_is_a_clear_error(tmp_path):
    import pytest

    from mercato.errors import StoreError

    with pytest.raises(StoreError, match="unsupported database URL"):
        Store.open("mysql://x/y")
    with pytest.raises(StoreError, match="directory"):
        Store.open("sqlite:///" + str(tmp_path))
