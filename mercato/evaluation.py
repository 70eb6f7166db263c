"""`mercato evaluate`: run the whole pipeline on a labelled directory and score it.

The run happens on a temporary SQLite store (never the user's). The input's ``lang`` field is the gold label
and is dropped before ingesting. Predictions are written one per article in the format that
``shared/eval/score.py`` reads; the metric formulas below are a copy of that scorer's (the agreement test in
``tests/test_evaluation.py`` proves they give the same figures).
"""

from __future__ import annotations

import collections
import json
import logging
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

METRIC_KEYS = ("lang_acc", "transfer_acc", "transfer_f1", "negative_f1", "claim_pair_f1", "claim_pair_p",
               "claim_pair_r", "claim_triple_f1", "stage_acc", "fee_acc", "source_f1", "saga_bcubed_p",
               "saga_bcubed_r", "saga_bcubed_f1", "brier", "brier_skill")


# ---------------------------------------------------------------- predictions


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(directory: str | Path, *, work_dir: str | Path | None = None,
            on_progress: Callable[[int], None] | None = None) -> tuple[list[dict[str, Any]], Any]:
    """Ingest ``directory/articles.jsonl`` (without its ``lang``) into a fresh store; one prediction per input id.

    Returns ``(predictions, store)``; the store lives in ``work_dir`` (a temporary directory when not given).
    """
    directory = Path(directory)
    src = directory / "articles.jsonl"
    if not src.is_file():
        raise FileNotFoundError(f"{src} does not exist")
    return predict_rows(_read_jsonl(src), work_dir=work_dir, on_progress=on_progress)


def predict_rows(rows: list[dict[str, Any]], *, work_dir: str | Path | None = None,
                 on_progress: Callable[[int], None] | None = None, reader: Any = None
                 ) -> tuple[list[dict[str, Any]], Any]:
    """:func:`predict` for article rows (``reader``: the :class:`~mercato.understand.Reader` to use)."""
    from mercato import pipeline
    from mercato.sources import read_paths
    from mercato.store import Store

    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="mercato-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    blind = work / "articles.jsonl"
    with open(blind, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: v for k, v in r.items() if k != "lang"}, ensure_ascii=False) + "\n")
    db = work / "eval.db"
    if db.exists():
        db.unlink()
    store = Store.open(f"sqlite:///{db}")
    with pipeline.use_reader(reader):
        pipeline.ingest(store, read_paths([str(blind)]), on_item=on_progress)
        view: dict[str, dict[str, Any]] = {}
        try:
            from mercato import stories

            fn = getattr(stories, "evaluation_view", None)
            if fn is not None:
                view = fn(store) or {}
        except Exception:  # noqa: BLE001 - sagas are optional for the understanding metrics
            log.exception("stories.evaluation_view failed; saga and likelihood left empty")
    key_of: dict[str, str] = {}
    for a in store.iter_articles():
        if a.external_id is not None:
            key_of[a.external_id] = a.key
    understood = store.understood(list(key_of.values()))
    preds = []
    for r in rows:
        rid = str(r.get("id"))
        key = key_of.get(rid)
        u = understood.get(key) if key else None
        v = view.get(key, {}) if key else {}
        preds.append(prediction(rid, u, v))
    return preds, store


def prediction(rid: str, u: Any, view: dict[str, Any] | None = None) -> dict[str, Any]:
    """One line of the scorer's input from an :class:`~mercato.models.Understanding` (None: not understood)."""
    view = view or {}
    if u is None:
        return {"id": rid, "lang": None, "is_transfer": False, "claims": [], "cited_sources": [],
                "saga": view.get("saga"), "likelihood": view.get("likelihood")}
    claims = [{"player": c.player, "from_club": c.from_club, "to_club": c.to_club, "stage": c.stage.value,
               "fee_eur_m": c.fee.eur_m if c.fee else None, "fee_raw": c.fee.raw if c.fee else None,
               "evidence": c.evidence} for c in u.claims]
    return {"id": rid, "lang": u.lang, "is_transfer": u.is_transfer, "claims": claims,
            "cited_sources": [c.name for c in u.citations], "saga": view.get("saga"),
            "likelihood": view.get("likelihood")}


