"""Grouping claims into sagas: across languages and months, revived sagas, incremental = batch, idempotent."""

from __future__ import annotations

from conftest import claim, put, saga_of, snapshot

from mercato import stories


def _keys(store):
    return [a.key for a in store.iter_articles()]


def test_cross_language_and_months_apart_is_one_saga(store):
    put(store, "a1", claims=[claim("Joe Gomez", "Liverpool", "AC Milan", "interest", primary=True)],
        outlet="gazzetta.it", date="2025-06-01", lang="it")
    put(store, "a2", claims=[claim("Gomez", "Liverpool FC", "AC Milan", "talks")], outlet="marca.com",
        date="2025-08-20", lang="es")
    put(store, "a3", claims=[claim("Joe Gomez", None, "AC Milan", "collapsed")], outlet="bild.de",
        date="2025-09-01", lang="de")
    put(store, "a4", claims=[claim("Joe Gomez", "Liverpool", "AC Milan", "interest")], outlet="lequipe.fr",
        date="2026-01-20", lang="fr")
    put(store, "b1", claims=[claim("Joe Gomez", "Liverpool", "Crystal Palace", "interest")], date="2025-08-21")
    stories.update(store, _keys(store))
    s = saga_of(store)
    assert s["a1"] == s["a2"] == s["a3"] == s["a4"]
    assert s["b1"] != s["a1"]
    saga = store.get_saga(s["a1"])
    assert saga["n_articles"] == 4 and set(saga["langs"]) == {"it", "es", "de", "fr"}
    assert saga["from_club"] == "Liverpool"


def test_revived_with_a_different_outcome_is_a_new_saga(store):
    # a loan done in January, then a permanent move that collapsed in the summer
    put(store, "j1", claims=[claim("Randal Kolo Muani", "Paris Saint-Germain", "Juventus", "medical")],
        date="2025-01-28")
    put(store, "j2", claims=[claim("Kolo Muani", "PSG", "Juventus", "loan")], date="2025-01-31")
    put(store, "s1", claims=[claim("Randal Kolo Muani", "Paris Saint-Germain", "Juventus", "talks", 45)],
        date="2025-07-10")
    put(store, "s2", claims=[claim("Randal Kolo Muani", "Paris Saint-Germain", "Juventus", "collapsed")],
        date="2025-08-30")
    stories.update(store, _keys(store))
    s = saga_of(store)
    assert s["j1"] == s["j2"] and s["s1"] == s["s2"] and s["j1"] != s["s1"]
    assert store.get_saga(s["j1"])["outcome"] == "done"
    assert store.get_saga(s["s1"])["outcome"] == "collapsed"


def test_recurring_link_with_the_same_outcome_stays_one_saga(store):
    for i, (date, stage) in enumerate([("2023-10-01", "interest"), ("2024-01-15", "talks"),
                                       ("2024-06-30", "collapsed"), ("2025-07-20", "talks"),
                                       ("2025-08-31", "collapsed")]):
        put(store, f"r{i}", claims=[claim("Jadon Sancho", "Manchester United", "Juventus", stage)], date=date)
    stories.update(store, _keys(store))
    assert len(set(saga_of(store).values())) == 1


def test_collapse_then_done_months_later_splits(store):
    put(store, "c1", claims=[claim("Marc Guehi", "Crystal Palace", "Liverpool", "agreement")], date="2025-08-30")
    put(store, "c2", claims=[claim("Marc Guehi", "Crystal Palace", "Liverpool", "collapsed")], date="2025-09-01")
    put(store, "c3", claims=[claim("Marc Guehi", "Crystal Palace", "Liverpool", "talks")], date="2026-01-10")
    put(store, "c4", claims=[claim("Marc Guehi", "Crystal Palace", "Liverpool", "done")], date="2026-01-19")
    stories.update(store, _keys(store))
    s = saga_of(store)
    assert s["c1"] == s["c2"] != s["c3"] == s["c4"]


def _corpus(store):
    put(store, "p1", claims=[claim("Alexander Isak", "Newcastle United", "Liverpool", "bid", 120, primary=True),
                             claim("Marc Guehi", "Crystal Palace", "Liverpool", "talks")], date="2025-08-20")
    put(store, "p2", claims=[claim("Isak", "Newcastle", "Liverpool", "agreement")], date="2025-08-31")
    put(store, "p3", claims=[claim("Alexander Isak", None, "Liverpool", "done")], partial="2025-09")
    put(store, "p4", claims=[claim("Marc Guehi", "Crystal Palace", "Liverpool", "collapsed", primary=True)])
    put(store, "p5", claims=[claim("Florian Wirtz", "Bayer Leverkusen", "Liverpool", "done")], date="2025-06-20")
    put(store, "p6", claims=[claim("Florian Wirtz", "Leverkusen", "Liverpool", "agreement")], date="2025-06-10")


def test_incremental_equals_batch_and_is_idempotent(new_store):
    whole, halves = new_store("whole"), new_store("halves")
    _corpus(whole)
    _corpus(halves)
    stories.update(whole, _keys(whole))
    keys = _keys(halves)
    stories.update(halves, keys[3:])
    stories.update(halves, keys[:3])
    assert snapshot(whole) == snapshot(halves)
    before = {s["id"]: s for s in whole.iter_sagas()}
    rel_before = whole.source_reliability_table()
    stories.update(whole, _keys(whole))
    stories.update(whole, _keys(whole)[:2])
    after = {s["id"]: s for s in whole.iter_sagas()}
    assert after == before  # not even updated_at moved
    assert whole.source_reliability_table() == rel_before
    s = saga_of(whole)
    assert s["p1"] == s["p2"] == s["p3"] and s["p4"] != s["p1"] and s["p5"] == s["p6"]
    assert whole.get_saga(s["p1"])["outcome"] == "done"


def test_other_claims_join_their_own_sagas_and_candidates_come_from_the_index(store):
    put(store, "o1", claims=[claim("Alexander Isak", "Newcastle United", "Liverpool", "done", primary=True),
                             claim("Nick Woltemade", "VfB Stuttgart", "Newcastle United", "done")])
    put(store, "o2", claims=[claim("Nick Woltemade", "Stuttgart", "Newcastle United", "medical", primary=True)])
    stories.update(store, _keys(store)[:1])
    stories.update(store, _keys(store)[1:])
    rows = store.article_sagas()
    wolt = {r["saga_id"] for r in rows if "woltemade" in r["saga_id"]}
    assert len(wolt) == 1
    roles = {(r["saga_id"].split("-")[0], r["role"]) for r in rows}
    assert ("nick", "other") in roles and ("nick", "primary") in roles and ("alexander", "primary") in roles
    assert store.count("saga_index") > 0


def test_stats_count_sagas(store):
    _corpus(store)
    stories.update(store, _keys(store))
    assert store.stats()["sagas"] == store.count("sagas") >= 3


def test_update_on_both_backends(store_url):
    from mercato.store import Store

    s = Store.open(store_url)
    try:
        _corpus(s)
        keys = _keys(s)
        assert stories.update(s, keys) >= 3
        before = snapshot(s)
        stories.update(s, keys[:2])
        assert snapshot(s) == before
        sid = saga_of(s)["p1"]
        assert stories.as_of(s, sid, "2025-08-25")["n_articles"] == 1
        assert stories.evaluation_view(s)
    finally:
        s.close()
