"""The saga page and the API accept a short id (the board's, or a unique prefix) and redirect to the full id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mercato.interfaces.api.problems import is_problem
from tests.interfaces.conftest import LiveServer, settings_for_tests


@pytest.fixture(scope="module")
def server(sample_store: Any) -> Any:
    with LiveServer(sample_store, settings_for_tests()) as srv:
        yield srv


def test_short_id_redirects_to_the_full_id(server: Any, sample_store: Any) -> None:
    full = "sample-0005"
    short = sample_store.saga_short_ids([full])[full]
    assert short != full
    with httpx.Client(base_url=server.url, follow_redirects=False) as c:
        for path, target in ((f"/sagas/{short}", f"/sagas/{full}"), (f"/sagas/{short}.json", f"/sagas/{full}.json"),
                             (f"/api/sagas/{short}", f"/api/sagas/{full}"),
                             (f"/sagas/{short}?as_of=2025-12-31", f"/sagas/{full}?as_of=2025-12-31")):
            r = c.get(path, headers={"accept": "text/html"})
            assert r.status_code == 307, path
            assert r.headers["location"] == target, path
        # followed, the short id shows the saga
        r = c.get(f"/api/sagas/{short}", follow_redirects=True)
        assert r.status_code == 200 and r.json()["id"] == full
        r = c.get(f"/sagas/{short}", follow_redirects=True, headers={"accept": "text/html"})
        assert r.status_code == 200 and "sample-0005" in str(r.url)
        # a full id is served as it is
        assert c.get(f"/api/sagas/{full}").status_code == 200


def test_unknown_and_ambiguous_short_ids_are_problems(server: Any) -> None:
    with httpx.Client(base_url=server.url) as c:
        r = c.get("/api/sagas/sample-00")
        assert r.status_code == 400 and is_problem(r.json(), 400)
        assert "ambiguous" in r.json()["detail"] and "sample-0000" in r.json()["detail"]
        r = c.get("/api/sagas/nothing-like-this")
        assert r.status_code == 404 and is_problem(r.json(), 404) and "nothing-like-this" in r.json()["detail"]
        r = c.get("/sagas/sample-00", headers={"accept": "text/html"})
        assert r.status_code == 400 and "ambiguous" in r.text
