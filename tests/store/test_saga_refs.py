"""Short saga ids (shortest unique prefix, ≥ 6 characters) and their resolution, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from mercato.store import Store
from mercato.store import schema as t
from mercato.store.saga_refs import MIN_PREFIX, SagaRefError, shortest_prefix

IDS = ["jadon-sancho-manchester-united-chelsea", "jadon-sancho-manchester-united-aston-villa",
       "alexander-isak-newcastle-united-liverpool", "isak-x", "isak-x-20250701", "marc-guehi-crystal-palace-liverpool",
       "abc"]


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    rows = [{"id": i, "link_key": i, "player": i.split("-")[0], "status": "talks", "updated_at": "2025-07-01"}
            for i in IDS]
    with s._write() as conn:
        conn.execute(t.sagas.insert(), rows)
    yield s
    s.close()


def test_short_ids_are_unique_prefixes_that_resolve_back(store):
    short = store.saga_short_ids(IDS)
    assert set(short) == set(IDS)
    for full, s in short.items():
        assert full.startswith(s)
        assert len(s) >= min(MIN_PREFIX, len(full))
        # no other saga's id starts with the short form unless it is the exact id
        others = [o for o in IDS if o != full and o.startswith(s)]
        assert others == [] or s == full
        assert store.resolve_saga_id(s) == full
    assert short["marc-guehi-crystal-palace-liverpool"] == "marc-g"
    assert short["jadon-sancho-manchester-united-chelsea"] == "jadon-sancho-manchester-united-c"
    assert short["isak-x"] == "isak-x"  # itself the prefix of another id: shown whole, exact match wins
    assert short["isak-x-20250701"] == "isak-x-"
    assert short["abc"] == "abc"


def test_unknown_and_ambiguous_prefixes_are_clear_errors(store):
    with pytest.raises(SagaRefError, match="ambiguous") as amb:
        store.resolve_saga_id("jadon-sancho")
    assert amb.value.status == 400
    assert "jadon-sancho-manchester-united-aston-villa" in str(amb.value) and "'jadon-sancho'" in str(amb.value)
    with pytest.raises(SagaRefError, match="no saga 'zzzzzzz'") as unknown:
        store.resolve_saga_id("zzzzzzz")
    assert unknown.value.status == 404
    with pytest.raises(SagaRefError, match="at least 6 characters"):
        store.resolve_saga_id("marc")  # a prefix shorter than six characters is not accepted
    # LIKE wildcards are literal characters in a prefix
    with pytest.raises(SagaRefError, match="no saga"):
        store.resolve_saga_id("marc-%")


def test_shortest_prefix_without_neighbours_is_six_characters():
    assert shortest_prefix("viktor-gyokeres-sporting-cp-arsenal", []) == "viktor"
    assert shortest_prefix("viktor-gyokeres-sporting-cp-arsenal", ["viktor-gyokeres-sporting-cp-arsenal"]) == "viktor"
    assert shortest_prefix("viktor-gyokeres-a", ["viktor-gyokeres-b"]) == "viktor-gyokeres-a"
