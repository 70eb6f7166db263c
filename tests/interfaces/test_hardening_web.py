"""What the outside probe found in the dashboard and the API (issue 13, point 8): pages whose path holds
non-Latin-1 characters, and hand-made cursors, answered 500."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest

from mercato.interfaces.api import create_app
from mercato.interfaces.api.problems import is_problem
from tests.interfaces.conftest import open_store, settings_for_tests

OUTLETS = ["Anadolu Ajansı", "Αθλητικά Νέα", "Спорт-Экспресс", "体育报", "50% Football"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from starlette.testclient import TestClient

    from mercato.extract import extract
    from mercato.interfaces.web.sample import write_sample
    from mercato.models import RawArticle

    store = open_store(tmp_path_factory.mktemp("web") / "web.db")
    write_sample(store, 6, seed=3, prefix="sample")
    store.add_articles([extract(RawArticle(origin=f"t:{i}", url=f"https://example.com/{i}", outlet=name,
                                           text=f"Report {i}: Galatasaray are in talks with Liverpool."))
                        for i, name in enumerate(OUTLETS)]
                       + [extract(RawArticle(origin="t:gr", url="https://αθλητικά.gr/άρθρο/1",
                                             text="Ο Ολυμπιακός συζητά με τη Μπενφίκα."))])
    with TestClient(create_app(store, settings_for_tests()), raise_server_exceptions=False) as c:
        yield c
    store.close()


def cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("name", [*OUTLETS, "αθλητικά.gr", "No Such Ωutlet"])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_outlet_pages_with_non_latin1_names(client: Any, name: str, accept: str) -> None:
    from mercato.store.outlet_pages import source_identity

    r = client.get("/outlets/" + quote(name), headers={"accept": accept})
    assert r.status_code == (404 if name.startswith("No Such") else 200), (name, r.status_code, r.text[:300])
    if accept == "text/html":
        link = r.headers["link"]
        assert link.isascii()
        twin = link.split(">", 1)[0].lstrip("<")
        # a spelling redirects to the source's one page (its key), whose twin is beside it
        key = source_identity(name)["source"] if r.status_code == 200 else name
        assert twin == "/outlets/" + quote(key + ".json", safe="")
        if r.status_code == 200:
            page = client.get(twin).json()["outlet"]  # the twin works as given
            assert page["source"] == key and name in (page["name"], *page["hosts"], *page["cited_as"])


@pytest.mark.parametrize("path", ["/players/Γκόμεζ", "/clubs/Галатасарай", "/sagas/τζο-γκομεζ",
                                  "/?player=Γκόμεζ", "/?club=Galatasaray%20Spor%20Kul%C3%BCb%C3%BC"])
def test_other_pages_with_non_latin1_paths_are_not_500(client: Any, path: str) -> None:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code in (200, 404), (path, r.status_code)
    assert r.headers["link"].isascii()


@pytest.mark.parametrize("values", [
    ["likelihood", "desc", True, "x"],
    ["likelihood", "desc", 10**25, "x"],
    ["likelihood", "desc", float("nan"), "x"],
    ["likelihood", "desc", "0.5", "x"],
    ["last_date", "desc", 12345678901234567890123456, "x"],
    ["last_date", "desc", "2025-01-01", True],
    ["last_date", "desc", "2025-01-01", "a\u0000b"],
    ["last_date", "desc", None, "x"],
])
def test_hand_made_saga_cursors_are_400_problems(client: Any, values: list[Any]) -> None:
    r = client.get("/api/sagas", params={"cursor": cursor(values), "sort": values[0], "order": values[1]})
    assert r.status_code == 400, (values, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/problem+json") and is_problem(r.json(), 400)


@pytest.mark.parametrize(("path", "values"), [
    ("/api/outlets", ["reliability", "desc", True, "x"]),
    ("/api/outlets", ["resolved", "desc", 10**25, "x"]),
    ("/api/articles", ["key", "asc", "k", 10**25]),
    ("/api/articles", ["key", "asc", True, True]),
    ("/api/articles", ["key", "asc", "k", "\ud800"]),
])
def test_hand_made_cursors_elsewhere_are_400_problems(client: Any, path: str, values: list[Any]) -> None:
    params = {"cursor": cursor(values)}
    if path == "/api/outlets":
        params.update(sort=values[0], order=values[1])
    r = client.get(path, params=params)
    assert r.status_code == 400, (path, values, r.status_code, r.text[:300])
    assert is_problem(r.json(), 400)


@pytest.mark.parametrize("raw", ["dHJ1ZQ", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY", "W1tbW1tbW1tbW1tbW1tbW1td"])
def test_cursors_that_are_not_lists_are_400(client: Any, raw: str) -> None:
    r = client.get("/api/sagas", params={"cursor": raw})
    assert r.status_code == 400 and is_problem(r.json(), 400)


def test_issued_cursors_still_page(client: Any) -> None:
    for sort in ("likelihood", "last_date", "n_sources"):
        body = client.get("/api/sagas", params={"limit": 2, "sort": sort}).json()
        assert body["next"]
        nxt = client.get("/api/sagas", params={"limit": 2, "sort": sort, "cursor": body["next"]})
        assert nxt.status_code == 200 and nxt.json()["items"]
