"""Distillation (`mercato train --teacher llm --teach …`): a model server the test starts on 127.0.0.1 labels the
user's articles; the offline reader's models are learned from its readings; fallbacks are left out and counted;
a second run asks the server nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mercato.interfaces.cli import app
from mercato.testing.llm import ScriptedChatServer, article_of, quoting_answer
from tests.understand.llm.conftest import llm_env, write_articles

pytest.importorskip("sklearn", reason="training needs the train extra (scikit-learn)")
runner = CliRunner()

#: what the teacher reads in each test article (by a word of its text)
READINGS = {
    "Gomez": dict(player="Joe Gomez", to_club="AC Milan", from_club="Liverpool", stage="talks"),
    "Sancho": dict(player="Jadon Sancho", to_club="Juventus", from_club="Manchester United", stage="bid"),
    "Guéhi": dict(player="Marc Guéhi", to_club="Liverpool", from_club="Crystal Palace", stage="agreement"),
}


def teacher(body: dict) -> tuple[int, dict, dict]:
    text = article_of(body)
    if "Sancho" in text:  # the teacher cannot read this one: the offline fallback does, and it is left out
        return 400, {}, {"error": {"message": "context too long"}}
    word = next(w for w in READINGS if w in text)
    return 200, {}, quoting_answer(body, **READINGS[word])


def _train(db, src, out, url, *extra):
    return runner.invoke(app, ["train", "--teacher", "llm", "--teach", str(src), "--db", str(db), "--out", str(out),
                               "--json", *extra], env=llm_env(url))


def test_the_teacher_labels_the_articles_and_the_models_learn_from_them(tmp_path):
    src = write_articles(tmp_path / "mine.jsonl")
    db, out = tmp_path / "m.db", tmp_path / "reader.json"
    with ScriptedChatServer([teacher]) as srv:
        res = _train(db, src, out, srv.url)
        assert res.exit_code == 0, res.output
        asked = len(srv.chat_requests)
        assert asked == 3
        info = json.loads(res.stdout)
        assert info["teacher"] == {"reader": "llm:scripted", "articles": 2, "claims": 2,
                                   "skipped": {"teacher/fallback": 1}}
        assert info["examples"]["claim"] > 2 and info["examples"]["stage"] == 2
        models = json.loads(out.read_text(encoding="utf-8"))
        assert models["claim"]["weights"] and models["stage"]["classes"] == ["agreement", "talks"]
        # a second run: the two answers come from the store's cache; only the unreadable article is asked again
        res = _train(db, src, tmp_path / "again.json", srv.url)
        assert res.exit_code == 0, res.output
        assert len(srv.chat_requests) == asked + 1
        assert json.loads(res.stdout)["teacher"]["articles"] == 2


def test_the_teacher_needs_its_articles_and_a_server(tmp_path):
    res = runner.invoke(app, ["train", "--teacher", "llm", "--out", str(tmp_path / "r.json")])
    assert res.exit_code == 1 and "--teach" in res.output
    res = runner.invoke(app, ["train", "--teach", "store", "--out", str(tmp_path / "r.json")])
    assert res.exit_code == 1 and "--teacher llm" in res.output
    res = runner.invoke(app, ["train", "--teacher", "llm", "--teach", str(tmp_path / "missing.jsonl"),
                              "--out", str(tmp_path / "r.json")], env=llm_env("http://127.0.0.1:9/v1"))
    assert res.exit_code == 1 and "missing.jsonl" in res.output
    src = write_articles(tmp_path / "mine.jsonl")
    res = runner.invoke(app, ["train", "--teacher", "llm", "--teach", str(src), "--db", str(tmp_path / "m.db"),
                              "--out", str(tmp_path / "r.json")], env={"MERCATO_LLM_URL": "", "MERCATO_READER": ""})
    assert res.exit_code == 1 and "llm_url" in res.output
