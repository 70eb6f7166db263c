"""Bench: grouping and scoring claims into sagas at two sizes; seconds, peak memory and the growth ratio.

    .venv/bin/python bench/stories.py --claims 10000 100000 [--batch 500] [--per-saga 10] [--refresh batch]

For each size, a child process builds a fresh SQLite store with synthetic articles (2 claims each: a primary
and a secondary, spread over sagas of about ``--per-saga`` articles, two years of dates, 300 outlets, 60
credited sources, short texts) and then times ``stories.update`` over all of them in ingest-sized batches
(keyed look-ups, regrouping, provenance, contradictions, status, likelihood with history), each followed by
``stories.refresh`` (the sagas whose reliability inputs moved rescored; ``--refresh end``: once). Prints JSON per
size and the ratio of times and of peak memory between the largest and the smallest size: linear growth is a
time ratio near the size ratio (10x), not its square.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ["interest", "talks", "bid", "agreement", "medical", "done", "loan", "collapsed", "denied"]
WEIGHTS = [30, 20, 10, 12, 6, 10, 4, 6, 2]


def build(store, n_claims: int, per_saga: int, seed: int = 7) -> list[str]:
    """Articles with understanding; returns their keys in ingest order."""
    from mercato.extract import extract
    from mercato.models import Citation, Claim, Fee, RawArticle, Stage, Understanding

    rnd = random.Random(seed)
    n_articles = n_claims // 2
    n_sagas = max(1, n_claims // per_saga)
    clubs = [f"Club {i}" for i in range(400)]
    syll = ["ba", "ko", "ri", "mu", "ne", "sa", "to", "li", "ga", "de", "vo", "pe", "zu", "ha", "mi", "lo", "re",
            "ta", "ni", "fo", "ch", "an", "el", "or", "is", "um", "ek", "ar"]
    firsts = ["".join(rnd.choice(syll) for _ in range(2)).capitalize() for _ in range(300)]

    def surname() -> str:
        return "".join(rnd.choice(syll) for _ in range(rnd.randrange(3, 6))).capitalize()

    sagas = [(f"{rnd.choice(firsts)} {surname()}", clubs[rnd.randrange(400)], clubs[rnd.randrange(400)])
             for i in range(n_sagas)]
    outlets = [f"outlet{i}.com" for i in range(300)]
    sources = [(f"Source {i}", "journalist" if i % 3 else "outlet") for i in range(60)]
    keys: list[str] = []
    batch_a, batch_u = [], []

    def flush() -> None:
        store.add_articles(batch_a)
        store.save_understanding(batch_u)
        batch_a.clear()
        batch_u.clear()

    for i in range(n_articles):
        claims = []
        for j, s in enumerate((rnd.randrange(n_sagas), rnd.randrange(n_sagas))):
            player, frm, to = sagas[s]
            stage = rnd.choices(STAGES, WEIGHTS)[0]
            fee = Fee(raw="x", eur_m=float(rnd.randrange(5, 80))) if rnd.random() < 0.3 else None
            claims.append(Claim(player=player, from_club=frm, to_club=to, stage=Stage(stage), fee=fee,
                                evidence=f"{player} {stage}", primary=j == 0))
        day = f"2024-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}" if rnd.random() < 0.6 else None
        outlet = outlets[rnd.randrange(len(outlets))]
        text = (f"{claims[0].player} could move from {claims[0].from_club} to {claims[0].to_club}; talks are at "
                f"the {claims[0].stage.value} stage, article {i} by {outlet} with more words about the deal {i % 13}.")
        a = extract(RawArticle(origin=f"bench:{i}", url=f"https://{outlet}/a/{i}", text=text, date=day,
                               outlet=outlet, external_id=str(i)))
        cited = [sources[rnd.randrange(len(sources))]] if rnd.random() < 0.5 else []
        batch_a.append(a)
        batch_u.append((Understanding(article_key=a.key, lang="en", is_transfer=True, claims=tuple(claims),
                                      citations=tuple(Citation(name=n, kind=k) for n, k in cited),
                                      pipeline_version="bench"), 1))
        keys.append(a.key)
        if len(batch_a) >= 1000:
            flush()
    flush()
    return keys


def child(n_claims: int, batch: int, per_saga: int, refresh: str = "batch") -> dict:
    from mercato import stories
    from mercato.store import Store

    with tempfile.TemporaryDirectory(prefix="mercato-bench-") as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0 = time.perf_counter()
        keys = build(store, n_claims, per_saga)
        setup = time.perf_counter() - t0
        rss_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0, c0 = time.perf_counter(), time.process_time()
        refresh_s, rescored = 0.0, 0
        for i in range(0, len(keys), batch):
            stories.update(store, keys[i:i + batch])
            if refresh == "batch" or refresh == "end" and i + batch >= len(keys):
                t1 = time.perf_counter()
                rescored += stories.refresh(store)
                refresh_s += time.perf_counter() - t1
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        out = {"claims": n_claims, "articles": len(keys), "sagas": store.count("sagas"),
               "saga_rows": store.count("saga_articles"), "setup_s": round(setup, 1), "refresh": refresh,
               "refresh_s": round(refresh_s, 1), "rescored": rescored,
               "stories_s": round(seconds, 1), "stories_cpu_s": round(cpu, 1), "claims_per_s": round(n_claims / seconds),
               "peak_rss_mb_setup": round(rss_setup), "peak_rss_mb": round(
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
        store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--per-saga", type=int, default=10)
    ap.add_argument("--refresh", choices=["batch", "end", "none"], default="batch",
                    help="rescore sagas whose reliability inputs moved after every batch (as ingest does), once at "
                         "the end, or never")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.batch, args.per_saga, args.refresh)))
        return 0
    results = []
    for n in args.claims:
        res = subprocess.run([sys.executable, __file__, "--child", str(n), "--batch", str(args.batch),
                              "--per-saga", str(args.per_saga), "--refresh", args.refresh],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(json.dumps({"size_ratio": round(b["claims"] / a["claims"], 1),
                          "time_ratio": round(b["stories_s"] / a["stories_s"], 1),
                          "cpu_ratio": round(b["stories_cpu_s"] / a["stories_cpu_s"], 1),
                          "memory_ratio": round(b["peak_rss_mb"] / a["peak_rss_mb"], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
