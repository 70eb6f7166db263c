"""The LLM reader against a scripted OpenAI-compatible server the tests start on 127.0.0.1: the cache, quotes
checked, 429 with Retry-After, a server that never answers, the fallback, the API key kept out of sight."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from mercato.interfaces.cli import app
from mercato.store import Store
from mercato.testing.llm import ScriptedChatServer, quoting_answer
from tests.understand.llm.conftest import ARTICLES, llm_env

runner = CliRunner()


def _ingest(db, path, env, *args):
    return runner.invoke(app, ["ingest", str(path), "--db", str(db), *args], env=env)


def _claims(db):
    store = Store.open("sqlite:///" + str(db))
    try:
        return {k: u.claims for k, u in store.understood().items()}
    finally:
        store.close()


def test_llm_claims_are_stored_with_their_reader_and_a_rerun_asks_nothing(tmp_path, articles_file):
    db = tmp_path / "m.db"
    with ScriptedChatServer() as srv:
        res = _ingest(db, articles_file, llm_env(srv.url), "--json")
        assert res.exit_code == 0, res.output
        assert len(srv.chat_requests) == len(ARTICLES)
        body = srv.chat_requests[0]["body"]
        assert body["model"] == "scripted" and body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"]["required"] == ["is_transfer_news", "claims",
                                                                               "cited_sources"]
        counts = json.loads(res.stdout)["counts"]
        assert counts["llm/requests"] == 3 and counts["llm/tokens_in"] == 300 and counts["llm/tokens_out"] == 150
        claims = [c for cs in _claims(db).values() for c in cs]
        assert len(claims) == 3 and {c.reader for c in claims} == {"llm:scripted"}
        assert all(c.player == "Joe Gomez" and c.to_club == "AC Milan" for c in claims)
        assert any(c.evidence.startswith("Liverpool defender Joe Gomez") for c in claims)
        # a re-read of everything, and a second store-wide run: answered from the cache
        res = runner.invoke(app, ["understand", "--all", "--db", str(db)], env=llm_env(srv.url))
        assert res.exit_code == 0, res.output
        assert len(srv.chat_requests) == 3
        assert "0 requests, 3 from the cache" in res.output
    store = Store.open("sqlite:///" + str(db))
    try:
        assert store.llm_cache_size() == 3
    finally:
        store.close()


def test_a_claim_whose_quote_is_not_in_the_text_is_dropped_and_counted(tmp_path, articles_file):
    db = tmp_path / "m.db"
    invented = "Joe Gomez has signed a five-year contract with AC Milan."
    with ScriptedChatServer([lambda b: (200, {}, quoting_answer(b, quote=invented, sources=("Sky Sport", "Marca")))
                             ]) as srv:
        res = _ingest(db, articles_file, llm_env(srv.url), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["reasons"]["dropped/llm/quote-not-in-text"] == 3
    assert out["reasons"]["dropped/llm/source-not-in-text"] == 5  # "Marca" is in none, "Sky Sport" in one of 3
    store = Store.open("sqlite:///" + str(db))
    try:
        us = store.understood()
        assert all(not u.claims for u in us.values())
        cited = {c.name for u in us.values() for c in u.citations}
        assert "Sky Sport" in cited and "Marca" not in cited
    finally:
        store.close()


def test_429_is_retried_after_the_time_the_server_asks(tmp_path, articles_file):
    from tests.understand.llm.conftest import write_articles

    db = tmp_path / "m.db"
    one = write_articles(tmp_path / "one.jsonl", ARTICLES[:1])
    stamps: list[float] = []

    def busy(_body):
        stamps.append(time.monotonic())
        return 429, {"Retry-After": "1"}, {"error": {"message": "slow down"}}

    def ok(body):
        stamps.append(time.monotonic())
        return 200, {}, quoting_answer(body)

    with ScriptedChatServer([busy, ok]) as srv:
        res = _ingest(db, one, llm_env(srv.url), "--json")
        assert res.exit_code == 0, res.output
        assert len(srv.chat_requests) == 2
    assert stamps[1] - stamps[0] >= 0.95  # Retry-After: 1 honoured
    claims = [c for cs in _claims(db).values() for c in cs]
    assert [c.reader for c in claims] == ["llm:scripted"]


def test_429_past_the_deadline_falls_back_to_the_offline_reader(tmp_path):
    from tests.understand.llm.conftest import write_articles

    db = tmp_path / "m.db"
    one = write_articles(tmp_path / "one.jsonl", ARTICLES[:1])
    with ScriptedChatServer([lambda _b: (429, {"Retry-After": "3600"}, {})]) as srv:
        res = _ingest(db, one, llm_env(srv.url), "--json")
        assert len(srv.chat_requests) == 1  # it does not hammer the server
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["reasons"]["fallback/llm/http-429"] == 1
    claims = [c for cs in _claims(db).values() for c in cs]
    assert claims and {c.reader for c in claims} == {"rules"}


def test_a_server_that_never_answers_meets_the_deadline_and_falls_back(tmp_path, articles_file):
    db = tmp_path / "m.db"
    with ScriptedChatServer([ScriptedChatServer.HANG]) as srv:
        t0 = time.monotonic()
        res = _ingest(db, articles_file, llm_env(srv.url, MERCATO_LLM_TIMEOUT_S="1", MERCATO_LLM_CONCURRENCY="3"),
                      "--json")
        took = time.monotonic() - t0
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["reasons"]["fallback/llm/timeout"] == 3
    assert took < 60  # bounded by the deadline, not by the server
    us = _claims(db)
    assert len(us) == 3 and all(c.reader == "rules" for cs in us.values() for c in cs)
    assert any(us.values())  # the offline reader found claims


def test_the_api_key_is_sent_but_never_logged_stored_or_shown(tmp_path, articles_file):
    db = tmp_path / "m.db"
    secret = "sk-test-7f3a9c1e5b"
    with ScriptedChatServer([lambda _b: (500, {}, {"error": "boom"})]) as srv:
        env = llm_env(srv.url, MERCATO_LLM_API_KEY=secret, MERCATO_LLM_TIMEOUT_S="3")
        res = runner.invoke(app, ["-vv", "ingest", str(articles_file), "--db", str(db)], env=env)
        assert srv.chat_requests[0]["headers"]["Authorization"] == f"Bearer {secret}"
    assert res.exit_code == 0, res.output
    assert secret not in res.output and secret not in (res.stderr if res.stderr_bytes else "")
    assert "fallback/llm/http-500" in res.output
    for f in tmp_path.iterdir():
        assert secret.encode() not in f.read_bytes(), f
    from mercato.settings import load_settings
    from mercato.understand.llm import reader_for

    s = load_settings(env=env)
    assert s.llm_api_key == secret and secret not in repr(s) and secret not in repr(reader_for(s))


def test_bad_reader_settings_are_one_clear_line(tmp_path, articles_file):
    res = _ingest(tmp_path / "m.db", articles_file, {"MERCATO_READER": "gpt"})
    assert res.exit_code == 1 and "reader" in res.output and "offline, llm" in res.output
    res = _ingest(tmp_path / "m.db", articles_file, {}, "--reader", "gpt")
    assert res.exit_code == 2 and "offline, llm" in res.output
    res = _ingest(tmp_path / "m.db", articles_file, {"MERCATO_READER": "llm", "MERCATO_LLM_URL": ""})
    assert res.exit_code == 1 and "MERCATO_LLM_URL" in res.output
    assert "Traceback" not in res.output
