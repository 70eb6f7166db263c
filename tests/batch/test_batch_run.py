"""The batch path gives exactly what the single-process path gives: articles, understanding, claims, sagas."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mercato import pipeline
from mercato.batch import run_batch
from mercato.errors import MissingDependency
from mercato.sources import read_paths
from mercato.store import Store

REPO = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"
MERCATO = Path(sys.executable).parent / "mercato"


def _single(url: str, archive: Path) -> dict:
    with Store.open(url) as store:
        return pipeline.ingest(store, read_paths([str(archive)])).to_dict()


def _assert_same(want: dict, got: dict) -> None:
    for table in want:
        assert len(got[table]) == len(want[table]), table
        assert got[table] == want[table], table


def test_dev_corpus_identical_to_single_process(tmp_path, dev_corpus, dask_client, store_dump):
    archive = dev_corpus / "articles.jsonl"
    single, batch = "sqlite:///" + str(tmp_path / "single.db"), "sqlite:///" + str(tmp_path / "batch.db")
    s = _single(single, archive)
    with Store.open(batch) as store:
        # small partitions: the corpus is cut into many byte ranges, processed in any order on 2 workers
        report = run_batch(store, [str(archive)], client=dask_client, target_bytes=16 * 1024)
    assert report.partitions >= 10 and report.workers == 2 and report.writer == "client"
    b = report.stats.to_dict()
    assert (b["added"], b["rejected"]) == (s["added"], s["rejected"]) == (117, 0)
    want, got = store_dump(single), store_dump(batch)
    assert len(want["articles"]) == 117 and len(want["understanding"]) == 117
    _assert_same(want, got)

    with Store.open(batch) as store:  # a re-run adds nothing
        again = run_batch(store, [str(archive)], client=dask_client, target_bytes=16 * 1024).stats.to_dict()
    assert (again["added"], again["unchanged"], again["revised"]) == (0, 117, 0)
    _assert_same(want, store_dump(batch))


def test_bad_lines_are_reported_with_file_and_line(tmp_path, dev_corpus, dask_client):
    lines = (dev_corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    lines[7] = "{broken"
    lines[21] = '{"id": 3, "text": ["not", "a", "string"]}'
    archive = tmp_path / "a.jsonl"
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open("sqlite:///" + str(tmp_path / "b.db")) as store:
        stats = run_batch(store, [str(archive)], client=dask_client, target_bytes=4096).stats.to_dict()
        assert store.count("articles") == 28
    assert stats["added"] == 28 and stats["rejected"] == 2
    assert stats["reasons"] == {"failed/source/BadArchiveLine": 2}
    assert sorted(e.split(": ")[0] for e in stats["errors"]) == [f"{archive}:22", f"{archive}:8"]


def test_sqlite_refuses_worker_writes(tmp_path, dask_client):
    from mercato.errors import MercatoError

    with Store.open("sqlite:///" + str(tmp_path / "b.db")) as store, pytest.raises(MercatoError, match="one writer"):
        run_batch(store, [], client=dask_client, worker_writes=True)


def test_missing_dask_gives_the_install_line(monkeypatch):
    from mercato.batch import cluster

    monkeypatch.setitem(sys.modules, "distributed", None)  # what an install without the extra looks like
    with pytest.raises(MissingDependency, match=r"pip install 'mercato\[batch\]'"), cluster(workers=1):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_with_a_real_scheduler_and_workers(tmp_path, dev_corpus, pg_db, store_dump):
    """Several machines in miniature: `dask scheduler`, two `dask worker` processes writing to PostgreSQL."""
    archive = dev_corpus / "articles.jsonl"
    single = "sqlite:///" + str(tmp_path / "single.db")
    _single(single, archive)
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([str(DASK), "worker", addr, "--nthreads", "1", "--no-dashboard"],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:  # the scheduler may still be starting; then wait for both workers, so one run does it all
            try:
                with Client(addr, timeout=5) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        out = subprocess.run([str(MERCATO), "batch", str(archive), "--scheduler", addr, "--db", pg_db,
                              "--partition-mb", "0.02", "--json"], capture_output=True, text=True, env=env,
                             timeout=300)
        assert out.returncode == 0, out.stderr
        import json

        report = json.loads(out.stdout)
        assert report["added"] == 117 and report["batch"]["writer"] == "client"
        assert report["batch"]["workers"] >= 1
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    _assert_same(store_dump(single), store_dump(pg_db))
