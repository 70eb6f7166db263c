"""Short saga ids (git-like: the shortest unique prefix of a code, ≥ 7 hex digits) and their resolution, on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest

from mercato.store import Store
from mercato.store import schema as t
from mercato.store.saga_refs import SHORT, SagaRefError, saga_code, short_codes

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


def test_short_ids_are_short_and_resolve_back(store):
    short = store.saga_short_ids(IDS)
    assert set(short) == set(IDS)
    assert len(set(short.values())) == len(IDS)
    for full, s in short.items():
        assert len(s) == SHORT and saga_code(full).startswith(s)
        assert store.resolve_saga_id(s) == full
        assert store.resolve_saga_id(full) == full
    # a unique prefix of the readable id works too
    assert store.resolve_saga_id("marc-guehi") == "marc-guehi-crystal-palace-liverpool"
    assert store.resolve_saga_id("isak-x") == "isak-x"  # itself the start of another id: the exact id wins
    assert store.resolve_saga_id("isak-x-2025") == "isak-x-20250701"


def test_unknown_and_ambiguous_references_are_clear_errors(store):
    with pytest.raises(SagaRefError, match="ambiguous") as amb:
        store.resolve_saga_id("jadon-sancho")
    assert amb.value.status == 400
    assert "jadon-sancho-manchester-united-aston-villa" in str(amb.value) and "'jadon-sancho'" in str(amb.value)
    with pytest.raises(SagaRefError, match="no saga 'zzzzzzz'") as unknown:
        store.resolve_saga_id("zzzzzzz")
    assert unknown.value.status == 404
    with pytest.raises(SagaRefError, match="at least 6 characters"):
        store.resolve_saga_id("marc")  # a prefix shorter than six characters is not accepted
    with pytest.raises(SagaRefError, match="no saga"):
        store.resolve_saga_id("marc-%")  # LIKE wildcards are plain characters
    with pytest.raises(SagaRefError, match="no saga"):
        store.resolve_saga_id("0123456789abcdef")  # hex that starts no saga's code


def test_codes_sharing_seven_digits_get_longer():
    ids = [f"saga-{n}" for n in range(30000)]
    codes = short_codes(ids, ids)
    assert len(set(codes.values())) == len(ids)
    groups: dict[str, list[str]] = {}
    for i in ids:
        assert saga_code(i).startswith(codes[i])
        groups.setdefault(saga_code(i)[:SHORT], []).append(i)
    shared = [g for g in groups.values() if len(g) > 1]
    assert shared  # 30000 codes: some share their first seven digits (birthday bound)
    for g in shared:
        for i in g:
            assert len(codes[i]) > SHORT
            assert all(not saga_code(o).startswith(codes[i]) for o in g if o != i)
