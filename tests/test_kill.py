"""``kill -9`` mid-ingest (reliability rows 12 and 13): nothing committed is lost, nothing is stored twice.

A child process ingests in small batches and appends each batch's keys to a log (fsync'd) only after the
COMMIT returned. The parent SIGKILLs it at random moments many times, each run starting at a random line of
one of two inputs (the second revises every article of the first), then re-runs both to completion.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato.extract import extract
from mercato.models import RawArticle
from mercato.store import Store
from mercato.testing.corpus import write_copies

CHILD = r"""
import os, sys
from mercato import pipeline
from mercato.sources import read_jsonl
from mercato.store import Store

url, path, log_path, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store.open(url)
with open(log_path, "a", encoding="utf-8") as log:
    def committed(keys):
        log.write("\n".join(keys) + "\n")
        log.flush()
        os.fsync(log.fileno())
    stats = pipeline.ingest(store, read_jsonl(path, start_line=start), batch_size=40, understand=False,
                            on_commit=committed)
print("done", stats.counts.get("added", 0), stats.counts.get("revised", 0), flush=True)
"""

N_ARTICLES = 1200


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, dev_corpus) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("kill")
    a = write_copies(dev_corpus / "articles.jsonl", d / "a.jsonl", N_ARTICLES)
    b = write_copies(dev_corpus / "articles.jsonl", d / "b.jsonl", N_ARTICLES, revised=True)
    return a, b


def expected(inputs: tuple[Path, Path]) -> tuple[set[str], int]:
    """Unique keys and unique (key, text) pairs over both inputs."""
    keys, revs = set(), set()
    for path in inputs:
        for line in path.read_text(encoding="utf-8").splitlines():
            art = extract(RawArticle.from_dict({**json.loads(line), "origin": "x"}))
            keys.add(art.key)
            revs.add((art.key, art.content_hash))
    return keys, len(revs)


def spawn(url: str, path: Path, log: Path, start: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, url, str(path), str(log), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def logged_keys(log: Path) -> set[str]:
    if not log.exists():
        return set()
    return {k for k in log.read_text(encoding="utf-8").split("\n") if k}


def check(url: str, log: Path) -> tuple[int, int]:
    """Every logged key is stored; no key or revision twice. Returns (articles, revisions)."""
    store = Store.open(url)  # also finishes a migration a kill interrupted
    eng = store.engine
    try:
        with eng.connect() as c:
            stored = {r[0] for r in c.execute(sa.text("SELECT key FROM articles"))}
            n_articles = c.execute(sa.text("SELECT COUNT(*) FROM articles")).scalar_one()
            dup = c.execute(sa.text("SELECT COUNT(*) FROM (SELECT key FROM articles GROUP BY key "
                                    "HAVING COUNT(*) > 1) d")).scalar_one()
            dup_rev = c.execute(sa.text("SELECT COUNT(*) FROM (SELECT article_key, content_hash FROM "
                                        "article_revisions GROUP BY article_key, content_hash HAVING COUNT(*) > 1) d"
                                        )).scalar_one()
            orphans = c.execute(sa.text("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM "
                                        "article_revisions r WHERE r.article_key = a.key AND r.revision = a.revision "
                                        "AND r.content_hash = a.content_hash)")).scalar_one()
            n_revs = c.execute(sa.text("SELECT COUNT(*) FROM article_revisions")).scalar_one()
            if url.startswith("sqlite"):
                assert c.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
    finally:
        store.close()
    missing = logged_keys(log) - stored
    assert not missing, f"{len(missing)} keys logged as committed are not stored"
    assert n_articles == len(stored) and dup == 0 and dup_rev == 0
    assert orphans == 0, "an article's current revision is missing from article_revisions"
    return n_articles, n_revs


def kill_loop(url: str, inputs: tuple[Path, Path], log: Path, kills: int, rng: random.Random,
              max_delay: float, deadline: float, crash_server=None) -> int:
    done = 0
    for i in range(kills):
        if time.monotonic() > deadline:
            break
        path = inputs[rng.random() < 0.3]
        start = rng.randint(1, N_ARTICLES)
        proc = spawn(url, path, log, start)
        time.sleep(rng.uniform(0.0, max_delay))
        if crash_server is not None and i % 5 == 4:
            crash_server()  # the server dies under the child; the child must fail cleanly
            out, err = proc.communicate(timeout=120)
            assert proc.returncode != 0 or out.startswith("done"), "the child neither failed nor finished"
        else:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
        done += 1
        check(url, log)
    return done


def finish(url: str, inputs: tuple[Path, Path], log: Path) -> None:
    for path in inputs:
        proc = spawn(url, path, log)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert out.startswith("done")
    # a second complete pass changes nothing
    for path in inputs:
        proc = spawn(url, path, log)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert out.split() == ["done", "0", "0"], out


@pytest.mark.slow
def test_kill_9_sqlite(tmp_path, inputs):
    url = "sqlite:///" + str(tmp_path / "kill.db")
    log = tmp_path / "committed.log"
    rng = random.Random(int(os.environ.get("MERCATO_KILL_SEED", "12")))
    kills = kill_loop(url, inputs, log, 60, rng, max_delay=1.5, deadline=time.monotonic() + 240)
    assert kills >= 50
    assert logged_keys(log), "no batch was ever committed before a kill: the delays are too short"
    finish(url, inputs, log)
    keys, n_revs = expected(inputs)
    assert check(url, log) == (len(keys), n_revs)


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_postgres(pg_server, pg_db, tmp_path, inputs):
    log = tmp_path / "committed.log"
    rng = random.Random(int(os.environ.get("MERCATO_KILL_SEED", "13")))

    def crash_server() -> None:
        pg_server.crash()
        pg_server.restart()

    kills = kill_loop(pg_db, inputs, log, 20, rng, max_delay=2.0, deadline=time.monotonic() + 240,
                      crash_server=crash_server)
    assert kills >= 15
    finish(pg_db, inputs, log)
    keys, n_revs = expected(inputs)
    assert check(pg_db, log) == (len(keys), n_revs)
