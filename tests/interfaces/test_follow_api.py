"""Watchlists over the JSON API (writes need the token) and the dashboard's follow form and watchlist pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from mercato.interfaces.api.problems import is_problem
from tests.interfaces.conftest import TOKEN, LiveServer, open_store, settings_for_tests

AUTH = {"Authorization": "Bearer " + TOKEN}


@pytest.fixture()
def server(tmp_path: Any) -> Any:
    from mercato.interfaces.web.sample import write_sample

    store = open_store(tmp_path / "f.db")
    write_sample(store, 10, seed=5)
    with LiveServer(store, settings_for_tests()) as srv:
        yield srv, store
    store.close()


def test_watchlist_writes_need_the_token(server: Any) -> None:
    srv, store = server
    club = store.board_list_clubs()[0]["club"]
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        for method, path, body in (("POST", "/api/watchlists/mine", None),
                                   ("POST", "/api/watchlists/mine/items", {"name": club}),
                                   ("DELETE", "/api/watchlists/mine", None),
                                   ("DELETE", f"/api/watchlists/mine/items/club/{quote(club)}", None)):
            r = httpx.request(method, srv.url + path, json=body, headers=headers)
            assert r.status_code == 401 and is_problem(r.json(), 401), (method, path)
    assert store.list_watchlists() == []


def test_follow_list_and_unfollow_through_the_api(server: Any) -> None:
    srv, store = server
    saga = store.board_list_sagas(limit=1)[0][0]
    r = httpx.post(srv.url + "/api/watchlists/mine/items", json={"name": saga["to_club"]}, headers=AUTH)
    assert r.status_code == 201 and r.json()["kind"] == "club" and r.json()["added"] is True
    r = httpx.post(srv.url + "/api/watchlists/mine/items", json={"name": saga["player"].upper()}, headers=AUTH)
    assert r.status_code == 201 and r.json()["kind"] == "player"
    again = httpx.post(srv.url + "/api/watchlists/mine/items", json={"name": saga["to_club"]}, headers=AUTH)
    assert again.status_code == 200 and again.json()["added"] is False
    assert httpx.get(srv.url + "/api/watchlists").json() == [
        {"name": "mine", "created_at": store.get_watchlist("mine")["created_at"], "items": 2}]
    detail = httpx.get(srv.url + "/api/watchlists/mine").json()
    assert saga["id"] in {s["id"] for s in detail["sagas"]} and detail["feed"] == "/feeds/watchlist/mine.atom"
    r = httpx.delete(srv.url + f"/api/watchlists/mine/items/club/{quote(saga['to_club'])}", headers=AUTH)
    assert r.status_code == 204
    assert [i["kind"] for i in httpx.get(srv.url + "/api/watchlists/mine").json()["items"]] == ["player"]
    assert httpx.delete(srv.url + "/api/watchlists/mine", headers=AUTH).status_code == 204
    assert httpx.get(srv.url + "/api/watchlists/mine").status_code == 404


@pytest.mark.parametrize("path,body", [("/api/watchlists/bad%20name/items", {"name": "Arsenal"}),
                                       ("/api/watchlists/mine/items", {"name": "Nobody At All FC"}),
                                       ("/api/watchlists/mine/items", {"name": "x", "kind": "coach"}),
                                       ("/api/watchlists/mine/items", {"name": ""})])
def test_bad_follow_requests_are_problems(server: Any, path: str, body: dict) -> None:
    srv, store = server
    r = httpx.post(srv.url + path, json=body, headers=AUTH)
    assert r.status_code == 400 and is_problem(r.json(), 400), r.text
    assert store.watchlist_items() == []


def test_dashboard_follow_form_and_watchlist_pages(server: Any) -> None:
    srv, store = server
    club = store.board_list_clubs()[0]["club"]
    page = httpx.get(f"{srv.url}/clubs/{quote(club)}")
    assert page.status_code == 200 and 'id="follow-button"' in page.text
    form = {"action": "follow", "name": club, "kind": "club", "list": "home", "next": f"/clubs/{quote(club)}"}
    denied = httpx.post(srv.url + "/follow", data={**form, "token": "wrong"})
    assert denied.status_code == 401 and store.watchlist_items() == []
    r = httpx.post(srv.url + "/follow", data={**form, "token": TOKEN})
    assert r.status_code == 303 and r.headers["location"] == f"/clubs/{quote(club)}"
    assert [i["key"] for i in store.watchlist_items("home")] == [club]
    r = httpx.post(srv.url + "/follow", data={**form, "token": TOKEN, "next": "//evil.example/"})
    assert r.headers["location"] == "/watchlists"  # never another host
    html = httpx.get(srv.url + "/watchlists/home")
    assert html.status_code == 200 and club in html.text and "/feeds/watchlist/home.atom" in html.text
    twin = httpx.get(srv.url + "/watchlists/home.json").json()
    assert twin["watchlist"]["items"][0]["key"] == club and twin["watchlist"]["sagas"]
    assert httpx.get(srv.url + "/watchlists.json").json()["watchlists"][0]["name"] == "home"
    assert httpx.get(srv.url + "/watchlists/none").status_code == 404
