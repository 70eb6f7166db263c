"""Which reader produced a claim is shown: `mercato articles show` and the saga page (and its JSON twin)."""

from __future__ import annotations

import json

import httpx
from typer.testing import CliRunner

from mercato.interfaces.cli import app
from mercato.store import Store
from mercato.testing.llm import ScriptedChatServer
from tests.interfaces.conftest import LiveServer, settings_for_tests
from tests.understand.llm.conftest import ARTICLES, llm_env, write_articles

runner = CliRunner()


def test_articles_show_and_the_saga_page_name_the_llm_reader(tmp_path):
    db = tmp_path / "m.db"
    src = write_articles(tmp_path / "a.jsonl", ARTICLES[:2])
    with ScriptedChatServer() as srv:
        res = runner.invoke(app, ["ingest", str(src), "--db", str(db)], env=llm_env(srv.url))
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["articles", "show", "t1", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert [c["reader"] for c in json.loads(res.stdout)["understanding"]["claims"]] == ["llm:scripted"]
    res = runner.invoke(app, ["articles", "show", "t1", "--db", str(db)], env={"COLUMNS": "250"})
    assert "read by" in res.output and "llm:scripted" in res.output
    res = runner.invoke(app, ["board", "--db", str(db), "--json"])
    sagas = json.loads(res.stdout)
    assert sagas, res.output
    store = Store.open("sqlite:///" + str(db))
    try:
        with LiveServer(store, settings_for_tests()) as live:
            page = httpx.get(f"{live.url}/sagas/{sagas[0]['id']}", trust_env=False)
            assert page.status_code == 200
            assert "read by llm:scripted" in page.text
            twin = httpx.get(f"{live.url}/sagas/{sagas[0]['id']}.json", trust_env=False)
            assert twin.status_code == 200, twin.text
            assert "llm:scripted" in {e.get("reader") for e in twin.json()["saga"]["timeline"]}
    finally:
        store.close()
