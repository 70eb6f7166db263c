"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): board → filter → saga → outlet.

Screenshots go to ``artifacts/screenshots/``. Hostile titles and texts must never add an element to the DOM.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interfaces.conftest import REPO, LiveServer, settings_for_tests

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose console errors, page errors and failed requests are collected."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, java_script_enabled=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def _store_with_sagas(request: pytest.FixtureRequest) -> tuple[Any, str]:
    """The dev corpus through the real pipeline when it yields sagas; else the sample rows."""
    try:
        dev = request.getfixturevalue("dev_store")
        if dev.count("sagas"):
            return dev, "dev"
    except pytest.skip.Exception:
        pass
    return request.getfixturevalue("sample_store"), "sample"


def test_board_filter_saga_outlet(browser: Any, request: pytest.FixtureRequest) -> None:
    store, which = _store_with_sagas(request)
    with LiveServer(store, settings_for_tests()) as srv:
        w = Watched(browser)
        page = w.page
        resp = page.goto(srv.url + "/")
        assert resp is not None and resp.status == 200
        csp = resp.headers.get("content-security-policy", "")
        assert "'nonce-" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
        assert 'rel="alternate"' in resp.headers.get("link", "")
        rows = page.locator("table#sagas tr.saga")
        assert rows.count() > 0
        w.shot(f"board-{which}")

        # filter by the buying club of the first saga with one
        sagas = store.board_list_sagas(limit=200)[0]
        club = next(s["to_club"] for s in sagas if s["to_club"] and "<" not in s["to_club"])
        page.fill("form#filters input[name=club]", club)
        page.click("form#filters button[type=submit]")
        page.wait_for_load_state("load")
        assert "club=" in page.url
        n = rows.count()
        assert n == store.board_count_sagas(club=club) > 0
        for i in range(n):
            text = rows.nth(i).inner_text()
            assert club in text
        w.shot(f"board-filtered-{which}")

        # open a saga and see its charts drawn
        page.locator("a.saga-link").first.click()
        page.wait_for_load_state("load")
        assert "/sagas/" in page.url
        page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
        drawn = page.locator("div.chart[data-drawn='1'] .main-svg")
        assert drawn.count() > 0
        box = page.locator("div.chart[data-drawn='1']").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
        # the plot has data drawn in it, not only axes
        assert page.locator("div.chart[data-drawn='1'] g.trace").count() > 0
        w.shot(f"saga-{which}")

        # follow a link to an outlet
        page.locator("a.outlet-link").first.click()
        page.wait_for_load_state("load")
        assert "/outlets/" in page.url
        assert page.locator("h1").inner_text().strip()
        w.shot(f"outlet-{which}")

        for path in ("/calibration", "/clubs", "/players", "/outlets", "/sources"):
            r = page.goto(srv.url + path)
            assert r is not None and r.status == 200, path
        page.goto(srv.url + "/calibration")
        if store.board_calibration()["n"]:
            page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
        w.shot(f"calibration-{which}")
        assert w.errors == []
        w.close()


INJECTED = "script:not([nonce]), img[src='x'], svg[onload], iframe, b[onmouseover], [onerror], [onload], " \
           "a[href^='javascript' i]"


def test_hostile_text_injects_nothing(browser: Any, sample_store: Any) -> None:
    hostile = [s for s in sample_store.board_list_sagas(limit=500, q=None)[0] if s["id"].startswith("hostile-")]
    assert hostile
    with LiveServer(sample_store, settings_for_tests()) as srv:
        w = Watched(browser)
        page = w.page
        pages = ["/", "/?q=script", "/clubs", "/players", "/outlets"]
        pages += [f"/sagas/{s['id']}" for s in hostile[:4]]
        detail = sample_store.board_get_saga(hostile[0]["id"])
        outlets = {e["outlet"] for e in detail["data"]["timeline"]}
        from urllib.parse import quote

        pages += [f"/outlets/{quote(o, safe='')}" for o in outlets]
        pages += [f"/clubs/{quote(s['to_club'], safe='')}" for s in hostile[:2]]
        pages += [f"/players/{quote(s['player'], safe='')}" for s in hostile[:2]]
        for i, path in enumerate(pages):
            resp = page.goto(srv.url + path)
            assert resp is not None and resp.status == 200, path
            assert "'nonce-" in resp.headers.get("content-security-policy", "")
            if page.locator("div.chart").count():
                page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
            assert page.locator(INJECTED).count() == 0, path
            assert page.evaluate("typeof window.__xss") == "undefined", path
            # hostile text is shown as text
            if path.startswith("/sagas/"):
                assert "window.__xss=1" in page.locator("body").inner_text()
                # hover text in the charts is text too
                assert page.locator("div.chart svg script, div.chart svg img, div.chart svg iframe").count() == 0
            if i == 5:
                w.shot("xss-saga")
        assert w.errors == []
        w.close()


