"""Provenance: re-reports of a credited source, near-duplicate copies, the citation graph, source counts."""

from __future__ import annotations

from conftest import claim, put

from mercato import stories

WIRE = ("Victor Boniface has arrived in Milan this morning to complete his medical ahead of a loan move from "
        "Bayer Leverkusen with an option to buy worth 24 million euros, the clubs having agreed the terms late "
        "last night after a long negotiation over the structure of the deal and the player's salary.")


def _saga(store):
    return next(store.iter_sagas())


def test_crediting_sky_sport_is_a_re_report(store):
    c = [claim("Victor Boniface", "Bayer Leverkusen", "AC Milan", "agreement", primary=True)]
    put(store, "own", claims=c, outlet="sport.sky.it", date="2025-08-22",
        text="Sky Sport learns Milan and Leverkusen agreed the Boniface loan tonight, our reporter says.")
    put(store, "rr", claims=c, outlet="pianetamilan.it", date="2025-08-23", cited=[("Sky Sport", "outlet")],
        text="Secondo Sky Sport il Milan ha trovato l'accordo con il Leverkusen per Boniface in prestito.")
    put(store, "off", claims=[claim("Victor Boniface", "Bayer Leverkusen", "AC Milan", "medical", primary=True)],
        outlet="acmilan.com", date="2025-08-24", cited=[("AC Milan (official)", "club")],
        text="AC Milan announce that Victor Boniface is undergoing medical examinations today.")
    stories.update(store, [a.key for a in store.iter_articles()])
    s = _saga(store)
    by_outlet = {t["outlet"]: t for t in s["data"]["timeline"]}
    assert by_outlet["pianetamilan.it"]["original"] is False
    assert by_outlet["pianetamilan.it"]["cited"] == ["Sky Sport"]
    assert by_outlet["sport.sky.it"]["original"] is True
    assert by_outlet["acmilan.com"]["original"] is True  # an official statement is first-hand
    edges = s["data"]["provenance"]["edges"]
    assert any(e["kind"] == "cites" and e["source"] == "pianetamilan" for e in edges), edges
    counts = s["data"]["source_counts"]
    assert counts["pianetamilan"]["rereports"] == 1 and counts["pianetamilan"]["originals"] == 0
    rows = {r["outlet"]: r for r in store.saga_rows(s["id"])}
    assert rows["pianetamilan.it"]["is_original"] is False
    first = {d["stage"]: d for d in s["data"]["developments"]}
    assert first["agreement"]["first_by"] in ("sport.sky.it", "Sky Sports", "Sky Sport")
    assert first["agreement"]["rereports"] == 1


def test_near_duplicate_copy_is_linked(store):
    c = [claim("Victor Boniface", "Bayer Leverkusen", "AC Milan", "medical", 24, primary=True)]
    k1 = put(store, "w1", claims=c, outlet="ansa.it", date="2025-08-23", text=WIRE)
    put(store, "w2", claims=c, outlet="someaggregator.net", date="2025-08-23",
        text="BREAKING: " + WIRE.replace("this morning", "on Saturday morning") + " More soon.")
    put(store, "w3", claims=c, outlet="othernews.com", date="2025-08-24",
        text="Completely different words: the Nigerian striker is expected at Milanello for tests and a loan.")
    stories.update(store, [a.key for a in store.iter_articles()])
    tl = {t["outlet"]: t for t in _saga(store)["data"]["timeline"]}
    assert tl["someaggregator.net"]["copy_of"] == k1 and tl["someaggregator.net"]["original"] is False
    assert tl["othernews.com"]["copy_of"] is None and tl["othernews.com"]["original"] is True
    assert any(e["kind"] == "copy" for e in _saga(store)["data"]["provenance"]["edges"])


def test_re_reports_do_not_count_as_independent_evidence(new_store):
    """Ten outlets repeating one source move the likelihood like one report, not like ten."""
    one, many = new_store("one"), new_store("many")
    c = [claim("Some Player", "Club A", "Club B", "agreement", primary=True)]
    put(one, "o", claims=c, outlet="first.com", date="2025-07-01", cited=[("Some Journalist", "journalist")])
    for i in range(10):
        put(many, f"m{i}", claims=c, outlet=f"copy{i}.com", date="2025-07-01",
            cited=[("Some Journalist", "journalist")], text=f"Report number {i} crediting the journalist {i * 7}.")
    for s in (one, many):
        stories.update(s, [a.key for a in s.iter_articles()])
    assert abs(next(one.iter_sagas())["likelihood"] - next(many.iter_sagas())["likelihood"]) < 1e-6
