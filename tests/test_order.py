"""The same articles give the same board whatever the order and the batching (a property test).

A small corpus written for this test -- full names and surnames alone, a Greek transliteration, a swapped
direction, sagas that end (done, collapsed) so that reliability and the base rate move -- is ingested once in
one batch, then in random orders, split into random runs of random batch sizes. Claims (player, clubs,
stage), saga memberships, statuses and likelihoods must be the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mercato import pipeline
from mercato.models import RawArticle
from mercato.store import Store

# (outlet, date, text): several players and clubs; some undated; some name a player by the surname alone
ARTICLES: list[tuple[str, str | None, str]] = [
    ("skysports.com", "2024-07-01", "Liverpool have agreed a fee with Milan for Rafael Leao. The winger will "
                                    "undergo a medical on Monday."),
    ("zougla.gr", "2024-07-02", "Η Λίβερπουλ συμφώνησε με τη Μίλαν για τον Ραφαέλ Λεάο, σύμφωνα με την Gazzetta."),
    ("goal.com", "2024-07-03", "Leao agrees personal terms with Liverpool."),
    ("marca.com", None, "Milan confirm Leao departure: he joins Liverpool."),
    ("theathletic.com", "2024-07-04", "Rafael Leao to Liverpool: Milan accept the bid, reports The Athletic."),
    ("skysports.com", "2024-06-20", "Juventus are interested in Federico Chiesa, who could leave for Arsenal."),
    ("goal.com", "2024-06-25", "Chiesa: Arsenal talks collapse as Juventus refuse to sell."),
    ("marca.com", "2024-06-28", "Arsenal have made a bid for Chiesa, Juventus want more."),
    ("theathletic.com", "2024-07-05", "OFFICIAL: Arsenal complete the signing of Federico Chiesa from Juventus "
                                      "on a permanent deal."),
    ("skysports.com", "2024-07-06", "Barcelona have agreed a fee with Chelsea for Joao Felix. He will undergo "
                                    "a medical on Monday."),
    ("goal.com", None, "Felix completes medical ahead of Barcelona move."),
    ("marca.com", "2024-07-08", "Chelsea deny talks with Barcelona over Felix."),
    ("theathletic.com", "2024-07-09", "Sky Sports: Chelsea keep Joao Felix, the move to Barcelona has "
                                      "collapsed."),
    ("goal.com", "2024-07-02", "Manchester United have made a bid for Rafael Leao, Milan want more."),
    ("skysports.com", "2024-07-10", "Dusan Vlahovic could leave Juventus for Arsenal in the summer, according "
                                    "to Fabrizio Romano."),
    ("marca.com", "2024-07-11", "OFFICIAL: Atletico Madrid complete the signing of Dusan Vlahovic from Juventus."),
]


def _raw(i: int) -> RawArticle:
    outlet, date, text = ARTICLES[i]
    return RawArticle(origin=f"test:{i}", url=f"https://{outlet}/news/{i}", text=text, date=date, outlet=outlet,
                      external_id=f"a{i:02d}")


def _board(store: Store) -> dict[str, Any]:
    claims = {(k, i): (c.player, c.from_club, c.to_club, c.stage.value)
              for k, u in store.understood().items() for i, c in enumerate(u.claims)}
    sagas = {s["id"]: (s["status"], s["resolved"], s["outcome"], s["from_club"], s["to_club"], s["likelihood"])
             for s in store.iter_sagas()}
    members = sorted((r["saga_id"], r["article_key"], r["role"]) for r in store.article_sagas())
    return {"claims": claims, "sagas": sagas, "members": members}


def _ingest(url: str, runs: list[tuple[list[int], int]]) -> dict[str, Any]:
    store = Store.open(url)
    try:
        for order, batch_size in runs:
            pipeline.ingest(store, [_raw(i) for i in order], batch_size=batch_size)
        return _board(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, Any]:
    board = _ingest("sqlite:///" + str(tmp_path_factory.mktemp("clean") / "one.db"),
                    [(list(range(len(ARTICLES))), 1000)])
    assert board["claims"] and len(board["sagas"]) >= 3
    assert any(s[1] for s in board["sagas"].values()), "the corpus must resolve sagas (reliability moves)"
    return board


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["claims"] == b["claims"]
    assert a["members"] == b["members"]
    assert set(a["sagas"]) == set(b["sagas"])
    for sid, sa in a["sagas"].items():
        sb = b["sagas"][sid]
        assert sa[:5] == sb[:5], sid
        assert sa[5] == pytest.approx(sb[5], abs=1e-9), sid


@st.composite
def runs(draw) -> list[tuple[list[int], int]]:
    """A random order of every article, cut into one to three runs, each with its own batch size."""
    order = draw(st.permutations(range(len(ARTICLES))))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=2)))
    bounds = [0, *cuts, len(order)]
    return [(list(order[a:b]), draw(st.integers(1, 6))) for a, b in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=runs())
def test_any_order_and_batching_gives_the_same_board(plan, clean, tmp_path_factory) -> None:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("order") / "store.db")
    _same(clean, _ingest(url, plan))


def test_a_revision_leaves_the_board_as_if_it_came_in_revised(tmp_path) -> None:
    """A revised article (new text under the same key) leaves the board as if it had come in revised."""
    first = [_raw(i) for i in range(len(ARTICLES))]
    revised = RawArticle(origin="test:r", url=first[2].url, text="Leao signs for Manchester United, says Milan.",
                         date=first[2].date, outlet=first[2].outlet, external_id=first[2].external_id)
    a = Store.open("sqlite:///" + str(tmp_path / "a.db"))
    b = Store.open("sqlite:///" + str(tmp_path / "b.db"))
    try:
        pipeline.ingest(a, first, batch_size=4)
        pipeline.ingest(a, [revised], batch_size=4)
        pipeline.ingest(b, [revised, *first[:2], *first[3:]], batch_size=1000)
        _same(_board(b), _board(a))
    finally:
        a.close()
        b.close()