def write_predictions(preds: Iterable[dict[str, Any]], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- metrics (same definitions as score.py)

_STRIP = {"fc", "ac", "cf", "afc", "sc", "ssc", "as", "club", "calcio", "the", "sl", "cp", "ss", "us", "acf",
          "sk", "fk", "hotspur", "de", "football", "futbol", "hsc", "rc", "ogc", "losc", "sv", "vfl", "vfb", "tsg",
          "1."}
_ALIAS = {"inter": "inter milan", "internazionale": "inter milan", "fc internazionale milano": "inter milan",
          "milan": "ac milan", "man utd": "manchester united", "man united": "manchester united",
          "man city": "manchester city", "psg": "paris saint germain", "paris sg": "paris saint germain",
          "paris": "paris saint germain", "bayern": "bayern munich", "bayern munchen": "bayern munich",
          "spurs": "tottenham", "atletico": "atletico madrid", "atletico de madrid": "atletico madrid",
          "athletic": "athletic bilbao", "athletic club": "athletic bilbao", "leipzig": "rb leipzig",
          "rasenballsport leipzig": "rb leipzig", "leverkusen": "bayer leverkusen", "barca": "barcelona",
          "sporting lisbon": "sporting", "olympiakos": "olympiacos", "nottm forest": "nottingham forest",
          "forest": "nottingham forest", "wolves": "wolverhampton wanderers", "real": "real madrid",
          "juve": "juventus", "brighton": "brighton hove albion", "brighton & hove albion": "brighton hove albion"}


def fold(s: Any) -> str:
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9& ]+", " ", s).strip()


def club_key(s: Any) -> str:
    s = fold(s)
    if not s:
        return ""
    s = _ALIAS.get(s, s)
    toks = [t for t in s.split() if t not in _STRIP]
    s = " ".join(toks) or s
    return _ALIAS.get(s, s)


def same_club(a: Any, b: Any) -> bool:
    a, b = club_key(a), club_key(b)
    if not a or not b:
        return a == b
    if a == b:
        return True
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def same_player(a: Any, b: Any) -> bool:
    ta, tb = set(fold(a).split()), set(fold(b).split())
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta


def _match(gold: list[dict], pred: list[dict], keyfn: Callable[[dict, dict], bool]) -> list[tuple[dict, dict]]:
    used: set[int] = set()
    pairs = []
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and keyfn(g, p):
                used.add(j)
                pairs.append((g, p))
                break
    return pairs


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _bcubed(gold_of: dict[str, str], pred_of: dict[str, str]) -> tuple[float, float, float]:
    items = list(gold_of)
    if not items:
        return 0.0, 0.0, 0.0
    gc: dict[str, set] = collections.defaultdict(set)
    pc: dict[str, set] = collections.defaultdict(set)
    for i in items:
        gc[gold_of[i]].add(i)
        pc[pred_of[i]].add(i)
    p = sum(len(gc[gold_of[i]] & pc[pred_of[i]]) / len(pc[pred_of[i]]) for i in items) / len(items)
    r = sum(len(gc[gold_of[i]] & pc[pred_of[i]]) / len(gc[gold_of[i]]) for i in items) / len(items)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def source_key(s: Any) -> str:
    s = fold(s)
    s = re.sub(r"\b(www|com|it|es|de|fr|co uk|net|org|the)\b", " ", s)
    return " ".join(s.split())


def _pair(a: dict, b: dict) -> bool:
    return same_player(a["player"], b["player"]) and same_club(a.get("to_club"), b.get("to_club"))


def _triple(a: dict, b: dict) -> bool:
    return _pair(a, b) and same_club(a.get("from_club"), b.get("from_club"))


