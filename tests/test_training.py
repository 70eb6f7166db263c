"""Learning from labelled corpora: folds grouped by saga, models as plain weights, `train` and `evaluate --cv`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mercato import training
from mercato.understand import learned
from mercato.understand.learned import Linear, Models

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
DIRS = [SHARED / "dev", SHARED / "dev2"]
have_corpus = pytest.mark.skipif(not all((d / "labels.jsonl").is_file() for d in DIRS),
                                 reason="the shared labelled corpora are not present")


def _item(i: str, saga: str | None, others: list[str] | None = None) -> training.Labelled:
    label = {"id": i, "is_transfer_news": saga is not None, "saga": saga, "claims": [], "other_sagas": others or []}
    return training.Labelled(i, {"id": i, "text": "x"}, label, "c")


def test_folds_keep_sagas_linked_through_other_sagas_together() -> None:
    items = [_item("1", "a"), _item("2", "b", ["a"]), _item("3", "b"), _item("4", "c"), _item("5", "d"),
             _item("6", None), _item("7", None), _item("8", "c", ["e"]), _item("9", "e")]
    folds = training.saga_folds(items, 3)
    assert folds["1"] == folds["2"] == folds["3"]  # a and b are linked by article 2
    assert folds["4"] == folds["8"] == folds["9"]
    assert folds["6"] != folds["7"]  # negatives are spread over the folds


def test_linear_models_round_trip_and_explain(tmp_path) -> None:
    claim = Linear(("yes",), (-1.0,), {"to": (2.0,), "from": (-1.5,)})
    stage = Linear(("done", "talks"), (0.0, 0.1), {"ps:stage.done": (1.0, -1.0)})
    m = Models(claim, claim, stage, 0.3, (1.2, -0.1), {"note": "test"})
    path = tmp_path / "m.json"
    m.save(path)
    back = learned.read(path)
    assert back.claim.p({"to": 1.0}) == pytest.approx(m.claim.p({"to": 1.0}))
    assert back.claim.p({"to": 1.0}) > 0.7 > back.claim.p({"from": 1.0})
    assert back.stage.proba({"ps:stage.done": 1.0})["done"] > 0.8
    assert back.claim.explain({"to": 1.0, "from": 1.0})[0][0] == "to"
    assert back.calibrate(0.5) != 0.5 and 0 < back.calibrate(0.9) < 1
    assert "pickle" not in path.read_text(encoding="utf-8")


def test_a_broken_model_file_is_named(tmp_path) -> None:
    from mercato.errors import ConfigError

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.json"):
        learned.read(bad)


def test_the_shipped_models_load_and_decide() -> None:
    m = learned.shipped()
    assert m is not None, "mercato/data/models/reader.json is missing"
    assert m.claim.weights and m.origin.weights and set(m.stage.classes) >= {"interest", "done", "collapsed"}
    assert m.calibration is not None
    assert m.meta.get("articles", 0) > 100


@have_corpus
def test_cross_validation_never_trains_on_a_scored_saga() -> None:
    """The leak check: no saga of a scored fold (primary or other) reaches the training of that fold."""
    from mercato import crossval

    log: list = []
    preds, result = crossval.run(DIRS, 5, log_folds=log)
    corpus = training.load(DIRS)
    sagas = {it.id: set(it.sagas) for it in corpus.items}
    assert len(log) == 5
    scored_all = set()
    for scored, trained in log:
        assert not set(scored) & set(trained)
        scored_sagas = set().union(*(sagas[i] for i in scored))
        trained_sagas = set().union(*(sagas[i] for i in trained))
        assert not scored_sagas & trained_sagas
        scored_all |= set(scored)
    assert scored_all == set(corpus.ids())
    assert len(preds) == len(corpus.items)
    # the gate: cross-validated figures never drop below their floors
    floors = json.loads((Path(__file__).with_name("eval_floors.json")).read_text(encoding="utf-8"))["cv_floors"]
    for key, floor in floors.items():
        assert result[key] >= floor, f"cross-validated {key} dropped to {result[key]} below its floor {floor}"
    assert {"en", "it", "de", "es", "fr"} <= set(result["per_language"])


@have_corpus
def test_train_command_writes_models_that_the_reader_uses(tmp_path) -> None:
    exe = Path(sys.executable).with_name("mercato")
    out = tmp_path / "models.json"
    proc = subprocess.run([str(exe), "train", str(DIRS[0]), "--out", str(out), "--folds", "3", "--json"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    m = learned.read(out)
    assert m.meta["articles"] == sum(1 for _ in (DIRS[0] / "labels.jsonl").open())
    assert m.calibration is not None
    # an article read with these models: every claim carries its confidence and reasons
    from mercato.extract import extract
    from mercato.models import RawArticle
    from mercato.understand import Reader

    text = ("Juventus have agreed a fee with Lazio for Mattia Zaccagni, who will undergo his medical in Turin on "
            "Monday. The winger joins Juventus for 25 million euros.")
    u = Reader(models=m).read(extract(RawArticle(origin="t", text=text, url="https://example.org/a")))
    assert u.claims
    assert all(c.confidence is not None and c.reasons for c in u.claims)


def test_train_refuses_an_unlabelled_directory(tmp_path) -> None:
    (tmp_path / "articles.jsonl").write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    exe = Path(sys.executable).with_name("mercato")
    proc = subprocess.run([str(exe), "train", str(tmp_path), "--out", str(tmp_path / "m.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "labels.jsonl" in proc.stderr and "Traceback" not in proc.stderr


def test_every_stage_of_a_fold_reads_with_the_fold_models() -> None:
    """A fold's second readings (settle) must use the fold's models, never the shipped ones (trained on it)."""
    from mercato import pipeline, settle
    from mercato.understand import Reader

    fold_reader = Reader(models=None)
    with pipeline.use_reader(fold_reader):
        assert pipeline._reader() is fold_reader
        assert settle._reader() is fold_reader
        assert learned.active() is None
    assert settle._reader() is not fold_reader
