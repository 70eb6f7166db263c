"""Kills: the whole `mercato batch` job (SIGKILL to its process group) or one worker process, mid-run.

A re-run after a killed job, and a run that lost a worker, both end equal to a clean single-process run:
same article, understanding and claim keys, no duplicates, an intact database.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mercato import pipeline
from mercato.sources import read_paths
from mercato.store import Store
from mercato.understand import PIPELINE_VERSION

pytestmark = pytest.mark.slow

MERCATO = Path(sys.executable).parent / "mercato"
COPIES = 2
BATCH = 20  # small batches: the first commit comes early, so the kill lands mid-run


@pytest.fixture(scope="module")
def archive(tmp_path_factory, dev_corpus, replicated) -> tuple[Path, int]:
    d = tmp_path_factory.mktemp("kill")
    path = d / "big.jsonl"
    n = replicated(dev_corpus / "articles.jsonl", path, COPIES)
    return path, n


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory) -> dict:
    path, _ = archive
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    with Store.open("sqlite:///" + str(db)) as store:
        pipeline.ingest(store, read_paths([str(path)]), batch_size=BATCH)
    return _facts(db)


def _facts(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        out = {
            "articles": [r[0] for r in con.execute("SELECT key FROM articles ORDER BY key")],
            "revisions": con.execute("SELECT COUNT(*), COUNT(DISTINCT article_key) FROM article_revisions").fetchone(),
            "understanding": con.execute(
                "SELECT article_key, lang, is_transfer, pipeline_version FROM understanding ORDER BY 1").fetchall(),
            "claims": con.execute("SELECT article_key, idx, player, stage FROM claims ORDER BY 1, 2").fetchall(),
            "sagas": con.execute("SELECT id, n_articles, status FROM sagas ORDER BY 1").fetchall(),
        }
    finally:
        con.close()
    return out


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _start(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(MERCATO), "batch", str(path), "--db", str(db), "--workers", "2", "--partition-mb", "0.05",
         "--batch-size", str(BATCH), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _wait_for_rows(proc: subprocess.Popen, db: Path, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = _count(db)
        if n > 0:
            return n
        if proc.poll() is not None:
            pytest.fail(f"batch ended before any row was seen: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("no rows written in time")


def _check(db: Path, reference: dict, total: int) -> None:
    got = _facts(db)
    assert len(got["articles"]) == len(set(got["articles"])) == total
    assert got["revisions"] == (total, total)  # one revision per article: nothing written twice
    assert all(u[3] == PIPELINE_VERSION for u in got["understanding"])
    assert got == reference


def test_rerun_after_killing_the_whole_job(tmp_path, archive, reference):
    path, total = archive
    db = tmp_path / "b.db"
    proc = _start(path, db)
    try:
        seen = _wait_for_rows(proc, db)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    at_kill = _count(db)
    assert 0 < seen <= at_kill < total, "the job was not killed mid-run"
    rerun = subprocess.run([str(MERCATO), "batch", str(path), "--db", str(db), "--workers", "2", "--batch-size",
                            str(BATCH), "--json"],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    import json

    summary = json.loads(rerun.stdout)
    assert summary["added"] == total - at_kill and summary["unchanged"] == at_kill
    _check(db, reference, total)


def test_losing_a_worker_mid_run(tmp_path, archive, reference):
    psutil = pytest.importorskip("psutil")
    path, total = archive
    db = tmp_path / "b.db"
    proc = _start(path, db)
    try:
        _wait_for_rows(proc, db)
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2, [p.cmdline() for p in workers]
        workers[0].send_signal(signal.SIGKILL)
        assert _count(db) < total, "the worker was not killed mid-run"
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == 0, err
    _check(db, reference, total)
