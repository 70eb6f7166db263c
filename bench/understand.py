"""Speed of the understanding: load time, median and p95 ms per article on one core, cost vs text length.

usage: .venv/bin/python bench/understand.py [articles.jsonl] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from mercato.models import Article


def main() -> None:
    ap = argparse.ArgumentParser()
    dev = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev/articles.jsonl"
    ap.add_argument("path", nargs="?", default=str(dev))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with open(args.path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    t0 = time.perf_counter()
    from mercato.understand import Reader

    reader = Reader()
    reader.read(Article(key="w", url=None, canonical_url=None, outlet=None, title=None, author=None, published=None,
                        date_partial=None, text="Warm up: Milan sign a player.", content_hash="", origin=""))
    load_s = time.perf_counter() - t0
    arts = [Article(key=str(r["id"]), url=None, canonical_url=None, outlet=None, title=None, author=None,
                    published=None, date_partial=None, text=r["text"], content_hash="", origin="") for r in rows]
    for a in arts:  # first pass loads every language's lexicon
        reader.read(a)
    times: list[tuple[int, float]] = []
    for _ in range(args.repeat):
        for a in arts:
            t = time.perf_counter()
            reader.read(a)
            times.append((len(a.text), (time.perf_counter() - t) * 1000))
    ms = sorted(x for _, x in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"load {load_s * 1000:.0f} ms · {len(arts)} articles × {args.repeat}: median {statistics.median(ms):.2f} ms,"
          f" p95 {p95:.2f} ms")
    buckets: dict[int, list[float]] = {}
    for n, x in times:
        buckets.setdefault(min(n // 500, 4), []).append(x)
    for b in sorted(buckets):
        print(f"  {b * 500:>4}-{'…' if b == 4 else (b + 1) * 500} chars: median {statistics.median(buckets[b]):.2f} ms"
              f" ({len(buckets[b]) // args.repeat} articles)")


if __name__ == "__main__":
    main()
