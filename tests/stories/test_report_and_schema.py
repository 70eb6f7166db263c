"""The report files, the stories tables (schema.py vs migration 0003) and the evaluation gate on gold claims."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import claim, put

from mercato import stories
from mercato.store import schema as t
from mercato.stories.report import calibration, write_report

REPO = Path(__file__).resolve().parents[2]
DASHBOARD_COLUMNS = {"id", "link_key", "epoch", "player", "player_key", "from_club", "to_club", "status", "resolved",
                     "outcome", "likelihood", "first_date", "last_date", "n_articles", "n_sources", "langs", "data",
                     "updated_at"}
DATA_KEYS = {"timeline", "provenance", "contradictions", "explanation", "likelihood_history", "status_evidence"}


def test_stories_tables_match_the_migration(store):
    insp = sa.inspect(store.engine)
    for name in ("sagas", "saga_articles", "saga_index", "source_reliability"):
        cols = {c["name"] for c in insp.get_columns(name)}
        assert cols == {c.name for c in t.metadata.tables[name].columns}, name
    assert {c.name for c in t.sagas.columns} >= DASHBOARD_COLUMNS


def test_saga_data_has_the_agreed_shape(store):
    put(store, "a", claims=[claim("Rayan Cherki", "Lyon", "Manchester City", "agreement", 40)], date="2025-06-01",
        cited=[("L'Equipe", "outlet")])
    put(store, "b", claims=[claim("Rayan Cherki", "Lyon", "Manchester City", "done", 42.5)], date="2025-06-10")
    stories.update(store, [a.key for a in store.iter_articles()])
    s = next(store.iter_sagas())
    assert set(s["data"]) >= DATA_KEYS
    entry = s["data"]["timeline"][0]
    assert set(entry) >= {"article_key", "date", "outlet", "lang", "stage", "fee_eur_m", "fee_raw", "cited", "original",
                          "copy_of", "title", "evidence"}
    assert set(s["data"]["provenance"]) == {"nodes", "edges"}
    assert all({"factor", "effect", "detail"} <= set(e) for e in s["data"]["explanation"])
    assert s["data"]["status_evidence"]["article_key"]


def test_write_report(store, tmp_path):
    for i, stage in enumerate(["agreement", "done"]):
        put(store, f"d{i}", claims=[claim("Done Player", "Club A", "Club B", stage)], date=f"2025-06-0{i + 1}")
    for i, stage in enumerate(["agreement", "collapsed"]):
        put(store, f"c{i}", claims=[claim("Gone Player", "Club C", "Club D", stage)], date=f"2025-06-0{i + 1}")
    stories.update(store, [a.key for a in store.iter_articles()])
    gold = {"g-done": {"outcome": "done", "articles": ["d0", "d1"]},
            "g-gone": {"outcome": "collapsed", "articles": ["c0", "c1"]}}
    paths = write_report(store, tmp_path / "rep", gold)
    with open(paths["sagas_csv"], newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert {r["gold_saga"] for r in rows.values()} == {"g-done", "g-gone"}
    assert len(json.loads(paths["sagas_json"].read_text())) == 2
    with open(paths["calibration"], newline="") as f:
        assert sum(int(r["n"]) for r in csv.DictReader(f)) == 4
    if "diagram" in paths:
        html = paths["diagram"].read_text()
        assert "plotly" in html.lower() and "Brier" in html


def test_calibration_bins():
    rows = calibration([(0.05, 0.0), (0.95, 1.0), (0.92, 0.0), (1.0, 1.0)])
    top = rows[-1]
    assert top["n"] == 3 and top["observed"] == pytest.approx(2 / 3, abs=1e-3)
    assert rows[0]["n"] == 1 and rows[0]["observed"] == 0.0


def test_targets_on_gold_claims(dev_corpus, tmp_path):
    """Gate: saga B-cubed F1 >= 0.90 and Brier skill >= 0.40 on the dev corpus's gold claims, in 4 batches."""
    spec = importlib.util.spec_from_file_location("stories_on_gold", REPO / "scripts" / "stories_on_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    if not (REPO.parent / "shared" / "eval" / "score.py").is_file():
        pytest.skip("shared/eval/score.py not found")
    res, store, _preds = mod.run(dev_corpus, 4, tmp_path)
    store.close()
    assert res["saga_bcubed_f1"] >= 0.90, res
    assert res["brier_skill"] >= 0.40, res
