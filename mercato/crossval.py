"""Figures on sagas the reader never saw: cross-validation with folds grouped by saga.

For each fold, the models are learned again from the other folds only (:func:`mercato.training.fit`), and
the whole pipeline (understanding, registry, links, stories) runs on the fold's articles in a store of
their own. The stories' likelihood is calibrated per fold by Platt scaling fitted on the *other* folds'
out-of-fold likelihoods. Every metric of the scorer is then computed on the out-of-fold predictions, overall,
per corpus and per language.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mercato import evaluation, training
from mercato.understand import learned

_OUTCOME_Y = {"done": 1.0, "collapsed": 0.0}


def _outcome_pairs(corpus: training.Corpus, preds: dict[str, dict[str, Any]], ids: Sequence[str]
                   ) -> list[tuple[float, float]]:
    """(likelihood, outcome) of the transfer articles ``ids`` whose saga ended done or collapsed."""
    by_id = {it.id: it for it in corpus.items}
    out = []
    for i in ids:
        lab = by_id[i].label
        saga = lab.get("saga")
        y = _OUTCOME_Y.get((corpus.outcomes.get(saga) or {}).get("outcome")) if saga else None
        lk = preds.get(i, {}).get("likelihood")
        if y is not None and lab.get("is_transfer_news") and isinstance(lk, (int, float)):
            out.append((float(lk), y))
    return out


def out_of_fold(dirs: Sequence[str | Path], k: int = 5, *, on_progress: Callable[[int], None] | None = None,
                log_folds: list | None = None, learn: bool = True
                ) -> tuple[training.Corpus, dict[str, list[training.Read]], dict[str, int], dict[str, dict[str, Any]]]:
    """Every labelled article of ``dirs`` read by models learned without its fold, through the whole pipeline:
    ``(corpus, rules' readings, fold of each id, raw out-of-fold predictions by id)``.

    ``log_folds`` (when given) receives ``(scored ids, training ids)`` per fold, for checking the split;
    ``learn=False`` reads with the hand-written rules alone (the baseline the models are measured against)."""
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    corpus = training.load(dirs)
    fold_of = training.saga_folds(corpus.items, k)
    reads = training.read_all(corpus.items, on_progress)
    plans = []
    for f in range(k):
        test = [it for it in corpus.items if fold_of[it.id] == f]
        train_ids = [it.id for it in corpus.items if fold_of[it.id] != f]
        if log_folds is not None:
            log_folds.append(([it.id for it in test], train_ids))
        if test:
            plans.append((test, train_ids))
    global _SHARED
    _SHARED = (corpus, reads, learn)
    raw: dict[str, dict[str, Any]] = {}
    try:
        n = _workers(len(plans))
        if n > 1:  # folds are independent: one process each (fork shares the readings without copying them)
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(n) as pool:
                for preds in pool.imap_unordered(_fold, plans):
                    raw.update({p["id"]: p for p in preds})
                    if on_progress:
                        on_progress(len(preds))
        else:
            for plan in plans:
                preds = _fold(plan)
                raw.update({p["id"]: p for p in preds})
                if on_progress:
                    on_progress(len(preds))
    finally:
        _SHARED = None
    return corpus, reads, fold_of, raw


_SHARED: tuple | None = None  # (corpus, readings, learn) of the run in progress, for the fold workers
_READER = None  # one reader per process (its gazetteers load once); the fold sets its models


def _workers(folds: int) -> int:
    """Processes for the folds: ``MERCATO_CV_WORKERS``, else one per core (at most 4), 1 where fork is missing."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    env = os.environ.get("MERCATO_CV_WORKERS")
    n = int(env) if env and env.isdigit() else min(4, os.cpu_count() or 1)
    return max(1, min(n, folds))


def _fold(plan: tuple[list[training.Labelled], list[str]]) -> list[dict[str, Any]]:
    """One fold: models learned from ``train_ids``, the whole pipeline on the fold's articles."""
    from mercato.understand import Reader

    global _READER
    test, train_ids = plan
    corpus, reads, learn = _SHARED
    if _READER is None:
        _READER = Reader(models=None)
    reader = _READER
    reader.models = training.fit(corpus, reads, train_ids) if learn else None
    work = Path(tempfile.mkdtemp(prefix="mercato-cv-"))
    try:
        preds, store = evaluation.predict_rows([it.row for it in test], work_dir=work, reader=reader)
        store.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return preds


def calibration_pairs(corpus: training.Corpus, preds: dict[str, dict[str, Any]], ids: Sequence[str] | None = None
                      ) -> list[tuple[float, float]]:
    """(likelihood, outcome) pairs to fit the calibration on."""
    return _outcome_pairs(corpus, preds, [it.id for it in corpus.items] if ids is None else ids)


def run(dirs: Sequence[str | Path], k: int = 5, *, on_progress: Callable[[int], None] | None = None,
        log_folds: list | None = None, learn: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Out-of-fold predictions for every labelled article of ``dirs`` (likelihoods calibrated per fold on the
    other folds) and their metrics."""
    corpus, _reads, fold_of, raw = out_of_fold(dirs, k, on_progress=on_progress, log_folds=log_folds, learn=learn)
    fold_ids = [[i for i, f in fold_of.items() if f == g] for g in range(k)]
    # calibration: each fold's likelihoods scaled by what the other folds' out-of-fold likelihoods did
    final = {i: dict(p) for i, p in raw.items()}
    for f, ids in enumerate(fold_ids):
        others = [i for g, o in enumerate(fold_ids) if g != f for i in o]
        ab = training.platt(_outcome_pairs(corpus, raw, others))
        if ab is None:
            continue
        for i in ids:
            lk = final[i].get("likelihood")
            if isinstance(lk, (int, float)):
                final[i]["likelihood"] = round(learned.platt(ab, float(lk)), 4)
    preds = [final[it.id] for it in corpus.items if it.id in final]
    return preds, score(corpus, preds, fold_of, k)


def score(corpus: training.Corpus, preds: list[dict[str, Any]], fold_of: dict[str, int], k: int) -> dict[str, Any]:
    """The scorer's metrics over all folds, then per corpus and per language."""
    arts = {it.id: {"lang": it.lang} for it in corpus.items}
    gold = {it.id: it.label for it in corpus.items}
    outcome = {s: v.get("outcome") for s, v in corpus.outcomes.items()}
    pred = {str(p["id"]): p for p in preds}
    out = evaluation.metrics(arts, gold, pred, outcome)
    out["cv"] = {"folds": k, "grouped_by": "saga", "fold_sizes": [sum(1 for v in fold_of.values() if v == f)
                                                                  for f in range(k)]}
    per_corpus = {}
    for c in sorted({it.corpus for it in corpus.items}):
        ids = [it.id for it in corpus.items if it.corpus == c]
        per_corpus[c] = evaluation.metrics(arts, {i: gold[i] for i in ids}, pred, outcome)
    out["per_corpus"] = per_corpus
    per: dict[str, Any] = {}
    langs: dict[str, int] = {}
    for it in corpus.items:
        if it.lang:
            langs[it.lang] = langs.get(it.lang, 0) + 1
    for lang in sorted(langs, key=lambda x: (-langs[x], x)):
        ids = [it.id for it in corpus.items if it.lang == lang]
        m = evaluation.metrics(arts, {i: gold[i] for i in ids}, pred, outcome)
        per[lang] = {key: m[key] for key in ("articles", "lang_acc", "transfer_acc", "claim_pair_f1",
                                             "claim_triple_f1", "stage_acc", "fee_acc", "source_f1") if key in m}
    out["per_language"] = per
    return out