def metrics(arts: dict[str, dict], gold: dict[str, dict], pred: dict[str, dict],
            outcome: dict[str, Any] | None = None, *, rounded: bool = True) -> dict[str, Any]:
    """The scorer's metrics over the ids of ``gold``."""
    n = len(gold)
    out: dict[str, Any] = {"articles": n, "missing": sum(1 for i in gold if i not in pred)}
    if not n:
        return out
    out["lang_acc"] = sum(1 for i in gold if pred.get(i, {}).get("lang") == arts[i].get("lang")) / n
    tp = sum(1 for i in gold if gold[i]["is_transfer_news"] and pred.get(i, {}).get("is_transfer"))
    fp = sum(1 for i in gold if not gold[i]["is_transfer_news"] and pred.get(i, {}).get("is_transfer"))
    fn = sum(1 for i in gold if gold[i]["is_transfer_news"] and not pred.get(i, {}).get("is_transfer"))
    tn = sum(1 for i in gold if not gold[i]["is_transfer_news"] and not pred.get(i, {}).get("is_transfer"))
    out["transfer_f1"] = _prf(tp, fp, fn)[2]
    out["transfer_acc"] = (tp + tn) / n
    out["negative_f1"] = _prf(tn, fn, fp)[2]
    c: collections.Counter = collections.Counter()
    stage_ok = fee_ok = fee_n = 0
    for i in gold:
        g = [x for x in gold[i]["claims"] if x.get("player")]
        p = [x for x in (pred.get(i, {}).get("claims") or []) if x.get("player")]
        m = _match(g, p, _pair)
        c["pair_tp"] += len(m)
        c["pair_fp"] += len(p) - len(m)
        c["pair_fn"] += len(g) - len(m)
        m3 = _match(g, p, _triple)
        c["tri_tp"] += len(m3)
        c["tri_fp"] += len(p) - len(m3)
        c["tri_fn"] += len(g) - len(m3)
        for a, b in m:
            stage_ok += a.get("stage") == b.get("stage")
            if a.get("fee_eur_m") is not None:
                fee_n += 1
                bf = b.get("fee_eur_m")
                fee_ok += bf is not None and abs(float(bf) - float(a["fee_eur_m"])) <= (
                    0.1 * float(a["fee_eur_m"]) + 0.05)
        c["matched"] += len(m)
        gs = {source_key(s) for s in gold[i].get("cited_sources", [])}
        ps = {source_key(s) for s in (pred.get(i, {}).get("cited_sources") or [])}
        hit = sum(1 for s in gs if any(s == t or (s and t and (s in t or t in s)) for t in ps))
        c["src_tp"] += hit
        c["src_fn"] += len(gs) - hit
        c["src_fp"] += max(0, len(ps) - hit)
    out["claim_pair_f1"] = _prf(c["pair_tp"], c["pair_fp"], c["pair_fn"])[2]
    out["claim_pair_p"], out["claim_pair_r"] = _prf(c["pair_tp"], c["pair_fp"], c["pair_fn"])[:2]
    out["claim_triple_f1"] = _prf(c["tri_tp"], c["tri_fp"], c["tri_fn"])[2]
    out["stage_acc"] = stage_ok / c["matched"] if c["matched"] else 0.0
    out["fee_acc"] = fee_ok / fee_n if fee_n else 0.0
    out["source_f1"] = _prf(c["src_tp"], c["src_fp"], c["src_fn"])[2]
    items = [i for i in gold if gold[i].get("saga") and gold[i]["is_transfer_news"]]
    gold_of = {i: gold[i]["saga"] for i in items}
    pred_of = {i: (pred.get(i, {}).get("saga") if pred.get(i, {}).get("saga") is not None else "none:" + i)
               for i in items}
    if items:
        out["saga_bcubed_p"], out["saga_bcubed_r"], out["saga_bcubed_f1"] = _bcubed(gold_of, pred_of)
    outcome = outcome or {}
    ys, ps = [], []
    for i in items:
        y = {"done": 1.0, "collapsed": 0.0}.get(outcome.get(gold[i]["saga"]))
        if y is None:
            continue
        lk = pred.get(i, {}).get("likelihood")
        ys.append(y)
        ps.append(min(1.0, max(0.0, float(lk))) if isinstance(lk, (int, float)) else 0.5)
    if ys:
        base = sum(ys) / len(ys)
        out["brier"] = sum((p - y) ** 2 for p, y in zip(ps, ys, strict=True)) / len(ys)
        ref = sum((base - y) ** 2 for y in ys) / len(ys)
        out["brier_skill"] = 1 - out["brier"] / ref if ref else 0.0
    if rounded:
        out = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}
    return out


def load_gold(directory: str | Path) -> tuple[dict, dict, dict] | None:
    """``(articles, labels, saga outcomes)`` by id, or None when the directory has no labels."""
    d = Path(directory)
    if not (d / "labels.jsonl").is_file():
        return None
    arts = {str(r["id"]): r for r in _read_jsonl(d / "articles.jsonl")}
    gold = {str(r["id"]): r for r in _read_jsonl(d / "labels.jsonl")}
    sagas_path = d / "sagas.json"
    outcome = {}
    if sagas_path.is_file():
        outcome = {k: v.get("outcome") for k, v in json.loads(sagas_path.read_text(encoding="utf-8")).items()}
    return arts, gold, outcome


def score(directory: str | Path, preds: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """Metrics of the predictions against the labels in ``directory`` plus a ``per_language`` table (None: unlabelled)."""
    g = load_gold(directory)
    if g is None:
        return None
    arts, gold, outcome = g
    pred = {str(p.get("id")): p for p in preds}
    out = metrics(arts, gold, pred, outcome)
    per: dict[str, Any] = {}
    langs = sorted({a.get("lang") for a in arts.values() if a.get("lang")},
                   key=lambda x: (-sum(1 for a in arts.values() if a.get("lang") == x), x))
    for lang in langs:
        ids = [i for i in gold if arts.get(i, {}).get("lang") == lang]
        m = metrics(arts, {i: gold[i] for i in ids}, pred, outcome)
        per[lang] = {k: m[k] for k in ("articles", "lang_acc", "transfer_acc", "claim_pair_f1", "claim_triple_f1",
                                       "stage_acc", "fee_acc", "source_f1") if k in m}
    out["per_language"] = per
    return out
