"""Every command of the README's "Using it" block, run as a user would on a small real store (and with --help).

The store is made here from a few articles written for the test (not copied from the shared corpus), through the
real pipeline, so `board`, `saga` and `outlets` have sagas and reliabilities to show. A command added to the README
without a run here fails :func:`test_every_readme_command_is_covered`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mercato.interfaces.cli import app

REPO = Path(__file__).resolve().parents[2]

ARTICLES = [
    {"id": "r1", "url": "https://news.example.com/2025/07/01/chelsea-guehi", "outlet": "Sky Sports",
     "date": "2025-07-01", "lang": "en", "title": "Chelsea in talks for Marc Guéhi",
     "text": "Chelsea are in advanced talks with Crystal Palace to sign defender Marc Guéhi for €50m, Sky Sports "
             "understands. The England international is keen on the move."},
    {"id": "r2", "url": "https://news.example.org/guehi-terms", "outlet": "The Athletic", "date": "2025-07-03",
     "lang": "en",
     "text": "Marc Guéhi has agreed personal terms with Chelsea ahead of a €50m move from Crystal Palace, "
             "according to The Athletic. A medical is planned for next week."},
    {"id": "r3", "url": "https://sport.example.fr/mbappe-real", "outlet": "L'Équipe", "date": "2025-07-02",
     "lang": "fr", "title": "Mbappé: le Real Madrid prêt à tout",
     "text": "Le Real Madrid négocie avec le Paris Saint-Germain le transfert de Kylian Mbappé pour 120 millions "
             "d'euros."},
    {"id": "r4", "url": "https://calcio.example.it/milan-gomez", "outlet": "Calcio Example", "lang": "it",
     "text": " date 2025-08-20 Il Milan ha presentato un'offerta al Liverpool per Joe Gomez. Il difensore "
             "inglese è pronto a trasferirsi in Serie A."},
]

#: the README's commands (first word after `mercato`, or two for groups) and the tests below that run them
COVERED = {"ingest", "sources", "watch", "articles", "stats", "understand", "board", "saga", "outlets", "serve",
           "evaluate", "train", "batch", "db", "follow", "unfollow", "following", "webhooks"}


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=True)


def ok(res) -> str:
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output + repr(res.exception)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return res.stdout


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, str]:
    """A store made by `mercato ingest` from the articles above (a JSONL archive, a text file, an HTML page)."""
    d = tmp_path_factory.mktemp("readme")
    archive = write_jsonl(d / "archive.jsonl", ARTICLES)
    (d / "pages").mkdir()
    (d / "pages" / "notes.txt").write_text("Arsenal have made an enquiry for Nico Williams of Athletic Club.\n",
                                          encoding="utf-8")
    (d / "pages" / "page.html").write_text(
        "<html><head><title>Bayern bid for Florian Wirtz</title></head><body><article><p>Bayern Munich have made "
        "a first bid for Florian Wirtz, Bayer Leverkusen's playmaker, worth €100m.</p></article></body></html>",
        encoding="utf-8")
    db = str(d / "small.db")
    out = json.loads(ok(run("ingest", str(archive), str(d / "pages"), "--db", db, "--json")))
    assert out["added"] == len(ARTICLES) + 2 and out["rejected"] == 0, out
    return {"db": db, "dir": str(d), "archive": str(archive)}


# -- the README block itself -----------------------------------------------------------------------------------

def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip().startswith("mercato ")]


def test_every_readme_command_is_covered():
    names = {re.split(r"\s+", c)[1] for c in readme_commands()}
    assert names, "the README's 'Using it' block lists no command"
    assert names <= COVERED, f"README commands without a test here: {sorted(names - COVERED)}"


@pytest.mark.parametrize("words", sorted({tuple(re.split(r"\s+", c)[1:2]) for c in readme_commands()}
                                         | {("articles", "list"), ("articles", "search"), ("articles", "show"),
                                            ("db", "migrate"), ("webhooks", "add"), ("webhooks", "list"),
                                            ("webhooks", "log"), ("webhooks", "remove"), ("webhooks", "deliver"),
                                            ("webhooks", "retry")}))
def test_help_of_every_readme_command(words):
    out = ok(run(*words, "--help"))
    assert "Usage" in out


def test_help_in_a_subprocess_runs_this_code():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", "from mercato.interfaces.cli import main; main()", "outlets",
                           "--help"], capture_output=True, text=True, timeout=120, env=env, cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr
    assert "Reliability per outlet" in proc.stdout and "Traceback" not in proc.stderr


# -- each command on the small store -----------------------------------------------------------------------------

def test_ingest_rerun_adds_nothing(small):
    out = json.loads(ok(run("ingest", small["archive"], "--db", small["db"], "--json")))
    assert out["added"] == 0 and out["unchanged"] == len(ARTICLES)


def test_ingest_url_refused_without_allow_private_is_one_line(small):
    res = run("ingest", "http://127.0.0.1:9/nothing", "--db", small["db"], "--json")
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 1)


def test_sources(small, tmp_path):
    feeds = tmp_path / "sources.toml"
    feeds.write_text('[[feed]]\nurl = "https://feeds.example.com/rss"\nname = "Example"\n', encoding="utf-8")
    out = json.loads(ok(run("sources", "--file", str(feeds), "--db", small["db"], "--json")))
    assert [f["url"] for f in out["feeds"]] == ["https://feeds.example.com/rss"]
    assert "Example" in ok(run("sources", "--file", str(feeds), "--db", small["db"]))


def test_watch_once_with_no_feeds_is_a_clear_error(small, tmp_path):
    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    res = run("watch", "--once", "--file", str(empty), "--db", small["db"])
    assert res.exit_code == 1 and "no enabled feeds" in res.output and "Traceback" not in res.output


def test_articles_list_search_show(small):
    listed = json.loads(ok(run("articles", "list", "--json", "--db", small["db"])))
    assert len(listed) == len(ARTICLES) + 2
    assert "Guéhi" in ok(run("articles", "list", "--db", small["db"]))
    found = json.loads(ok(run("articles", "search", "Mbappé", "--json", "--db", small["db"])))
    assert [a["id"] for a in found] == ["r3"]
    shown = ok(run("articles", "show", "r2", "--db", small["db"]))
    assert "personal terms" in shown


def test_stats(small):
    out = json.loads(ok(run("stats", "--json", "--db", small["db"])))
    assert out["articles"] == len(ARTICLES) + 2
    ok(run("stats", "--db", small["db"]))


def test_understand(small):
    assert "understood" in ok(run("understand", "--db", small["db"]))
    assert "understood" in ok(run("understand", "--all", "--db", small["db"]))


def test_board_and_saga(small):
    sagas = json.loads(ok(run("board", "--json", "--db", small["db"])))
    assert sagas, "the small store has no saga"
    guehi = [s for s in sagas if "Gu" in s["player"]]
    assert guehi, [s["player"] for s in sagas]
    ok(run("board", "--db", small["db"]))
    ok(run("board", "--club", "Chelsea", "--player", "Guehi", "--status", guehi[0]["status"], "--json",
           "--db", small["db"]))
    saga = json.loads(ok(run("saga", guehi[0]["id"], "--json", "--db", small["db"])))
    assert saga["id"] == guehi[0]["id"]
    ok(run("saga", guehi[0]["id"], "--db", small["db"]))
    ok(run("saga", guehi[0]["id"], "--as-of", "2025-07-02", "--db", small["db"]))
    res = run("saga", "no-such-saga", "--db", small["db"])
    assert res.exit_code == 1 and "Traceback" not in res.output


def test_outlets(small):
    rows = json.loads(ok(run("outlets", "--json", "--db", small["db"])))
    assert rows and all({"source", "kind", "reliability"} <= set(r) for r in rows)
    assert "outlets and journalists" in ok(run("outlets", "--db", small["db"]))
    res = run("outlets", "--sort", "nope", "--db", small["db"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_serve_refuses_a_taken_port_in_one_line(small):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        res = run("serve", "--host", "127.0.0.1", "--port", str(s.getsockname()[1]), "--db", small["db"])
    assert res.exit_code == 1 and "cannot listen" in res.output and "Traceback" not in res.output


def test_evaluate_on_a_small_labelled_corpus(small, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "articles.jsonl", ARTICLES[:2])
    write_jsonl(corpus / "labels.jsonl", [
        {"id": a["id"], "is_transfer_news": True, "saga": "guehi-palace-chelsea",
         "claims": [{"player": "Marc Guéhi", "from_club": "Crystal Palace", "to_club": "Chelsea",
                     "stage": stage, "fee_eur_m": 50}], "cited_sources": [outlet]}
        for a, stage, outlet in ((ARTICLES[0], "talks", "Sky Sports"), (ARTICLES[1], "agreement", "The Athletic"))])
    out = json.loads(ok(run("evaluate", str(corpus), "--json")))
    assert "claim_pair_f1" in json.dumps(out)
    report = tmp_path / "report"
    ok(run("evaluate", str(corpus), "--report", str(report)))
    assert report.is_dir()


def test_train_refuses_an_unlabelled_directory_in_one_line(small, tmp_path):
    corpus = tmp_path / "unlabelled"
    corpus.mkdir()
    write_jsonl(corpus / "articles.jsonl", ARTICLES)
    res = run("train", str(corpus), "--out", str(tmp_path / "models.json"))
    assert res.exit_code == 1 and "labels.jsonl" in res.output and "Traceback" not in res.output


def test_batch(small, tmp_path):
    pytest.importorskip("dask.distributed")
    db = str(tmp_path / "batch.db")
    out = json.loads(ok(run("batch", small["archive"], "--workers", "1", "--db", db, "--json")))
    assert out["added"] == len(ARTICLES)


def test_db_migrate(small):
    assert "migration" in ok(run("db", "migrate", "--db", small["db"]))
    assert ok(run("db", "migrate", "--list", "--db", small["db"])).strip()


@pytest.mark.parametrize("args", [("board", "--since", "garbage"), ("board", "--until", "2025-02-30"),
                                  ("board", "--since", "9999-12-31"), ("saga", "x", "--as-of", "soon")])
def test_bad_dates_in_options_are_usage_errors(small, args):
    res = run(*args, "--db", small["db"])
    assert res.exit_code == 2 and "expected a date YYYY-MM-DD" in res.output and "Traceback" not in res.output


def test_follow_unfollow_following_webhooks(small):
    db = small["db"]
    out = json.loads(ok(run("follow", "Chelsea", "--list", "blues", "--db", db, "--json")))
    assert out["kind"] == "club" and out["added"] is True and out["watchlist"] == "blues"
    assert "already follows" in ok(run("follow", "chelsea", "--list", "blues", "--db", db))
    assert "now follows" in ok(run("follow", "Marc Guehi", "--list", "blues", "--db", db))
    ok(run("follow", "Some Future Star", "--player", "--db", db))
    res = run("follow", "Nobody Known", "--db", db)
    assert res.exit_code == 1 and "--club or --player" in res.output and "Traceback" not in res.output
    res = run("follow", "Chelsea", "--list", "no spaces", "--db", db)
    assert res.exit_code == 1 and "invalid watchlist name" in res.output
    lists = json.loads(ok(run("following", "--json", "--db", db)))
    assert {x["watchlist"] for x in lists} == {"blues", "default"}
    one = json.loads(ok(run("following", "--list", "blues", "--json", "--db", db)))
    assert [i["kind"] for i in one[0]["items"]] == ["club", "player"] and one[0]["sagas"]
    assert "Chelsea" in ok(run("following", "--list", "blues", "--db", db))
    assert "no longer follows" in ok(run("unfollow", "Chelsea", "--list", "blues", "--db", db))
    res = run("unfollow", "Chelsea", "--list", "blues", "--db", db)
    assert res.exit_code == 1 and "does not follow" in res.output
    assert "webhook 1 added" in ok(run("webhooks", "add", "https://hooks.example.com/mercato", "--secret",
                                       "a-long-secret", "--db", db))
    res = run("webhooks", "add", "file:///etc/passwd", "--secret", "a-long-secret", "--db", db)
    assert res.exit_code == 1 and "refused" in res.output and "Traceback" not in res.output
    hooks = json.loads(ok(run("webhooks", "list", "--json", "--db", db)))
    assert [h["url"] for h in hooks] == ["https://hooks.example.com/mercato"] and "secret" not in hooks[0]
    assert json.loads(ok(run("webhooks", "log", "--json", "--db", db))) == []
    assert "0 delivered" in ok(run("webhooks", "deliver", "--db", db))
    ok(run("webhooks", "retry", "--db", db))
    assert "removed" in ok(run("webhooks", "remove", "1", "--db", db))
    assert run("webhooks", "remove", "1", "--db", db).exit_code == 1
