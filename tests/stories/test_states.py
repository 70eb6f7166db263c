"""Saga states beyond a saga's own reports: superseded by the player's done move, stale after its window,
background mentions, and articles that are not transfer news."""

from __future__ import annotations

from conftest import claim, put

from mercato import pipeline, stories
from mercato.models import RawArticle
from mercato.stories.params import params_from

G = "Marc Guehi"


def _all(store, params=None):
    stories.update(store, [a.key for a in store.iter_articles()], params=params)


def _by_to(store):
    return {s["to_club"]: s for s in store.iter_sagas()}


def _live(store):
    rows, _ = store.board_list_sagas(resolved=False, limit=100)
    return {s["to_club"] for s in rows}


def _guehi(store, order):
    arts = {
        "l": dict(claims=[claim(G, "Crystal Palace", "Liverpool", "talks")], outlet="l.com", date="2025-07-10"),
        "b": dict(claims=[claim(G, "Crystal Palace", "Bayern Munich", "interest")], outlet="b.com",
                  date="2025-07-01"),
        "c": dict(claims=[claim(G, "Crystal Palace", "Manchester City", "done")], outlet="mancity.com",
                  date="2025-08-20", cited=[("Manchester City (official)", "club")]),
    }
    for rid in order:
        put(store, rid, **arts[rid])
        _all(store)


def test_a_done_move_supersedes_the_players_other_live_sagas_in_any_order(new_store):
    snaps = []
    for i, order in enumerate(("lbc", "clb", "blc")):
        store = new_store(f"o{i}")
        _guehi(store, order)
        s = _by_to(store)
        city = s["Manchester City"]
        assert city["status"] == "done" and city["resolved"]
        for club in ("Liverpool", "Bayern Munich"):
            assert s[club]["status"] == "superseded" and not s[club]["resolved"]
            assert s[club]["data"]["superseded_by"] == {"id": city["id"], "to_club": "Manchester City",
                                                        "date": "2025-08-20"}
        assert _live(store) == set()
        snaps.append(sorted((x["id"], x["status"], str(x["data"].get("superseded_by"))) for x in s.values()))
    assert snaps[0] == snaps[1] == snaps[2]


def test_a_later_report_revives_a_superseded_saga(store):
    _guehi(store, "lbc")
    put(store, "b2", claims=[claim(G, "Crystal Palace", "Bayern Munich", "talks")], outlet="b2.com",
        date="2025-08-25")
    _all(store)
    s = _by_to(store)
    assert s["Bayern Munich"]["status"] == "talks" and "superseded_by" not in s["Bayern Munich"]["data"]
    assert s["Liverpool"]["status"] == "superseded"
    assert _live(store) == {"Bayern Munich"}


def test_a_done_move_in_another_window_supersedes_nothing(store):
    put(store, "l", claims=[claim(G, "Crystal Palace", "Liverpool", "talks")], date="2025-10-10")
    put(store, "c", claims=[claim(G, "Crystal Palace", "Manchester City", "done")], date="2025-08-20",
        cited=[("Manchester City (official)", "club")])
    _all(store)
    assert _by_to(store)["Liverpool"]["status"] == "talks"


def test_a_saga_with_no_report_long_after_its_window_closed_is_stale(store):
    put(store, "s1", claims=[claim("Jonathan David", "Lille", "Napoli", "talks")], date="2025-07-10")
    _all(store)
    assert _live(store) == {"Napoli"}
    s = next(store.iter_sagas())
    assert s["stale_after"] == "2025-10-01"  # the summer window closes on 1 September, then 30 days' grace
    # the news clock moves on: another saga reported in November
    put(store, "o1", claims=[claim("Other Player", "Lens", "Roma", "talks")], date="2025-11-15")
    _all(store)
    shown = {x["to_club"]: x["status"] for x in store.board_list_sagas(limit=10)[0]}
    assert shown == {"Napoli": "stale", "Roma": "talks"}
    assert _live(store) == {"Roma"}
    assert [x["to_club"] for x in store.board_list_sagas(status="stale")[0]] == ["Napoli"]
    assert store.board_count_sagas(resolved=False) == 1
    assert store.board_get_saga(s["id"])["status"] == "stale"
    assert next(x for x in store.iter_sagas() if x["id"] == s["id"])["status"] == "talks"  # stored as read


def test_the_grace_period_is_data(store):
    p = params_from({"windows": {"stale_grace_days": 120}})
    put(store, "s1", claims=[claim("Jonathan David", "Lille", "Napoli", "talks")], date="2025-07-10")
    put(store, "o1", claims=[claim("Other Player", "Lens", "Roma", "talks")], date="2025-11-15")
    _all(store, p)
    assert _live(store) == {"Napoli", "Roma"}


def test_background_mentions_set_no_status(store):
    put(store, "h1", claims=[claim(G, "Crystal Palace", "Liverpool", "collapsed", background=True)],
        date="2025-12-01")
    _all(store)
    s = next(store.iter_sagas())
    assert s["status"] == "background" and not s["resolved"]
    assert _live(store) == set()
    put(store, "h2", claims=[claim(G, "Crystal Palace", "Liverpool", "talks")], outlet="other.com",
        date="2025-12-03")
    put(store, "h3", claims=[claim(G, "Crystal Palace", "Liverpool", "collapsed", background=True)],
        outlet="third.com", date="2025-12-05")
    _all(store)
    s = next(store.iter_sagas())
    assert s["status"] == "talks" and not s["resolved"]  # the later background collapse did not end it
    assert [e["background"] for e in s["data"]["timeline"]] == [True, False, True]


MATCH = """Palmeiras 2-1 Santos: late header settles the derby

Palmeiras beat Santos 2-1 on Sunday evening in front of a full stadium. The home side took the lead after 20
minutes when Lucas Moreira scored from a corner, and Santos drew level early in the second half through a penalty.
Diego Ferraz, who completed his move from Santos last year, scored the winner in the 82nd minute with a header,
his ninth goal of the league season.
Santos had a man sent off with a red card in stoppage time. Palmeiras are now three points behind the league
leaders with six rounds to play, while Santos remain in the relegation zone after their fourth defeat in five
matches. The coach praised the second half performance and said the points were deserved."""


def test_a_match_report_never_makes_a_saga(store):
    raw = RawArticle(origin="test:match", url="https://example.com/match", text=MATCH, date="2025-10-05",
                     outlet="example.com", external_id="match")
    pipeline.ingest(store, [raw])
    (u,) = [store.get_understanding(a.key) for a in store.iter_articles()]
    assert not u.is_transfer and u.claims  # the reader kept a claim it read in passing ...
    assert list(store.iter_sagas()) == []  # ... but an article that is not transfer news makes no saga
