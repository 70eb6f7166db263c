"""Contradictions: fees apart beyond the tolerance, agreed vs collapsed at the same time, denials."""

from __future__ import annotations

from conftest import claim, put

from mercato import stories


def _contra(store):
    stories.update(store, [a.key for a in store.iter_articles()])
    sagas = list(store.iter_sagas())
    assert len(sagas) == 1
    return sagas[0]["data"]["contradictions"]


P = ("Nico Williams", "Athletic Club", "Barcelona")


def test_fee_disagreement_beyond_tolerance(store):
    put(store, "f1", claims=[claim(*P, "agreement", 58)], outlet="sport.es", date="2025-06-20")
    put(store, "f2", claims=[claim(*P, "agreement", 60)], outlet="as.com", date="2025-06-21")  # within 15 %
    put(store, "f3", claims=[claim(*P, "bid", 75)], outlet="marca.com", date="2025-06-22", cited=[("Relevo", "outlet")])
    fees = [c for c in _contra(store) if c["kind"] == "fee"]
    assert len(fees) == 1
    assert {fees[0]["a"]["value"], fees[0]["b"]["value"]} == {58, 75}
    assert fees[0]["b"]["sources"] == ["Relevo"] and fees[0]["a"]["outlet"] == "sport.es"


def test_no_fee_contradiction_within_tolerance(store):
    put(store, "f1", claims=[claim(*P, "agreement", 58)], date="2025-06-20")
    put(store, "f2", claims=[claim(*P, "agreement", 62)], outlet="other.com", date="2025-06-21")
    assert not [c for c in _contra(store) if c["kind"] == "fee"]


def test_agreed_vs_collapsed_on_near_dates(store):
    put(store, "s1", claims=[claim(*P, "agreement")], outlet="sport.es", date="2025-07-03",
        cited=[("Fabrizio Romano", "journalist")])
    put(store, "s2", claims=[claim(*P, "collapsed")], outlet="athletic-club.eus", date="2025-07-04",
        cited=[("Athletic Club (official)", "club")])
    put(store, "s3", claims=[claim(*P, "agreement")], outlet="old.com", date="2025-05-01")  # weeks before
    stages = [c for c in _contra(store) if c["kind"] == "stage"]
    assert len(stages) == 2
    c = stages[0]  # the pair at the same time first
    assert c["near"] and c["a"]["value"] == "agreement" and c["b"]["value"] == "collapsed"
    assert c["a"]["sources"] == ["Fabrizio Romano"] and c["b"]["sources"] == ["Athletic Club (official)"]
    far = stages[1]  # coexisting reports weeks apart are listed too, with the later word named
    assert not far["near"] and far["a"]["outlet"] == "old.com" and "64 days apart" in far["note"]
    assert "the later says collapsed" in far["note"]


def test_coexisting_undated_agreement_and_collapse_is_a_contradiction(store):
    put(store, "u1", claims=[claim(*P, "agreement")], outlet="sport.es")
    put(store, "u2", claims=[claim(*P, "collapsed")], outlet="marca.com", date="2025-07-04")
    stages = [c for c in _contra(store) if c["kind"] == "stage"]
    assert [(c["a"]["value"], c["b"]["value"]) for c in stages] == [("agreement", "collapsed")]
    assert "date is unknown" in stages[0]["note"]


def test_denial_lists_the_denied_report(store):
    put(store, "d1", claims=[claim("Jadon Sancho", "Manchester United", "Juventus", "agreement", 20)],
        outlet="thetimes.co.uk", date="2025-07-19")
    put(store, "d2", claims=[claim("Jadon Sancho", "Manchester United", "Juventus", "denied")],
        outlet="lottomatica.sport", date="2025-07-21", cited=[("The Athletic", "outlet")])
    denials = [c for c in _contra(store) if c["kind"] == "denial"]
    assert len(denials) == 1
    assert denials[0]["a"]["outlet"] == "thetimes.co.uk" and denials[0]["b"]["sources"] == ["The Athletic"]
    s = next(store.iter_sagas())
    assert s["status"] == "denied" and not s["resolved"]
    assert any("denied" in e["factor"] for e in s["data"]["explanation"])
