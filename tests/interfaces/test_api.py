"""The JSON API: schemathesis over the OpenAPI schema, one error shape, SQL injection, auth, body limits."""

from __future__ import annotations

import json
import socket
import tracemalloc
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mercato.interfaces.api import create_app
from mercato.interfaces.api.problems import is_problem
from tests.interfaces.conftest import TOKEN, LiveServer, open_store, settings_for_tests


@schemathesis.check
def problem_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx is RFC 9457 problem details in the one shape."""
    if response.status_code >= 400:
        assert response.headers.get("content-type", [""])[0].startswith("application/problem+json")
        assert is_problem(json.loads(response.content), response.status_code), response.content[:300]
    return None


@pytest.fixture(scope="module")
def app(sample_store: Any) -> Any:
    return create_app(sample_store, settings_for_tests())


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis(app: Any, mode: str) -> None:
    """Every operation, valid and invalid inputs: no 5xx, responses match the schema, errors are problems."""
    from hypothesis import given

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    generation = schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE
    ran = 0
    for result in schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy(generation_mode=generation))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case: Any) -> None:
            # an opaque cursor the server did not issue is refused (400) even when it matches the schema
            case.call_and_validate(additional_checks=[problem_shape], excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:  # an operation without parameters has no invalid input to generate
            assert mode == "negative"
        ran += 1
    assert ran >= 11


@pytest.fixture(scope="module")
def client(app: Any) -> Any:
    from starlette.testclient import TestClient

    return TestClient(app)


def test_openapi_lists_every_operation(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/sagas", "/api/sagas/{saga_id}", "/api/articles", "/api/outlets", "/api/clubs", "/api/players",
            "/api/sources", "/api/search", "/api/ingest"} <= paths
    for item in spec["paths"].values():
        for op in item.values():
            assert "422" not in op["responses"]
            assert "400" in op["responses"]


@pytest.mark.parametrize("path", ["/api/sagas?sort=id;DROP TABLE sagas", "/api/sagas?nope=1", "/api/sagas/nope",
                                  "/api/sagas?limit=0", "/api/sagas?cursor=%%%", "/api/outlets?sort=hits%20desc",
                                  "/api/search", "/sagas/nope.json", "/?bogus=1", "/api/articles?cursor=WzFd",
                                  "/api/sagas?lang=%27%20OR%201%3D1--", "/static/../../etc/passwd"])
def test_every_error_is_one_problem_shape(client: Any, path: str) -> None:
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert is_problem(r.json(), r.status_code)


def test_html_errors_render_the_same_problem(client: Any) -> None:
    r = client.get("/sagas/does-not-exist", headers={"accept": "text/html"})
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "no saga" in r.text and "content-security-policy" in r.headers


def test_sql_injection_is_a_literal(client: Any, sample_store: Any) -> None:
    evil = "' OR 1=1--"
    for path in ("/api/sagas", "/api/articles", "/api/players", "/api/clubs", "/api/search"):
        r = client.get(path, params={"q": evil})
        assert r.status_code == 200
        body = r.json()
        items = body["items"] if isinstance(body, dict) and "items" in body else body
        if path == "/api/search":
            items = body["sagas"] + body["players"] + body["clubs"]
        assert items == [], path
    for name in ("club", "player", "status", "outlet"):
        r = client.get("/api/sagas", params={name: evil})
        assert r.status_code == 200 and r.json()["items"] == [], name
    assert client.get("/api/sagas", params={"sort": "player; DROP TABLE sagas"}).status_code == 400
    assert client.get("/api/outlets", params={"sort": "1=1"}).status_code == 400
    assert sample_store.count("sagas") > 0
    # a literal search finds names containing SQL wildcards only literally
    assert client.get("/api/sagas", params={"q": "%"}).json()["items"] == []


def test_cursor_pages_cover_everything_once(client: Any, sample_store: Any) -> None:
    seen: list[str] = []
    cursor = None
    for sort in ("likelihood", "player"):
        seen, cursor = [], None
        while True:
            params: dict[str, Any] = {"limit": 7, "sort": sort, "order": "asc"}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/api/sagas", params=params).json()
            seen += [s["id"] for s in body["items"]]
            cursor = body["next"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == sample_store.count("sagas")
    r = client.get("/api/sagas", params={"cursor": cursor or "x", "sort": "player"})
    assert r.status_code == 400


def test_board_filters(client: Any, sample_store: Any) -> None:
    body = client.get("/.json", params={"club": "Arsenal"}).json()
    assert body["sagas"] and all("Arsenal" in (s["from_club"], s["to_club"]) for s in body["sagas"])
    assert all("id" in s for s in body["sagas"])
    body = client.get("/api/sagas", params={"lang": "tr", "limit": 500}).json()
    assert body["items"] and all("tr" in s["langs"] for s in body["items"])
    body = client.get("/api/sagas", params={"status": "done", "limit": 500}).json()
    assert all(s["status"] == "done" for s in body["items"])
    body = client.get("/api/sagas", params={"since": "2025-06-01", "limit": 500}).json()
    assert all(s["last_date"] >= "2025-06-01" for s in body["items"])


@pytest.mark.parametrize("path", ["/", "/outlets", "/clubs", "/players", "/sources", "/calibration"])
def test_every_page_has_a_json_twin(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    twin = "/.json" if path == "/" else path + ".json"
    assert r.headers["link"] == f'<{twin}>; rel="alternate"; type="application/json"'
    assert f'href="{twin}"' in r.text
    csp = r.headers["content-security-policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "'nonce-" in csp
    j = client.get(twin)
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/json")


def test_saga_json_twin(client: Any, sample_store: Any) -> None:
    sid = sample_store.board_list_sagas(limit=1)[0][0]["id"]
    page = client.get(f"/sagas/{sid}")
    assert page.status_code == 200 and f'href="/sagas/{sid}.json"' in page.text
    body = client.get(f"/sagas/{sid}.json").json()
    assert body["saga"]["id"] == sid and body["charts"]
    assert client.get(f"/api/sagas/{sid}").json()["timeline"]
    r = client.get(f"/api/sagas/{sid}", params={"as_of": "2025-03-01"})
    assert r.status_code in (200, 400, 404) and (r.status_code == 200 or is_problem(r.json()))


# -- writes: auth and body limits --------------------------------------------------------------------------------
@pytest.fixture()
def write_server(tmp_path: Any) -> Any:
    store = open_store(tmp_path / "w.db")
    with LiveServer(store, settings_for_tests(api_max_body=64 * 1024)) as srv:
        yield srv, store
    store.close()


ARTICLE = {"article": {"text": "Arsenal are in advanced talks with Sporting CP over Viktor Gyökeres, sources say.",
                       "url": "https://example.org/a", "title": "Gyökeres talks", "date": "2025-07-01"}}


def test_writes_need_the_token(write_server: Any) -> None:
    srv, store = write_server
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + TOKEN},
                    {"Authorization": "Bearer " + TOKEN[:-1]}, {"Authorization": "Bearer " + TOKEN + "x"}):
        r = httpx.post(srv.url + "/api/ingest", json=ARTICLE, headers=headers)
        assert r.status_code == 401, headers
        assert is_problem(r.json(), 401) and r.headers["www-authenticate"] == "Bearer"
    assert store.count("articles") == 0
    r = httpx.post(srv.url + "/api/ingest", json=ARTICLE, headers={"Authorization": "Bearer " + TOKEN})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1 and store.count("articles") == 1


def test_bad_ingest_bodies_are_problems(write_server: Any) -> None:
    srv, _ = write_server
    auth = {"Authorization": "Bearer " + TOKEN}
    for body in ({}, {"url": "https://x.org", "feed": "https://x.org/f"}, {"article": {"title": "no text"}},
                 {"article": ARTICLE["article"], "extra": 1}):
        r = httpx.post(srv.url + "/api/ingest", json=body, headers=auth)
        assert r.status_code == 400 and is_problem(r.json(), 400), body
    r = httpx.post(srv.url + "/api/ingest", content=b"{not json", headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400 and is_problem(r.json(), 400)


def test_body_over_the_limit_is_refused(write_server: Any) -> None:
    srv, store = write_server
    auth = {"Authorization": "Bearer " + TOKEN}
    big = b'{"article": {"text": "' + b"x" * (200 * 1024) + b'"}}'
    # declared length over the limit: refused before reading
    r = httpx.post(srv.url + "/api/ingest", content=big, headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413 and is_problem(r.json(), 413)

    # no Content-Length (chunked): counted as it streams
    def chunks() -> Any:
        for i in range(0, len(big), 8192):
            yield big[i:i + 8192]

    r = httpx.post(srv.url + "/api/ingest", content=chunks(), headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413 and is_problem(r.json(), 413)
    # a lying Content-Length (smaller than the body): the server reads only what was declared, never more
    host, port = srv.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 10\r\n\r\n" + big[:65536])
        head = s.recv(4096).split(b"\r\n", 1)[0]
    assert head.split()[1] in (b"400", b"413")
    assert store.count("articles") == 0


def test_body_limit_counts_bytes_and_memory_stays_flat() -> None:
    """At the ASGI level: 50 MB streamed with a lying Content-Length is cut at the limit, memory flat."""
    import asyncio

    from mercato.interfaces.api.limits import BodyLimit

    reached: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            reached.append(len(body))
            if not m.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict[str, Any]] = []
    chunk = b"x" * 65536
    total = 50 * 1024 * 1024

    async def run(headers: list[tuple[bytes, bytes]]) -> None:
        n = 0

        async def receive() -> dict[str, Any]:
            nonlocal n
            n += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": n < total}

        async def send(m: dict[str, Any]) -> None:
            sent.append(m)

        await BodyLimit(app, 1024 * 1024)({"type": "http", "path": "/api/ingest", "headers": headers}, receive, send)

    tracemalloc.start()
    for headers in ([(b"content-length", b"100")], []):
        sent.clear()
        asyncio.run(run(headers))
        assert sent[0]["status"] == 413
        assert is_problem(json.loads(sent[1]["body"]), 413)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert max(reached) <= 1024 * 1024
    assert peak < 8 * 1024 * 1024
