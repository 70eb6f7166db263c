"""Learning the reader's decisions from labelled corpora, and folds grouped by saga for honest figures.

``examples(items)`` reads every labelled article once with the rules (no model) and keeps its claim
candidates; ``fit(examples, ids)`` learns the claim, origin and stage models (scikit-learn logistic
regression, exported as plain weights: :class:`~mercato.understand.learned.Models`) from those articles only;
``saga_folds`` splits articles so that no saga is in two folds (articles that share a saga, directly or
through ``other_sagas``, stay together; negatives are spread over the folds).

scikit-learn is needed here only (``pip install 'mercato[train]'``); reading uses the exported weights.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mercato.errors import ConfigError
from mercato.evaluation import same_club, same_player
from mercato.understand.learned import Linear, Models
from mercato.understand.lexicon import STAGES

C_CLAIM, C_ORIGIN, C_STAGE = 0.1, 0.5, 0.03  # inverse regularisation, chosen by grouped CV (stage 0.07 -> 0.03:
# its cue-class features are many and sparse; stage accuracy 0.533 -> 0.543, Brier skill 0.142 -> 0.177)
MIN_STAGE_EXAMPLES = 20  # a stage seen fewer times in training is left to the rules (denials: a handful)
THRESHOLD = 0.3  # the claim probability above which a pair is a claim: best pair F1 by grouped CV
# the likeliest other club is the origin when its probability passes this: a labelled claim nearly always names
# its origin (12 of 650 gold-matched pairs have none), so a weak best guess beats no origin. Measured on the
# gold-matched pairs of grouped CV: origin right 0.58 (0.5, the rules' origin overriding) -> 0.72 (0.1, the
# model's alone)
ORIGIN_THRESHOLD = 0.1


@dataclass
class Labelled:
    """One labelled article: its input row (without the gold language), its label, its corpus."""

    id: str
    row: dict[str, Any]
    label: dict[str, Any]
    corpus: str
    lang: str | None = None

    @property
    def sagas(self) -> list[str]:
        out = [self.label["saga"]] if self.label.get("saga") else []
        return out + [s for s in self.label.get("other_sagas") or [] if s]


@dataclass
class Corpus:
    items: list[Labelled] = field(default_factory=list)
    outcomes: dict[str, Any] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [i.id for i in self.items]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load(dirs: Iterable[str | Path]) -> Corpus:
    """The labelled articles of these directories (ids must be unique across them)."""
    corpus = Corpus()
    seen: set[str] = set()
    for d in dirs:
        d = Path(d)
        if not (d / "labels.jsonl").is_file() or not (d / "articles.jsonl").is_file():
            raise ConfigError(f"{d}: not a labelled corpus (needs articles.jsonl and labels.jsonl)")
        labels = {str(r["id"]): r for r in _jsonl(d / "labels.jsonl")}
        for row in _jsonl(d / "articles.jsonl"):
            rid = str(row["id"])
            if rid in seen:
                raise ConfigError(f"{d}: article id {rid} also in another directory")
            seen.add(rid)
            if rid in labels:
                corpus.items.append(Labelled(rid, {k: v for k, v in row.items() if k != "lang"}, labels[rid],
                                             str(d), row.get("lang")))
        if (d / "sagas.json").is_file():
            corpus.outcomes.update(json.loads((d / "sagas.json").read_text(encoding="utf-8")))
    return corpus


def saga_folds(items: Sequence[Labelled], k: int) -> dict[str, int]:
    """Article id → fold in ``range(k)``: articles linked by a shared saga share a fold; groups are dealt
    largest first to the smallest fold; articles without a saga are dealt round-robin."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for it in items:
        ss = it.sagas
        for s in ss[1:]:
            parent[find(s)] = find(ss[0])
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for it in items:
        if it.sagas:
            groups.setdefault(find(it.sagas[0]), []).append(it.id)
        else:
            loose.append(it.id)
    sizes = [0] * k
    out: dict[str, int] = {}
    for root in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        f = min(range(k), key=lambda i: (sizes[i], i))
        for i in groups[root]:
            out[i] = f
        sizes[f] += len(groups[root])
    for n, i in enumerate(sorted(loose)):
        out[i] = n % k
    return out


# ---------------------------------------------------------------- examples


@dataclass
class Read:
    """What the rules' reading of one article left for training: its candidates and the context to
    compute stage features."""

    ctx: Any
    neg: set[str]
    cands: list[Any]
    fee_of: Callable


def read_all(items: Sequence[Labelled], on_progress: Callable[[int], None] | None = None) -> dict[str, list[Read]]:
    """Read every article with the rules alone, keeping its claim candidates (article id → readings)."""
    from mercato.errors import MercatoError
    from mercato.extract import extract
    from mercato.sources.jsonl import record_to_raw
    from mercato.understand import Reader

    reader = Reader(models=None)
    out: dict[str, list[Read]] = {}
    for it in items:
        got: list = []
        try:
            reader.read(extract(record_to_raw(it.row, f"{it.corpus}:{it.id}")), collect=got)
        except MercatoError:
            got = []
        out[it.id] = [Read(*g) for g in got]
        if on_progress:
            on_progress(1)
    return out


def _gold_claims(label: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in label.get("claims") or [] if c.get("player")]