def test_board_league_select_and_live_only(browser: Any, request: pytest.FixtureRequest) -> None:
    """The filter form: a league chosen in the select and the live-only box narrow the board to what the store
    counts; a club typed as an alias ("PSG") is found; an unknown one gets "did you mean" links."""
    try:
        store = request.getfixturevalue("dev_store")
    except pytest.skip.Exception:
        pytest.skip("needs the dev corpus")
    with LiveServer(store, settings_for_tests()) as srv:
        w = Watched(browser)
        page = w.page
        page.goto(srv.url + "/")
        rows = page.locator("table#sagas tr.saga")
        page.select_option("form#filters select[name=league]", "ENG1")
        page.check("form#filters input[name=live]")
        page.click("form#filters button[type=submit]")
        page.wait_for_load_state("load")
        assert "league=ENG1" in page.url and "live=true" in page.url
        expected = store.board_count_sagas(league="ENG1", resolved=False)
        assert 0 < rows.count() == expected < store.board_count_sagas()
        assert page.locator("form#filters input[name=live]").is_checked()
        assert page.locator("form#filters select[name=league]").input_value() == "ENG1"
        w.shot("board-league-live")

        page.goto(srv.url + "/")
        page.fill("form#filters input[name=club]", "PSG")
        page.click("form#filters button[type=submit]")
        page.wait_for_load_state("load")
        assert "Paris Saint-Germain" in page.locator("#found-club").inner_text()
        assert rows.count() == store.board_count_sagas(club="Paris Saint-Germain") > 0

        page.fill("form#filters input[name=club]", "Milna")
        page.click("form#filters button[type=submit]")
        page.wait_for_load_state("load")
        assert rows.count() == 0
        page.locator("#found-club a", has_text="AC Milan").click()
        page.wait_for_load_state("load")
        assert rows.count() == store.board_count_sagas(club="AC Milan") > 0
        assert w.errors == []
        w.close()


def _stories_store(path: Path) -> Any:
    """A few articles of one player stored with their understanding, folded into sagas by the stories stage."""
    from mercato import stories
    from mercato.extract import extract
    from mercato.models import Citation, Claim, RawArticle, Stage, Understanding
    from mercato.store import Store

    store = Store.open("sqlite:///" + str(path))
    items = [("l1", "Liverpool", "talks", "2025-07-10", "l.com", ()),
             ("c1", "Manchester City", "agreement", "2025-08-12", "sport.com", (("Jo Reporter", "journalist"),)),
             ("c2", "Manchester City", "collapsed", "2025-08-13", "other.com", ()),
             ("c3", "Manchester City", "done", "2025-08-20", "mancity.com", (("Manchester City (official)", "club"),)),
             ("c4", "Manchester City", "medical", None, "late.com", ())]
    for rid, club, stage, date, outlet, cited in items:
        art = extract(RawArticle(origin=f"test:{rid}", url=f"https://{outlet}/{rid}", outlet=outlet, date=date,
                                 text=f"Marc Guehi {stage} {club}, report {rid}.", external_id=rid))
        store.add_articles([art])
        claim = Claim(player="Marc Guehi", from_club="Crystal Palace", to_club=club, stage=Stage(stage),
                      evidence=f"Marc Guehi {stage} {club}")
        store.save_understanding([(Understanding(article_key=art.key, lang="en", is_transfer=True, claims=(claim,),
                                                 citations=tuple(Citation(name=n, kind=k, surface=n)
                                                                 for n, k in cited),
                                                 pipeline_version="test"), 1)])
    stories.update(store, [a.key for a in store.iter_articles()])
    return store


def test_saga_page_reasons_add_up_and_superseded_links_the_move(browser: Any, tmp_path: Path) -> None:
    store = _stories_store(tmp_path / "guehi.db")
    sagas = {s["to_club"]: s for s in store.iter_sagas()}
    city, pool = sagas["Manchester City"], sagas["Liverpool"]
    try:
        with LiveServer(store, settings_for_tests()) as srv:
            w = Watched(browser)
            page = w.page
            page.goto(srv.url + "/sagas/" + pool["id"])
            assert "superseded" in page.locator("section.summary").inner_text()
            page.locator("p.superseded a").click()
            page.wait_for_load_state("load")
            assert page.url.endswith("/sagas/" + city["id"])
            # the reasons: one row per term, their log-odds add up to the footer and to the likelihood's log-odds
            cells = page.locator("table#explanation tr.term td.logodds").all_inner_texts()
            assert len(cells) >= 5
            total = sum(float(c) for c in cells)
            lk = city["likelihood"]
            assert abs(total - math.log(lk / (1 - lk))) < 0.01
            foot = page.locator("table#explanation tfoot tr.total").inner_text()
            assert f"{lk:.0%}" in foot and f"{total:+.3f}" in foot
            assert page.locator("section.summary strong").first.inner_text() == f"{lk:.0%}"
            # the chart's last point is the headline, and the undated report's point is marked
            page.wait_for_selector("#chart-likelihood[data-drawn='1']", timeout=20000)
            ys = page.evaluate("() => document.getElementById('chart-likelihood').data[0].y")
            symbols = page.evaluate("() => document.getElementById('chart-likelihood').data[0].marker.symbol")
            assert ys[-1] == lk and symbols[-1] == "diamond-open" and symbols[0] == "circle"
            # coexisting agreement and collapse: a contradiction is listed
            assert "No contradictions" not in page.locator("body").inner_text()
            assert "collapsed" in page.locator("ul.contradictions").inner_text()
            w.shot("saga-explained")
            assert w.errors == []
            w.close()
    finally:
        store.close()
