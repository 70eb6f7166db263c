"""Per-article errors of the understanding on a labelled directory (missed / extra / wrong claims, sources).

usage: python scripts/eval_errors.py [DIR] [--only claims|sources|transfer|stage|fee] [--id a001]
"""

from __future__ import annotations

import argparse
import json
import tempfile

from mercato import evaluation as ev


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="../shared/corpus/dev")
    ap.add_argument("--only", default="")
    ap.add_argument("--id", default="")
    args = ap.parse_args()
    preds, _ = ev.predict(args.dir, work_dir=tempfile.mkdtemp(prefix="mercato-err-"))
    arts, gold, _ = ev.load_gold(args.dir)
    pred = {p["id"]: p for p in preds}
    for i, g in gold.items():
        if args.id and i != args.id:
            continue
        p = pred.get(i, {})
        lines = []
        if args.only in ("", "transfer") and bool(p.get("is_transfer")) != g["is_transfer_news"]:
            lines.append(f"  TRANSFER gold={g['is_transfer_news']} pred={p.get('is_transfer')}")
        gc, pc = g["claims"], p.get("claims") or []
        m = ev._match(gc, pc, ev._pair)
        mg = [id(a) for a, _ in m]
        mp = [id(b) for _, b in m]
        if args.only in ("", "claims"):
            for c in gc:
                if id(c) not in mg:
                    lines.append(f"  MISS {c['player']} {c['from_club']} -> {c['to_club']} [{c['stage']}]")
            for c in pc:
                if id(c) not in mp:
                    lines.append(f"  EXTRA {c['player']} {c['from_club']} -> {c['to_club']} [{c['stage']}]"
                                 f"  << {c.get('evidence', '')[:160]}")
        for a, b in m:
            if args.only in ("", "claims") and not ev.same_club(a.get("from_club"), b.get("from_club")):
                lines.append(f"  FROM {a['player']}: gold {a['from_club']} pred {b['from_club']}")
            if args.only in ("", "stage") and a["stage"] != b["stage"]:
                lines.append(f"  STAGE {a['player']}->{a['to_club']}: gold {a['stage']} pred {b['stage']}"
                             f"  << {b.get('evidence', '')[:160]}")
            if args.only in ("", "fee") and a.get("fee_eur_m") is not None and (
                    b.get("fee_eur_m") is None
                    or abs(b["fee_eur_m"] - a["fee_eur_m"]) > 0.1 * a["fee_eur_m"] + 0.05):
                lines.append(f"  FEE {a['player']}: gold {a['fee_eur_m']} pred {b.get('fee_eur_m')} raw {b.get('fee_raw')}")
        if args.only in ("", "sources"):
            gs = {ev.source_key(s): s for s in g.get("cited_sources", [])}
            ps = {ev.source_key(s): s for s in p.get("cited_sources") or []}
            for k, s in gs.items():
                if not any(k == t or (k and t and (k in t or t in k)) for t in ps):
                    lines.append(f"  SRC-MISS {s}")
            for k, s in ps.items():
                if not any(k == t or (k and t and (k in t or t in k)) for t in gs):
                    lines.append(f"  SRC-EXTRA {s}")
        if lines:
            print(f"{i} [{arts[i]['lang']}] {arts[i].get('url', '')[:90]}")
            print("\n".join(lines))
    print(json.dumps({k: v for k, v in ev.score(args.dir, preds).items() if k != "per_language"}))


if __name__ == "__main__":
    main()
