"""Order check: the same articles must give the same board whatever the order and batching.

    PYTHONPATH=. .venv/bin/python scripts/order_check.py A.jsonl [B.jsonl ...] [--batch-size 20]

Ingests the files into fresh SQLite stores several ways -- all in one run (one batch), in one run with
``--batch-size`` articles per batch, one run per file (in the order given, then reversed, ``--batch-size``
per batch), and all articles shuffled (``--seed``) -- and counts what differs from the first: saga
likelihoods (beyond 1e-9), statuses, sagas present in only one, claims (player, clubs, stage) and saga
memberships. Prints JSON with the counts, the largest likelihood difference and the seconds each way took.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path


def _snapshot(store) -> dict:
    claims = {}
    for key, u in store.understood().items():
        for i, c in enumerate(u.claims):
            claims[(key, i)] = (c.player, c.from_club, c.to_club, c.stage.value)
    sagas = {s["id"]: s for s in store.iter_sagas()}
    members = {(r["saga_id"], r["article_key"], r["role"]) for r in store.article_sagas()}
    return {"claims": claims, "sagas": sagas, "members": members}


def run(paths: list[str], groups: list[list[str]], batch_size: int, db: Path,
        shuffle: int | None = None) -> tuple[dict, float]:
    from mercato import pipeline
    from mercato.sources.jsonl import read_jsonl
    from mercato.store import Store

    t0 = time.perf_counter()
    store = Store.open("sqlite:///" + str(db))
    try:
        for group in groups:
            items = [x for p in group for x in read_jsonl(p)]
            if shuffle is not None:
                random.Random(shuffle).shuffle(items)
            pipeline.ingest(store, items, batch_size=batch_size)
        return _snapshot(store), time.perf_counter() - t0
    finally:
        store.close()


def compare(a: dict, b: dict) -> dict:
    sa, sb = a["sagas"], b["sagas"]
    both = set(sa) & set(sb)
    diffs = [abs((sa[k]["likelihood"] or 0) - (sb[k]["likelihood"] or 0)) for k in both]
    ca, cb = a["claims"], b["claims"]
    return {
        "sagas": len(sa), "likelihoods_differing": sum(d > 1e-9 for d in diffs),
        "max_likelihood_diff": round(max(diffs, default=0.0), 4),
        "statuses_differing": sum(sa[k]["status"] != sb[k]["status"] for k in both),
        "sagas_only_in_one": len(set(sa) ^ set(sb)),
        "claims": len(ca), "claims_differing": sum(ca.get(k) != cb.get(k) for k in set(ca) | set(cb)),
        "memberships_differing": len(a["members"] ^ b["members"]),
        "examples": sorted(k for k in both if sa[k]["status"] != sb[k]["status"]
                           or abs((sa[k]["likelihood"] or 0) - (sb[k]["likelihood"] or 0)) > 1e-9)[:5],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--batch-size", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1, help="seed of the shuffled run")
    ap.add_argument("--keep", help="a folder to keep the stores in (one.db, batched.db, split.db)")
    args = ap.parse_args()
    import contextlib

    keep = contextlib.nullcontext(tempfile.mkdtemp(dir=args.keep)) if args.keep else tempfile.TemporaryDirectory()
    with keep as tmp:
        one, t1 = run(args.paths, [args.paths], 1_000_000, Path(tmp) / "one.db")
        batched, t2 = run(args.paths, [args.paths], args.batch_size, Path(tmp) / "batched.db")
        out = {"seconds": {"one_run": round(t1, 1), f"batch_{args.batch_size}": round(t2, 1)},
               f"batch_{args.batch_size}": compare(one, batched)}
        if len(args.paths) > 1:
            split, t3 = run(args.paths, [[p] for p in args.paths], 1_000_000, Path(tmp) / "split.db")
            out["seconds"]["one_run_per_file"] = round(t3, 1)
            out["one_run_per_file"] = compare(one, split)
            back, t4 = run(args.paths, [[p] for p in reversed(args.paths)], args.batch_size, Path(tmp) / "back.db")
            out["seconds"]["one_run_per_file_reversed"] = round(t4, 1)
            out["one_run_per_file_reversed"] = compare(one, back)
        mixed, t5 = run(args.paths, [args.paths], args.batch_size, Path(tmp) / "shuffled.db", shuffle=args.seed)
        out["seconds"]["shuffled"] = round(t5, 1)
        out["shuffled"] = compare(one, mixed)
        print(json.dumps(out, indent=1))
        if args.keep:
            print("stores kept in", tmp)


if __name__ == "__main__":
    main()
