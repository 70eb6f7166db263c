#!/usr/bin/env python3
"""Run the stories stage on GOLD claims and score saga grouping and likelihood as ``shared/eval/score.py`` does.

usage: .venv/bin/python scripts/stories_on_gold.py [GOLD_DIR] [--batches N] [--json] [--report DIR]

Understanding records are built from ``labels.jsonl`` (gold claims, the first one primary, and cited sources)
and stored with the articles of ``articles.jsonl`` (their outlets and dates) in a temporary store; the stories
stage then groups and scores them (in N batches, to exercise the incremental path). Dates: an article's full
date, else its year-month (``date_partial``, counted as known only once that month is over), else it is undated
and sees only itself when its likelihood is computed. Saga outcomes in ``sagas.json`` are used only to score.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from mercato import pipeline, stories
from mercato.models import Citation, Claim, Fee, Stage, Understanding
from mercato.sources import read_paths
from mercato.store import Store

REPO = Path(__file__).resolve().parent.parent


def citation(name: str) -> Citation:
    low = name.lower()
    if "official" in low or "statement" in low or "disclosure" in low:
        kind = "club"
    elif "unnamed" in low:
        kind = "unnamed"
    else:
        kind = "outlet"
        try:
            from mercato.understand.gazetteer import load_outlets

            found = load_outlets().resolve(name)
            if found:
                kind = found[1]
        except Exception:  # noqa: BLE001 - the gazetteer is optional
            pass
    return Citation(name=name, kind=kind, surface=name)


def understanding(key: str, label: dict, lang: str) -> Understanding:
    claims = []
    for i, c in enumerate(c for c in label.get("claims", []) if c.get("player")):
        fee = None
        if c.get("fee_eur_m") is not None or c.get("fee_raw"):
            fee = Fee(raw=c.get("fee_raw") or f"{c.get('fee_eur_m')}m EUR", eur_m=c.get("fee_eur_m"))
        claims.append(Claim(player=c["player"], from_club=c.get("from_club"), to_club=c.get("to_club"),
                            stage=Stage.parse(c["stage"]), fee=fee, evidence="", primary=i == 0))
    return Understanding(article_key=key, lang=lang, is_transfer=bool(label.get("is_transfer_news")),
                         claims=tuple(claims), citations=tuple(citation(s) for s in label.get("cited_sources", [])),
                         pipeline_version="gold")


def read_jsonl(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {o["id"]: o for o in (json.loads(line) for line in f if line.strip())}


def load_scorer():
    path = REPO.parent / "shared" / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("shared_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def run(gold_dir: Path, batches: int, work: Path) -> tuple[dict, Store, list[dict]]:
    """The stories model on hand-labelled claims: no reader, so no calibration of a reader's noise."""
    from mercato.understand.learned import using

    with using(None):
        return _run(gold_dir, batches, work)


def _run(gold_dir: Path, batches: int, work: Path) -> tuple[dict, Store, list[dict]]:
    store = Store.open(f"sqlite:///{work / 'gold.db'}")
    pipeline.ingest(store, read_paths([str(gold_dir / "articles.jsonl")]), understand=False)
    arts = read_jsonl(gold_dir / "articles.jsonl")
    labels = read_jsonl(gold_dir / "labels.jsonl")
    key_of = {a.external_id: a.key for a in store.iter_articles()}
    items = []
    for rid, label in labels.items():
        key = key_of[rid]
        items.append((understanding(key, label, arts[rid]["lang"]), 1))
    store.save_understanding(items)
    keys = [key_of[rid] for rid in labels]
    size = max(1, -(-len(keys) // batches))
    for i in range(0, len(keys), size):
        stories.update(store, keys[i:i + size])
    view = stories.evaluation_view(store)
    preds = [{"id": rid, "saga": view.get(key_of[rid], {}).get("saga"),
              "likelihood": view.get(key_of[rid], {}).get("likelihood")} for rid in labels]
    pred_path = work / "predictions.jsonl"
    with open(pred_path, "w") as f:
        for pr in preds:
            f.write(json.dumps(pr) + "\n")
    res = load_scorer().score(str(gold_dir), str(pred_path))
    keep = ("saga_bcubed_p", "saga_bcubed_r", "saga_bcubed_f1", "brier", "brier_skill")
    return {k: res[k] for k in keep if k in res}, store, preds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "dev"))
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--report", help="also write the reliability diagram and per-saga files here")
    ap.add_argument("--show", action="store_true", help="print each predicted saga with its gold sagas")
    args = ap.parse_args()
    gold_dir = Path(args.gold_dir)
    with tempfile.TemporaryDirectory(prefix="mercato-gold-") as tmp:
        res, store, preds = run(gold_dir, args.batches, Path(tmp))
        if args.report:
            from mercato.stories.report import write_report

            outcomes = json.loads((gold_dir / "sagas.json").read_text())
            write_report(store, Path(args.report), outcomes, preds)
        if args.show:
            labels = read_jsonl(gold_dir / "labels.jsonl")
            by: dict = {}
            for pr in preds:
                by.setdefault(pr["saga"], []).append((pr["id"], labels[pr["id"]]["saga"], pr["likelihood"]))
            for sid, members in sorted(by.items(), key=lambda x: str(x[0])):
                print(sid, members, file=sys.stderr)
        store.close()
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:16} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
