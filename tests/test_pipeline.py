"""The ingest runner end to end: dev corpus, bad input, concurrent writers, disk full, read-only, idempotency."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mercato import pipeline
from mercato.errors import StoreError
from mercato.extract import extract
from mercato.models import RawArticle
from mercato.sources import read_jsonl, read_paths
from mercato.store import Store
from mercato.testing.corpus import write_copies

BAD = Path(__file__).resolve().parent / "data" / "bad_input"


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


def test_dev_corpus_ingests_to_117_and_rerun_adds_0(store, dev_corpus):
    stats = pipeline.ingest(store, read_jsonl(dev_corpus / "articles.jsonl"), understand=False)
    assert stats.to_dict()["added"] == 117 and stats.to_dict()["rejected"] == 0
    again = pipeline.ingest(store, read_jsonl(dev_corpus / "articles.jsonl"), understand=False)
    assert (again.to_dict()["added"], again.to_dict()["unchanged"]) == (0, 117)
    assert store.count("articles") == 117 and store.count("article_revisions") == 117


def test_bad_input_corpus_keeps_good_items_on_both_backends(store):
    stats = pipeline.ingest(store, read_paths([BAD]), batch_size=7, understand=False).to_dict()
    assert stats["reasons"] == {"failed/source/BadArchiveLine": 15}
    assert all(":" in e and str(BAD) in e for e in stats["errors"])
    n = store.count("articles")
    assert stats["added"] == n and n >= 20
    nasty = {a.external_id for a in store.iter_articles()} & {"n1", "n3", "n4", "n5", "n6"}
    assert nasty == {"n1", "n3", "n4", "n5", "n6"}  # NUL, surrogates, odd URLs: all storable
    again = pipeline.ingest(store, read_paths([BAD]), understand=False).to_dict()
    assert again["added"] == 0 and again["revised"] == 0 and store.count("articles") == n


def test_revisions_are_counted(store, tmp_path, dev_corpus):
    a = write_copies(dev_corpus / "articles.jsonl", tmp_path / "a.jsonl", 50)
    b = write_copies(dev_corpus / "articles.jsonl", tmp_path / "b.jsonl", 50, revised=True)
    assert pipeline.ingest(store, read_jsonl(a), batch_size=9, understand=False).to_dict()["added"] == 50
    assert pipeline.ingest(store, read_jsonl(b), batch_size=9, understand=False).to_dict()["revised"] == 50
    assert pipeline.ingest(store, read_jsonl(a), understand=False).to_dict()["unchanged"] == 50
    assert store.count("articles") == 50 and store.count("article_revisions") == 100


def test_on_commit_reports_only_committed_batches(store, tmp_path, dev_corpus):
    src = write_copies(dev_corpus / "articles.jsonl", tmp_path / "a.jsonl", 95)
    seen: list[list[str]] = []

    def on_commit(keys):
        assert {a.key for a in store.articles_by_keys(keys) for a in [a[0]]} == set(keys)
        seen.append(keys)

    pipeline.ingest(store, read_jsonl(src), batch_size=20, understand=False, on_commit=on_commit)
    assert [len(k) for k in seen] == [20, 20, 20, 20, 15]


# -- row 14: concurrent writers and readers -------------------------------------------------------------

def _cli(*args) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).parent / "mercato"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_concurrent_ingesters_and_readers(store_url, tmp_path, dev_corpus):
    Store.open(store_url).close()
    src = write_copies(dev_corpus / "articles.jsonl", tmp_path / "all.jsonl", 1500)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = []
    for i, (lo, hi) in enumerate([(0, 900), (300, 1200), (600, 1500), (0, 1500)]):
        p = tmp_path / f"part{i}.jsonl"
        p.write_text("".join(lines[lo:hi]) if i % 2 == 0 else "".join(reversed(lines[lo:hi])), encoding="utf-8")
        parts.append(p)
    writers = [_cli("ingest", str(p), "--no-understand", "--batch-size", "50", "--db", store_url) for p in parts]
    readers = []
    while any(w.poll() is None for w in writers):
        readers.append(_cli("stats", "--json", "--db", store_url))
        readers.append(_cli("articles", "search", "calciomercato", "--json", "--db", store_url))
        for r in readers[-2:]:
            r.wait(timeout=120)
    for p in writers + readers:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        assert "locked" not in err.lower() and "Traceback" not in err
    assert len(readers) >= 2
    with Store.open(store_url) as s:
        assert s.count("articles") == 1500 and s.count("article_revisions") == 1500


# -- row 15: disk full and read-only database -----------------------------------------------------------

DISK_FULL_CHILD = r"""
import resource, sys
from mercato import pipeline
from mercato.errors import StoreError
from mercato.sources import read_jsonl
from mercato.store import Store
store = Store.open(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
try:
    pipeline.ingest(store, read_jsonl(sys.argv[2]), batch_size=50, understand=False)
except StoreError as exc:
    print("STORE-ERROR", exc)
    sys.exit(3)
print("finished")
"""


def test_disk_full_is_a_clear_error_and_keeps_earlier_data(tmp_path, dev_corpus):
    db = tmp_path / "full.db"
    url = f"sqlite:///{db}"
    first = write_copies(dev_corpus / "articles.jsonl", tmp_path / "first.jsonl", 117)
    more = write_copies(dev_corpus / "articles.jsonl", tmp_path / "more.jsonl", 3000)
    with Store.open(url) as s:
        pipeline.ingest(s, read_jsonl(first), understand=False)
        assert s.engine.connect().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    limit = os.path.getsize(db) + 2 * 1024 * 1024
    proc = subprocess.run([sys.executable, "-c", DISK_FULL_CHILD, url, str(more), str(limit)],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN))
    assert proc.returncode == 3, proc.stdout + proc.stderr[-2000:]
    assert "STORE-ERROR" in proc.stdout and str(db) in proc.stdout
    assert "full" in proc.stdout
    with Store.open(url) as s:
        assert s.engine.connect().exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        keys = {a.key for a in s.iter_articles()}
        first_keys = {extract(RawArticle(origin="x", url=r.url, text=r.text)).key for r in read_jsonl(first)}
        assert first_keys <= keys and len(keys) < 117 + 3000


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions; see the CLI test that drops them")
def test_read_only_database_file(tmp_path):  # pragma: no cover - runs for non-root developers
    db = tmp_path / "ro.db"
    with Store.open(f"sqlite:///{db}") as s:
        pipeline.ingest(s, [RawArticle(origin="x", text="An article.")], understand=False)
    os.chmod(db, stat.S_IRUSR)
    with pytest.raises(StoreError, match="read-only"), Store.open(f"sqlite:///{db}") as s:
        pipeline.ingest(s, [RawArticle(origin="y", text="Another article.")], understand=False)


# -- row 16: idempotency as a property ------------------------------------------------------------------

TEXTS = st.sampled_from(["Rossi to Milan.", "Rossi signs for Milan.", "Rossi stays.", "Bianchi to Roma."])
URLS = st.sampled_from([f"https://prop.example.com/a/{i}" for i in range(6)] + [None])


class IngestMachine(RuleBasedStateMachine):
    """Random ingest / re-ingest / revise sequences: the store equals the de-duplicated union by key."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(os.environ["MERCATO_PROP_DIR"])
        self.n = getattr(IngestMachine, "_n", 0) + 1
        IngestMachine._n = self.n
        self.store = Store.open(f"sqlite:///{self.dir / f'p{self.n}.db'}")
        self.model: dict[str, list[str]] = {}  # key -> distinct content hashes in order seen
        self.history: list[RawArticle] = []

    def _ingest(self, raws: list[RawArticle], batch_size: int) -> None:
        stats = pipeline.ingest(self.store, raws, batch_size=batch_size, understand=False).to_dict()
        expect = {"added": 0, "revised": 0, "unchanged": 0}
        for r in raws:
            a = extract(r)
            seen = self.model.setdefault(a.key, [])
            if not seen:
                expect["added"] += 1
            elif a.content_hash in seen:
                expect["unchanged"] += 1
            else:
                expect["revised"] += 1
            if a.content_hash not in seen:
                seen.append(a.content_hash)
        assert {k: stats[k] for k in expect} == expect
        self.history.extend(raws)

    @rule(items=st.lists(st.tuples(URLS, TEXTS), min_size=1, max_size=8), batch_size=st.integers(1, 5))
    def ingest(self, items, batch_size):
        self._ingest([RawArticle(origin="prop", url=u, text=t) for u, t in items], batch_size)

    @rule(batch_size=st.integers(1, 5), data=st.data())
    def reingest(self, batch_size, data):
        if self.history:
            picked = data.draw(st.lists(st.sampled_from(self.history), min_size=1, max_size=10))
            self._ingest(picked, batch_size)

    @invariant()
    def store_matches_model(self):
        stored = {a.key: a for a in self.store.iter_articles()}
        assert set(stored) == set(self.model)
        assert self.store.count("article_revisions") == sum(len(v) for v in self.model.values())
        for key, hashes in self.model.items():
            assert stored[key].content_hash == hashes[-1]
            assert [r["content_hash"] for r in self.store.revisions(key)] == hashes

    def teardown(self):
        self.store.close()


def test_idempotency_property(tmp_path, monkeypatch):
    monkeypatch.setenv("MERCATO_PROP_DIR", str(tmp_path))
    IngestMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=8, deadline=None,
                                               suppress_health_check=list(HealthCheck))
    IngestMachine.TestCase().runTest()
