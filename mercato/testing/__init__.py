"""Test helpers shipped with the package: a throw-away PostgreSQL server for tests and benches."""

from mercato.testing.postgres import PostgresServer, find_bindir

__all__ = ["PostgresServer", "find_bindir"]
