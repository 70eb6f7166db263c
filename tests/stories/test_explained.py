"""One likelihood, explained exactly: the reasons are the terms of the computation and add up to the figure;
the chart ends on the figure; undated reports are placed by the day they were ingested and marked."""

from __future__ import annotations

import math

from conftest import claim, put

from mercato import stories
from mercato.stories.likelihood import logit

P = ("Nico Williams", "Athletic Club", "Barcelona")


def _saga(store):
    stories.update(store, [a.key for a in store.iter_articles()])
    (s,) = list(store.iter_sagas())
    return s


def _world(store):
    put(store, "a", claims=[claim(*P, "interest")], outlet="sport.es", date="2025-06-01",
        cited=[("Fabrizio Romano", "journalist")])
    put(store, "b", claims=[claim(*P, "talks")], outlet="marca.com", date="2025-06-10")
    put(store, "c", claims=[claim(*P, "collapsed")], outlet="as.com", date="2025-06-12")
    put(store, "d", claims=[claim(*P, "agreement")], outlet="mundodeportivo.com")  # undated


def test_the_reasons_add_up_to_the_likelihood(store):
    _world(store)
    s = _saga(store)
    expl = s["data"]["explanation"]
    lk = s["likelihood"]
    assert expl[0]["kind"] == "base" and expl[0]["effect"] == expl[0]["after"]
    assert math.isclose(sum(e["effect"] for e in expl), lk, abs_tol=1e-9)  # in probability, step by step
    assert math.isclose(sum(e["logodds"] for e in expl), logit(lk), abs_tol=1e-3)  # in log-odds
    assert expl[-1]["after"] == lk
    kinds = [e["kind"] for e in expl]
    assert kinds.count("origin") == 4 and "calibration" in kinds  # the shipped models carry a Platt scaling
    assert all(a["after"] == round(a["after"], 4) for a in expl)
    undated = next(e for e in expl if "mundodeportivo" in e["factor"].lower() or "mundodeportivo" in e["detail"])
    assert "undated" in undated["detail"] and "ingested" in undated["detail"]


def test_the_chart_ends_on_the_headline_and_marks_undated_reports(store):
    _world(store)
    s = _saga(store)
    hist = s["data"]["likelihood_history"]
    assert hist[-1]["likelihood"] == s["likelihood"]
    dated = [h for h in hist if not h.get("undated")]
    assert [h["date"] for h in dated] == ["2025-06-01", "2025-06-10", "2025-06-12"]
    ingest_day = next(e for e in s["data"]["timeline"] if e["undated"])["placed"]
    assert hist[-1] == {"date": ingest_day, "likelihood": s["likelihood"], "undated": 1}


def test_an_undated_report_ingested_long_ago_counts_less_than_a_fresh_one(new_store):
    old, fresh = new_store("old"), new_store("fresh")
    for st in (old, fresh):
        put(st, "a", claims=[claim(*P, "talks")], outlet="sport.es", date="2025-06-01")
    put(old, "b", claims=[claim(*P, "agreement")], outlet="marca.com", date="2025-08-20")
    put(fresh, "b", claims=[claim(*P, "agreement")], outlet="marca.com", date="2025-08-20")
    for st, seen in ((old, "2025-06-02"), (fresh, "2025-08-19")):
        key = put(st, "u", claims=[claim(*P, "done")], outlet="as.com")
        with st.engine.begin() as conn:
            from mercato.store import schema as t

            conn.execute(t.articles.update().where(t.articles.c.key == key).values(first_seen=seen + "T10:00:00Z"))
    lo, hi = _saga(old), _saga(fresh)
    assert lo["likelihood"] < hi["likelihood"]
    term = next(e for e in lo["data"]["explanation"] if "as.com" in e["factor"].lower() or "as.com" in e["detail"])
    assert "ingested 2025-06-02" in term["detail"] and "79 day(s) before the latest report" in term["detail"]
