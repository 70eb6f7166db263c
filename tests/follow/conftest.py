"""A store with sample sagas (the rows the stories stage writes) on both backends, and fast webhook settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mercato.settings import Settings
from mercato.store import Store
from mercato.store import schema as t


@pytest.fixture
def sagas_store(store_url: str) -> Iterator[Store]:
    from mercato.interfaces.web.sample import write_sample

    store = Store.open(store_url)
    write_sample(store, 12, seed=3)
    try:
        yield store
    finally:
        store.close()


def set_saga(store: Store, saga_id: str, **values: Any) -> None:
    """Change a stored saga as a later run of the stories stage would."""
    with store._write() as conn:
        conn.execute(t.sagas.update().where(t.sagas.c.id == saga_id).values(**values))


def fast(**changes: Any) -> Settings:
    """Loopback receivers allowed, back-off in hundredths of a second."""
    return Settings(allow_private=True, webhook_backoff_s=0.01, webhook_timeout_s=5.0).replace(**changes)
