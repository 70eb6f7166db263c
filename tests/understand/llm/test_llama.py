"""The LLM reader against a real model server: llama-cpp-python's OpenAI-compatible server on Gemma 3 270M,
started by the tests on 127.0.0.1. The model is far too small to read well: these tests check the plumbing
(schema-valid answers stored, a re-run and a second evaluation served from the cache, quotes checked, the
offline fallback when the server is killed mid-run), not its accuracy."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mercato.interfaces.cli import app
from mercato.store import Store
from tests.understand.llm.conftest import ARTICLES, gemma_env, write_articles

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_real_server_answers_are_schema_valid_stored_and_served_from_the_cache(tmp_path, llama):
    from mercato.understand.llm import prompt

    db = tmp_path / "m.db"
    src = tmp_path / "corpus"
    src.mkdir()
    write_articles(src / "articles.jsonl", ARTICLES[:1])  # Gemma answers it in ~20 tokens
    env = gemma_env(llama.url)
    res = runner.invoke(app, ["ingest", str(src / "articles.jsonl"), "--db", str(db), "--json"], env=env)
    assert res.exit_code == 0, res.output
    counts = json.loads(res.stdout)["counts"]
    assert counts["llm/requests"] == 1 and counts["llm/tokens_in"] > 0 and counts["llm/tokens_out"] > 0
    store = Store.open("sqlite:///" + str(db))
    try:
        import sqlalchemy as sa

        from mercato.store import schema as t

        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(t.llm_cache)).all()
        assert len(rows) == 1 and {r.model for r in rows} == {"gemma3-270m"}
        schema = prompt.current().schema
        for r in rows:
            prompt.validate(r.answer, schema)  # what the grammar-constrained server answered, as stored
        texts = {a.key: a.text for a in store.iter_articles()}
        for key, u in store.understood().items():
            for c in u.claims:  # every claim kept quotes the article (the rest were dropped and counted)
                assert c.reader == "llm:gemma3-270m"
                assert c.evidence and " ".join(c.evidence.split())[:40] in " ".join(texts[key].split())
    finally:
        store.close()
    res = runner.invoke(app, ["understand", "--all", "--db", str(db)], env=env)
    assert res.exit_code == 0, res.output
    assert "0 requests, 1 from the cache" in res.output
    # a second evaluation (its own temporary store) asks nothing either: the answers are in --db's cache
    res = runner.invoke(app, ["evaluate", str(src), "--reader", "llm", "--db", str(db), "--json"], env=env)
    assert res.exit_code == 0, res.output
    assert "0 requests, 1 from the cache" in res.output


def test_the_server_killed_mid_run_leaves_the_rest_to_the_offline_reader(tmp_path, gguf):
    from mercato import pipeline
    from mercato.sources import read_paths
    from mercato.stats import RunStats
    from mercato.testing.llm import LlamaServer
    from mercato.understand.llm import LlmReader

    store = Store.open("sqlite:///" + str(tmp_path / "m.db"))
    server = LlamaServer(gguf, n_ctx=2048, log=tmp_path / "server.log").wait_ready()
    try:
        # 40 tokens: whichever article goes first ends quickly (answered, or cut short and counted as truncated)
        reader = LlmReader(url=server.url, model="gemma3-270m", concurrency=1, timeout_s=240, max_tokens=40,
                           cache=store)
        done: list[int] = []

        def killed_after_the_first(_n: int, _tokens: int) -> None:
            done.append(1)
            if len(done) == 1:
                server.kill()

        reader.on_read = killed_after_the_first
        stats = RunStats()
        with pipeline.use_reader(reader), stats.active():
            pipeline.ingest(store, read_paths([str(write_articles(tmp_path / "a.jsonl", ARTICLES[:2]))]), stats=stats)
        assert server.proc.poll() is not None
        assert stats.reasons["fallback/llm/unavailable"] == 1
        assert reader.usage["llm/requests"] == 2 and store.llm_cache_size() <= 1
        us = store.understood()
        assert len(us) == 2
        readers = sorted({c.reader for u in us.values() for c in u.claims})
        assert "rules" in readers  # the article the server could not read was read offline
    finally:
        server.close()
        store.close()
