"""The dashboard on a phone (390 px wide, in a real headless Chromium): no page is wider than the screen, the
board's rows are cards, and the charts fit their boxes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.interfaces.conftest import LiveServer, open_store, settings_for_tests
from tests.interfaces.test_browser import ARGS, CHROMIUM, SHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
]

PHONE = {"width": 390, "height": 844}
LONG_URL = "https://feeds.example.com/" + "very-long-path-segment-without-spaces-" * 6 + "rss.xml"
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Sample sagas (hostile ones too) and a failing feed with a long address and a long error."""
    from mercato.interfaces.web.sample import write_sample

    s = open_store(tmp_path_factory.mktemp("phone") / "phone.db")
    write_sample(s, 24, seed=7, prefix="sample")
    write_sample(s, 6, seed=11, prefix="hostile", hostile=True)
    s.add_feed(LONG_URL, name="A feed with a rather long name for a phone screen", lang="en")
    s.record_feed_error(LONG_URL, error="connection refused by " + "unreachable-host-" * 8 + "example", status=503)
    yield s
    s.close()


@pytest.fixture(scope="module")
def phone(store: Any) -> Iterator[tuple[Any, str]]:
    from playwright.sync_api import sync_playwright

    with LiveServer(store, settings_for_tests()) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        # not is_mobile: a mobile viewport widens itself to fit wide content, which would hide an overflow
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, has_touch=True)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        # (the error pages visited on purpose log their 404 status; anything else is a fault)
        page.on("console", lambda m: errors.append(f"console: {m.text}")
                if m.type == "error" and "status of 404" not in m.text else None)
        yield page, srv.url
        ctx.close()
        browser.close()
        assert errors == []


def _pages(store: Any) -> list[tuple[str, int]]:
    sagas = store.board_list_sagas(limit=500)[0]
    saga = max(sagas, key=lambda s: s["n_articles"])
    hostile = next(s for s in sagas if s["id"].startswith("hostile-"))
    outlet = store.board_get_saga(saga["id"])["data"]["timeline"][0]["outlet"]
    club = saga["to_club"]
    player = saga.get("player_key") or saga["player"]
    return [("/", 200), ("/?club=" + quote(club), 200), (f"/sagas/{quote(saga['id'], safe='')}", 200),
            (f"/sagas/{quote(hostile['id'], safe='')}", 200), (f"/clubs/{quote(club, safe='')}", 200),
            ("/clubs", 200), (f"/players/{quote(player, safe='')}", 200), ("/players", 200), ("/outlets", 200),
            (f"/outlets/{quote(outlet, safe='')}", 200), ("/calibration", 200), ("/sources", 200),
            ("/sagas/no-such-saga-anywhere", 404), ("/nowhere", 404)]


def test_no_page_is_wider_than_a_phone(phone: tuple[Any, str], store: Any) -> None:
    page, url = phone
    wide, charts = [], []
    for path, status in _pages(store):
        resp = page.goto(url + path)
        assert resp is not None and resp.status == status, path
        assert page.evaluate("window.innerWidth") == PHONE["width"]
        n = page.locator("div.chart").count()
        if n:
            page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
            # every chart and its drawing lie inside the screen
            boxes = [page.locator("div.chart").nth(i).bounding_box() for i in range(n)]
            boxes += [page.locator("div.chart[data-drawn='1'] svg.main-svg").first.bounding_box()]
            charts += [(path, b) for b in boxes if b is None or b["x"] < 0 or b["x"] + b["width"] > PHONE["width"]]
        if page.evaluate(OVERFLOW):
            wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"phone-overflow-{len(wide)}.png"))
    assert wide == []
    assert charts == []


def test_board_rows_are_cards_on_a_phone(phone: tuple[Any, str]) -> None:
    page, url = phone
    page.goto(url + "/")
    rows = page.locator("table#sagas tr.saga")
    assert rows.count() > 2
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first is not None and second is not None
    # a card is as wide as the screen allows and tall enough for its labelled fields
    assert first["width"] <= PHONE["width"] and first["height"] > 100
    assert second["y"] >= first["y"] + first["height"]
    # each field is labelled, as the header row is not shown
    label = page.evaluate("getComputedStyle(document.querySelector('tr.saga td[data-label=\"Status\"]'),"
                          " '::before').content")
    assert "Status" in label
    # the sort links stay reachable
    assert page.locator("table#sagas thead a").first.is_visible()
    # the status and likelihood of the first saga are on screen without scrolling sideways
    for name in ("Status", "Likelihood"):
        box = rows.nth(0).locator(f"td[data-label='{name}']").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_charts_follow_the_window_when_it_narrows(phone: tuple[Any, str], store: Any) -> None:
    page, url = phone
    saga = max(store.board_list_sagas(limit=500)[0], key=lambda s: s["n_articles"])
    page.set_viewport_size({"width": 1200, "height": 900})
    try:
        page.goto(url + f"/sagas/{quote(saga['id'], safe='')}")
        page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
        wide = page.locator("div.chart[data-drawn='1'] svg.main-svg").first.bounding_box()
        assert wide is not None and wide["width"] > 500
        page.set_viewport_size(PHONE)
        # Plotly's responsive mode redraws the figure at its box's new width
        page.wait_for_function("() => Array.from(document.querySelectorAll('div.chart svg.main-svg'))"
                               ".every(s => s.getBoundingClientRect().right <= window.innerWidth)", timeout=20000)
        assert not page.evaluate(OVERFLOW)
    finally:
        page.set_viewport_size(PHONE)
