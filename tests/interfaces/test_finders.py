"""Forgiving finders, one page per source and calibration before resolution, on the dev corpus through the real
pipeline: in the store, the CLI, the JSON API and the dashboard's HTML (the browser test is in test_browser)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from mercato.interfaces.cli import app as cli_app
from tests.interfaces.conftest import LiveServer, settings_for_tests


@pytest.fixture(scope="module")
def server(dev_store: Any) -> Iterator[LiveServer]:
    with LiveServer(dev_store, settings_for_tests()) as srv:
        yield srv


def _db(store: Any) -> str:
    return str(store.engine.url.database)


def _involves(sagas: list[dict[str, Any]], clubs: set[str]) -> bool:
    return bool(sagas) and all(s["from_club"] in clubs or s["to_club"] in clubs for s in sagas)


@pytest.mark.parametrize("typed, club", [("PSG", "Paris Saint-Germain"), ("Man Utd", "Manchester United"),
                                         ("ac milan", "AC Milan"), ("MILAN", "AC Milan")])
def test_club_aliases_and_case_find_the_club(dev_store: Any, typed: str, club: str) -> None:
    found = dev_store.find_club(typed)
    assert found.matches == (club,)
    assert _involves(dev_store.board_list_sagas(club=typed, limit=500)[0], {club})


def test_milan_is_ac_milan_with_inter_offered(dev_store: Any) -> None:
    found = dev_store.find_club("Milan")
    assert found.matches == ("AC Milan",) and "Inter Milan" in found.also
    both = dev_store.find_club("manchester")  # plain words of several names: both clubs
    assert set(both.matches) == {"Manchester City", "Manchester United"}


@pytest.mark.parametrize("typed", ["Gomez", "gomez", "GÓMEZ"])
def test_player_by_surname_any_case_and_accent(dev_store: Any, typed: str) -> None:
    sagas = dev_store.board_list_sagas(player=typed, limit=500)[0]
    assert sagas and {s["player"] for s in sagas} == {"Joe Gomez"}


@pytest.mark.parametrize("typed", ["guehi", "Guéhi", "GUEHI", "gueh i", "marc guéhi"])
def test_guehi_variants_find_guehi(dev_store: Any, typed: str) -> None:
    found = dev_store.find_player(typed)
    assert found.matches == ("marc guehi",)
    assert dev_store.board_count_sagas(player=typed) == dev_store.board_count_sagas(player="Marc Guehi") > 0


def test_nothing_found_suggests_and_matches_no_saga(dev_store: Any) -> None:
    club = dev_store.find_club("Milna")
    assert not club.matches and "AC Milan" in club.suggestions
    assert dev_store.board_count_sagas(club="Milna") == 0
    player = dev_store.find_player("Gomes")
    assert not player.matches and "Joe Gomez" in player.suggestions
    assert dev_store.board_count_sagas(player="Gomes") == 0


def test_league_filter(dev_store: Any) -> None:
    from mercato.store.board import BadQuery
    from mercato.understand.gazetteer import load_clubs

    italian = {c.name for c in load_clubs().clubs.values() if c.league == "ITA1"}
    for typed in ("ITA1", "serie a", "Serie A"):
        assert _involves(dev_store.board_list_sagas(league=typed, limit=500)[0], italian)
    assert {lg["code"] for lg in dev_store.board_leagues()} >= {"ENG1", "ITA1"}
    with pytest.raises(BadQuery, match="unknown league 'Itlay'.*ITA1"):
        dev_store.find_league("Itlay")


def test_cli_board_filters(dev_store: Any) -> None:
    runner = CliRunner()
    db = _db(dev_store)
    r = runner.invoke(cli_app, ["board", "--club", "Milan", "--db", db])
    assert r.exit_code == 0 and "AC Milan" in r.output and "Inter Milan" in r.output  # shown, and offered
    r = runner.invoke(cli_app, ["board", "--player", "guehi", "--live", "--db", db, "--json"])
    assert r.exit_code == 0
    r = runner.invoke(cli_app, ["board", "--club", "Milna", "--db", db])
    assert r.exit_code == 1 and "did you mean" in r.output and "AC Milan" in r.output
    r = runner.invoke(cli_app, ["board", "--league", "Itlay", "--db", db])
    assert r.exit_code == 2 and "unknown league" in r.output


def test_api_sagas_league_live_and_search(server: LiveServer, dev_store: Any) -> None:
    body = httpx.get(server.url + "/api/sagas", params={"club": "PSG", "limit": 500}).json()
    assert _involves(body["items"], {"Paris Saint-Germain"})
    assert body["found"]["club"]["names"] == ["Paris Saint-Germain"]
    body = httpx.get(server.url + "/api/sagas", params={"league": "ENG1", "live": "true", "limit": 500}).json()
    assert body["items"] and not any(s["resolved"] for s in body["items"])
    assert len(body["items"]) == dev_store.board_count_sagas(league="ENG1", resolved=False)
    r = httpx.get(server.url + "/api/sagas", params={"league": "nowhere"})
    assert r.status_code == 400 and "unknown league" in r.json()["detail"]
    body = httpx.get(server.url + "/api/search", params={"q": "guehi"}).json()
    assert body["sagas"] and all(s["player"] == "Marc Guehi" for s in body["sagas"])
    assert [p["player"] for p in body["players"]] == ["Marc Guehi"]
    body = httpx.get(server.url + "/api/search", params={"q": "Milna"}).json()
    assert not body["sagas"] and "AC Milan" in body["suggestions"]
    html = httpx.get(server.url + "/", params={"club": "Milna"}).text
    assert "Did you mean" in html and "AC Milan" in html


def test_one_page_per_source(server: LiveServer) -> None:
    spellings = ["Sky Sports", "skysports", "skysports.com", "Sky Sports UK", "SKY SPORTS"]
    pages = [httpx.get(server.url + "/api/outlets/" + s).json() for s in spellings]
    assert {p["source"] for p in pages} == {"skysports"} and {p["name"] for p in pages} == {"Sky Sports"}
    page = pages[0]
    # what it published (skysports.com) and where it was cited ("Sky Sports") are on the one page
    assert page["hosts"] == ["skysports.com"] and "Sky Sports" in page["cited_as"] and page["sagas"]
    for s in spellings[:1] + spellings[2:]:
        r = httpx.get(server.url + "/outlets/" + s, follow_redirects=False)
        assert r.status_code == 308 and r.headers["location"] == "/outlets/skysports"
    assert httpx.get(server.url + "/outlets/Sky Sports.json", follow_redirects=False).headers["location"] \
        == "/outlets/skysports.json"
    assert httpx.get(server.url + "/outlets/skysports").status_code == 200


def test_reliability_interval_and_prior_only(server: LiveServer) -> None:
    rows = httpx.get(server.url + "/api/outlets", params={"limit": 500}).json()["items"]
    prior_only = [o for o in rows if o["resolved"] == 0]
    learned = [o for o in rows if o["resolved"] > 0]
    assert prior_only and learned
    for o in prior_only:
        assert o["reliability"] is None and o["estimate"] == "prior" and o["value"] == pytest.approx(o["prior"])
        assert o["label"] == "prior, no resolved saga yet" and o["interval"] is None
    for o in learned:
        lo, hi = o["interval"]
        assert 0 <= lo < o["reliability"] < hi <= 1 and o["sample"] == o["resolved"]
    club = next(o for o in prior_only if o["kind"] == "club")
    html = httpx.get(server.url + "/outlets/" + club["source"]).text
    assert "prior, no resolved saga yet" in html and "Reliability <strong>" not in html


def test_called_right_and_wrong_agree_with_the_record(server: LiveServer) -> None:
    rows = httpx.get(server.url + "/api/outlets", params={"limit": 500}).json()["items"]
    for o in rows:
        if o["kind"] == "base":
            continue
        page = httpx.get(server.url + "/api/outlets/" + o["source"]).json()
        assert len(page["called_right"]) == o["hits"], o["source"]
        assert len(page["called_right"]) + len(page["called_wrong"]) == o["resolved"], o["source"]


def test_calibration_scores_the_likelihood_before_resolution(dev_store: Any) -> None:
    from mercato.stories.views import as_of

    cal = dev_store.board_calibration()
    assert cal["n"] == len(cal["sagas"]) == sum(b["n"] for b in cal["bins"]) > 0
    moved = 0
    for x in cal["sagas"]:
        day_before = (dt.date.fromisoformat(x["resolved_on"]) - dt.timedelta(days=1)).isoformat()
        assert x["as_of"] < x["resolved_on"]
        assert x["likelihood"] == pytest.approx(as_of(dev_store, x["id"], day_before)["likelihood"], abs=1e-4)
        moved += abs(x["likelihood"] - x["final_likelihood"]) > 0.05
    assert moved  # the final likelihoods (that know the outcome) are not what is scored
    n_resolved = sum(1 for s in dev_store.board_list_sagas(limit=500, resolved=True)[0]
                     if s["outcome"] in ("done", "collapsed"))
    assert cal["n"] + sum(cal["skipped"].values()) == n_resolved
