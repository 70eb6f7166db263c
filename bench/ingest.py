"""Ingest bench: JSONL → SQLite (and → PostgreSQL with --pg) at growing sizes made from the dev corpus.

    .venv/bin/python bench/ingest.py [--sizes 1000,10000,100000] [--pg] [--understand-at 1000]

Reports articles/s, ms per article (wall and CPU), peak RSS, and how each grows with N; a re-run of the same
file (all unchanged) is timed too. Each size runs in a fresh child process so peak RSS is per size.
Results go to bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEV_CORPUS, current_rss_mb, peak_rss_mb, timed, write_results  # noqa: E402


def one_run(url: str, path: str, understand: bool) -> dict:
    """In the child: ingest ``path`` into ``url`` twice (new, then unchanged) and measure."""
    from mercato import pipeline
    from mercato.sources import read_jsonl
    from mercato.store import Store

    store = Store.open(url)
    base = current_rss_mb()
    with timed() as t:
        stats = pipeline.ingest(store, read_jsonl(path), understand=understand).to_dict()
    with timed() as t2:
        again = pipeline.ingest(store, read_jsonl(path), understand=understand).to_dict()
    n = stats["added"]
    store.close()
    return {"n": n, "s": round(t["s"], 3), "cpu_s": round(t["cpu_s"], 3), "per_s": round(n / t["s"], 1),
            "ms_per_article": round(1000 * t["s"] / max(n, 1), 4), "rerun_s": round(t2["s"], 3),
            "rerun_unchanged": again["unchanged"], "rerun_per_s": round(again["unchanged"] / t2["s"], 1),
            "rss_before_mb": round(base, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


def growth(rows: list[dict]) -> list[dict]:
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        k = b["n"] / a["n"]
        out.append({"from": a["n"], "to": b["n"], "n_x": round(k, 1), "time_x": round(b["s"] / a["s"], 2),
                    "ms_per_article_x": round(b["ms_per_article"] / a["ms_per_article"], 2),
                    "peak_rss_x": round(b["peak_rss_mb"] / a["peak_rss_mb"], 2)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--pg", action="store_true", help="also PostgreSQL (a server started for the bench)")
    ap.add_argument("--understand-at", type=int, default=1000, help="size also run with understanding on (0: none)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child[0], args.child[1], args.child[2] == "1")))
        return
    from mercato.testing.corpus import write_copies

    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mercato-bench-"))
    pg = None
    if args.pg:
        from mercato.testing.postgres import PostgresServer

        pg = PostgresServer.start()
    results: dict[str, list[dict]] = {}
    try:
        for n in sizes:
            src = write_copies(DEV_CORPUS / "articles.jsonl", work / f"in{n}.jsonl", n)
            runs = [("sqlite", False)] + ([("postgres", False)] if pg else [])
            if n == args.understand_at:
                runs += [("sqlite", True)] + ([("postgres", True)] if pg else [])
            for backend, understand in runs:
                url = pg.create_database() if backend == "postgres" else f"sqlite:///{work}/b{n}{int(understand)}.db"
                proc = subprocess.run([sys.executable, __file__, "--child", url, str(src), str(int(understand))],
                                      capture_output=True, text=True, check=True)
                row = json.loads(proc.stdout.strip().splitlines()[-1])
                label = backend + ("+understand" if understand else "")
                results.setdefault(label, []).append(row)
                print(f"{label:22s} n={row['n']:>7} {row['per_s']:>9.1f} art/s {row['ms_per_article']:.3f} ms/art "
                      f"cpu {row['cpu_s']:.1f}s peak {row['peak_rss_mb']:.0f} MB  rerun {row['rerun_per_s']:.0f}/s",
                      flush=True)
                if pg and backend == "postgres":
                    pg.drop_database(url)
    finally:
        if pg:
            pg.close()
    summary = {k: {"runs": v, "growth": growth(v)} for k, v in results.items()}
    for k, v in summary.items():
        for g in v["growth"]:
            print(f"{k:22s} {g['from']}→{g['to']}: time ×{g['time_x']} (N ×{g['n_x']}), ms/article ×"
                  f"{g['ms_per_article_x']}, peak RSS ×{g['peak_rss_x']}")
    print("written", write_results("ingest", {"sizes": sizes, "results": summary}))


if __name__ == "__main__":
    main()