def examples(item: Labelled, reads: list[Read]) -> dict[str, list[tuple[dict[str, float], Any]]]:
    """Training examples of one article: ``claim`` (features, bool), ``origin`` (features, bool), ``stage``
    (features, stage)."""
    from mercato.understand.decide import origin_sets, rule_stage_for
    from mercato.understand.features import stage_features

    gold = _gold_claims(item.label)
    out: dict[str, list] = {"claim": [], "origin": [], "stage": []}
    for r in reads:
        for pc in r.cands:
            mine = [g for g in gold if same_player(pc.player.name, g["player"])]
            for cand in pc.pairs:
                g = next((g for g in mine if same_club(cand.club, g.get("to_club"))), None)
                out["claim"].append((cand.features, g is not None))
                if g is None:
                    continue
                for o, of in origin_sets(pc, cand):
                    out["origin"].append((of, same_club(o.club, g.get("from_club"))))
                rstage, rhedged = rule_stage_for(r.ctx, pc, cand, r.neg)
                pspans = [r.ctx.to_folded(s) for s, _ in pc.player.mentions]
                fee = r.fee_of(pc.sents, pspans, pc.rank == 0)
                out["stage"].append((stage_features(r.ctx, cand, rstage, rhedged, r.neg, pc.rank == 0,
                                                    fee is not None), g.get("stage")))
    return out


def _fit_linear(rows: list[tuple[dict[str, float], Any]], c: float, binary: bool) -> Linear:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    xs = [r[0] for r in rows]
    ys = [r[1] for r in rows]
    if binary:
        ys = [bool(y) for y in ys]
    vec = DictVectorizer()
    x = vec.fit_transform(xs)
    labels = sorted(set(ys), key=str)
    if len(labels) < 2:  # nothing to learn: a constant
        cls = ("yes",) if binary else (str(labels[0]) if labels else "interest",)
        bias = (8.0 if (labels and labels[0]) else -8.0,) if binary else (0.0,)
        return Linear(cls, bias, {})
    # stages are weighted so each counts as much as the others (medical and loan are rare beside done; measured
    # 0.491 against 0.485 stage accuracy by grouped CV)
    model = LogisticRegression(C=c, max_iter=3000, class_weight=None if binary else "balanced")
    model.fit(x, ys)
    names = vec.get_feature_names_out()
    if binary:
        return Linear(("yes",), (float(model.intercept_[0]),),
                      {str(n): (round(float(w), 5),) for n, w in zip(names, model.coef_[0], strict=True)
                       if abs(w) > 1e-6})
    classes = tuple(str(k) for k in model.classes_)
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2 and len(coef) == 1:  # two stages only: sklearn keeps one row (the second class's
        coef, intercept = [[0.0] * coef.shape[1], coef[0]], [0.0, intercept[0]]  # log-odds); softmax-equivalent
    weights = {}
    for j, n in enumerate(names):
        ws = tuple(round(float(coef[i][j]), 5) for i in range(len(classes)))
        if any(abs(w) > 1e-6 for w in ws):
            weights[str(n)] = ws
    return Linear(classes, tuple(float(b) for b in intercept), weights)


def fit(corpus: Corpus, reads: dict[str, list[Read]], ids: Iterable[str], *,
        meta: dict[str, Any] | None = None) -> Models:
    """The three models learned from the articles ``ids`` only."""
    by_id = {it.id: it for it in corpus.items}
    rows: dict[str, list] = {"claim": [], "origin": [], "stage": []}
    for i in ids:
        ex = examples(by_id[i], reads.get(i, []))
        for k in rows:
            rows[k].extend(ex[k])
    claim = _fit_linear(rows["claim"], C_CLAIM, True)
    origin = _fit_linear(rows["origin"], C_ORIGIN, True)
    stage = _fit_linear(rows["stage"], C_STAGE, False)
    counts = Counter(y for _f, y in rows["stage"])
    info = {"examples": {k: len(v) for k, v in rows.items()}, "articles": len(set(ids)),
            "stage_examples": dict(sorted(counts.items())),
            "rare_stages": sorted(s for s in STAGES if counts[s] < MIN_STAGE_EXAMPLES)}
    info.update(meta or {})
    return Models(claim, origin, stage, THRESHOLD, None, info, ORIGIN_THRESHOLD)


def platt(pairs: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Platt scaling (a, b) of likelihoods against outcomes (1 done, 0 collapsed): sigmoid(a·logit(p) + b)."""
    from sklearn.linear_model import LogisticRegression

    ys = [y for _p, y in pairs]
    if len(set(ys)) < 2:
        return None
    xs = [[math.log(min(1 - 1e-6, max(1e-6, p)) / (1 - min(1 - 1e-6, max(1e-6, p))))] for p, _y in pairs]
    m = LogisticRegression(C=1.0)
    m.fit(xs, ys)
    return float(m.coef_[0][0]), float(m.intercept_[0])


def train(dirs: Sequence[str | Path], *, folds: int = 5, on_progress: Callable[[int], None] | None = None
          ) -> Models:
    """The models to ship: claim, origin and stage learned from every labelled article of ``dirs``; the
    likelihood calibration fitted on out-of-fold likelihoods (``folds`` grouped by saga), never on gold."""
    from datetime import date

    from mercato import crossval

    corpus, reads, _fold_of, raw = crossval.out_of_fold(dirs, folds, on_progress=on_progress)
    cal = platt(crossval.calibration_pairs(corpus, raw))
    meta = {"trained_on": [Path(d).name for d in dirs], "date": date.today().isoformat(),
            "calibration_folds": folds}
    m = fit(corpus, reads, corpus.ids(), meta=meta)
    return Models(m.claim, m.origin, m.stage, m.threshold, cal, m.meta, m.origin_threshold)
