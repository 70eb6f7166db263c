"""The follow button in a real headless Chromium: follow a club from its page, see it on the watchlist, unfollow."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.interfaces.conftest import TOKEN, LiveServer, open_store, settings_for_tests
from tests.interfaces.test_browser import CHROMIUM, Watched, browser  # noqa: F401 - the module's browser fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
]


def test_follow_button_and_watchlist_page(browser: Any, tmp_path: Any) -> None:  # noqa: F811
    from mercato.interfaces.web.sample import write_sample

    store = open_store(tmp_path / "b.db")
    write_sample(store, 8, seed=9)
    club = store.board_list_clubs()[0]["club"]
    try:
        with LiveServer(store, settings_for_tests()) as srv:
            w = Watched(browser)
            page = w.page
            assert page.goto(f"{srv.url}/clubs/{quote(club)}").status == 200
            page.fill("form.follow input[name=token]", TOKEN)
            page.click("#follow-button")
            page.wait_for_url(f"**/clubs/{quote(club)}")
            assert "Followed in" in page.locator("section.follow").inner_text()
            assert [i["key"] for i in store.watchlist_items("default")] == [club]
            w.shot("follow-club")
            page.click("header nav a[href='/watchlists']")
            page.click("nav.watchlists a[href='/watchlists/default']")
            assert page.locator("#watch-items tr.watch-item").count() == 1
            assert page.locator("table#sagas tr.saga").count() > 0
            # the token was remembered by this browser: the unfollow form is filled in already
            assert page.input_value("#watch-items input[name=token]") == TOKEN
            w.shot("watchlist")
            page.click("#watch-items button[value=unfollow]")
            page.wait_for_url("**/watchlists/default")
            assert page.locator("#watch-items tr.watch-item").count() == 0
            assert store.watchlist_items("default") == []
            assert not w.errors, w.errors
            w.close()
    finally:
        store.close()
