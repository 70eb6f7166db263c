"""Status, likelihood and as-of: only earlier articles count, and a saga's own outcome never scores it."""

from __future__ import annotations

from conftest import claim, put, saga_of

from mercato import stories

P = ("Leroy Sane", "Bayern Munich", "Galatasaray")


def _all(store):
    stories.update(store, [a.key for a in store.iter_articles()])


def test_status_and_likelihood_follow_the_evidence(store):
    put(store, "a", claims=[claim(*P, "talks")], date="2025-06-01")
    _all(store)
    talks = next(store.iter_sagas())
    put(store, "b", claims=[claim(*P, "medical")], date="2025-06-20")
    put(store, "c", claims=[claim(*P, "done")], outlet="galatasaray.org", date="2025-06-27",
        cited=[("Galatasaray (official X)", "club")])
    _all(store)
    done = next(store.iter_sagas())
    assert talks["status"] == "talks" and not talks["resolved"]
    assert done["status"] == "done" and done["resolved"] and done["outcome"] == "done"
    assert done["likelihood"] > 0.9 > talks["likelihood"]
    assert done["data"]["status_evidence"]["article_key"] == [a.key for a in store.iter_articles()
                                                               if a.external_id == "c"][0]
    hist = done["data"]["likelihood_history"]
    assert [h["date"] for h in hist] == ["2025-06-01", "2025-06-20", "2025-06-27"]
    assert hist[0]["likelihood"] < hist[1]["likelihood"] < hist[2]["likelihood"]
    factors = [e["factor"] for e in done["data"]["explanation"]]
    assert factors[0] == "base rate" and any("official" in f for f in factors)


def test_as_of_uses_only_articles_dated_up_to_the_date(new_store):
    full, early = new_store("full"), new_store("early")
    for s in (full, early):
        put(s, "a", claims=[claim(*P, "agreement")], date="2025-06-10")
        put(s, "b", claims=[claim(*P, "medical")], partial="2025-06")  # surely published by 2025-06-30 only
    put(full, "c", claims=[claim(*P, "collapsed")], date="2025-07-15", cited=[("Bayern Munich (official)", "club")])
    _all(full)
    _all(early)
    sid = next(full.iter_sagas())["id"]
    before = stories.as_of(full, sid, "2025-06-29")
    assert before["n_articles"] == 1 and before["status"] == "agreement"
    july = stories.as_of(full, sid, "2025-07-10")
    assert july["n_articles"] == 2 and july["status"] == "medical"
    ref = stories.as_of(early, sid, "2025-07-10")
    assert july["likelihood"] == ref["likelihood"]  # the later collapse did not leak backwards
    after = stories.as_of(full, sid, "2025-07-20")
    assert after["status"] == "collapsed" and after["likelihood"] < july["likelihood"]
    assert stories.as_of(full, sid, "2025-01-01")["likelihood"] is None


def _world(store, ending: str) -> None:
    # saga X: a journalist reports agreement first; the saga later ends one way or the other
    put(store, "x1", claims=[claim("Player X", "Club A", "Club B", "agreement", primary=True)], outlet="x1.com",
        date="2025-07-01", cited=[("Jo Journalist", "journalist")])
    put(store, "x2", claims=[claim("Player X", "Club A", "Club B", ending, primary=True)], outlet="clubb.com",
        date="2025-07-20", cited=[("Club B (official)", "club")])
    # saga Y: the same journalist, other players, ended done
    put(store, "y1", claims=[claim("Player Y", "Club C", "Club D", "agreement")], outlet="y1.com",
        date="2025-06-01", cited=[("Jo Journalist", "journalist")])
    put(store, "y2", claims=[claim("Player Y", "Club C", "Club D", "done")], outlet="clubd.com", date="2025-06-05",
        cited=[("Club D (official)", "club")])
    _all(store)


def test_a_sagas_own_outcome_never_scores_it(new_store):
    done, collapsed = new_store("done"), new_store("collapsed")
    _world(done, "done")
    _world(collapsed, "collapsed")
    vd, vc = stories.evaluation_view(done), stories.evaluation_view(collapsed)
    kd = {a.external_id: a.key for a in done.iter_articles()}
    kc = {a.external_id: a.key for a in collapsed.iter_articles()}
    # what saga X looked like from its first article does not depend on how X ended ...
    assert vd[kd["x1"]]["likelihood"] == vc[kc["x1"]]["likelihood"]
    # ... but the store did learn from it: the journalist's record differs between the two worlds
    rd = {r["source"]: r for r in done.source_reliability_table()}
    rc = {r["source"]: r for r in collapsed.source_reliability_table()}
    assert rd["jojournalist"]["hits"] == 2 and rc["jojournalist"]["hits"] == 1
    # and saga Y, scored with X's outcome, sees the difference
    assert vd[kd["y1"]]["likelihood"] > vc[kc["y1"]]["likelihood"]


def test_reliability_is_shrunk_toward_the_prior(store):
    for i in range(3):
        put(store, f"r{i}", claims=[claim(f"Player {i}", "Club A", f"Club {i}", "agreement")], outlet=f"r{i}.com",
            date="2025-06-01", cited=[("Rumour Mill", "outlet")])
        put(store, f"c{i}", claims=[claim(f"Player {i}", "Club A", f"Club {i}", "collapsed")], outlet=f"c{i}.com",
            date="2025-06-10", cited=[(f"Club {i} (official)", "club")])
    _all(store)
    row = {r["source"]: r for r in store.source_reliability_table()}["rumourmill"]
    assert row["resolved"] == 3 and row["hits"] == 0
    assert 0 < row["reliability"] < row["prior"]


def test_evaluation_view_gives_primary_saga_and_likelihood(store):
    put(store, "e1", claims=[claim(*P, "talks", primary=True), claim("Other Guy", "X", "Y", "interest")],
        date="2025-06-01")
    put(store, "e2", claims=[claim("Other Guy", "X", "Y", "interest")], date="2025-06-02")
    _all(store)
    view = stories.evaluation_view(store)
    keys = {a.external_id: a.key for a in store.iter_articles()}
    s = saga_of(store)
    assert view[keys["e1"]]["saga"] == s["e1"]
    assert view[keys["e2"]]["saga"] != s["e1"]
    assert all(0 < v["likelihood"] < 1 for v in view.values())
