"""Scale-out bench for ``mercato batch`` (not a timed test).

Builds archives of N articles from the dev corpus with players and clubs substituted per copy (so sagas differ),
then measures, each in a fresh process on a fresh SQLite store:

* one process without Dask (``mercato.pipeline.ingest``, what ``mercato ingest`` runs);
* ``run_batch`` on a LocalCluster of 1 worker and of 2 workers (1 thread each);
* articles per second, peak RSS per worker (``ru_maxrss`` read on each worker at the end) and of the client;
* the overhead of Dask on a small input (the 117-article dev corpus, cluster start-up included).

    .venv/bin/python bench/scale.py --sizes 10000 100000 --out bench/results/scale.json

The archive is cached under ``--work`` (default /tmp/mercato-scale); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpus" / "dev"

FIRST = ["Aldo", "Bruno", "Caio", "Dario", "Emil", "Fabio", "Goran", "Hugo", "Ivo", "Jonas", "Kemal", "Luca",
         "Mateo", "Nuno", "Oskar", "Pavel", "Rafa", "Sami", "Tiago", "Uros"]
SYL = ["ba", "ko", "ri", "mel", "tan", "vo", "lis", "den", "gar", "sun", "pe", "zio", "ran", "do", "kel", "mar"]


def _names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out, seen = [], set()
    while len(out) < n:
        last = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()
        if last in seen:
            continue
        seen.add(last)
        out.append((rng.choice(FIRST), last))
    return out


def make_archive(n: int, dest: Path) -> Path:
    """``n`` articles: copies of the dev corpus with new ids, URLs, players and a permutation of the clubs."""
    if dest.exists():
        return dest
    rows = [json.loads(x) for x in (DEV / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    labels = [json.loads(x) for x in (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    players = sorted({c["player"] for lab in labels for c in lab.get("claims", []) if c.get("player")})
    clubs = sorted({c[k] for lab in labels for c in lab.get("claims", []) for k in ("from_club", "to_club")
                    if c.get(k)})
    words = sorted(set(players) | {p.split()[-1] for p in players if len(p.split()[-1]) >= 4} | set(clubs),
                   key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    written = 0
    with tmp.open("w", encoding="utf-8") as f:
        copy = 0
        while written < n:
            rng = random.Random(copy)
            mapping: dict[str, str] = {}
            for p, (first, last) in zip(players, _names(rng, len(players)), strict=True):
                mapping[p] = f"{first} {last}"
                mapping.setdefault(p.split()[-1], last)
            shuffled = clubs[:]
            rng.shuffle(shuffled)
            mapping.update({c: s for c, s in zip(clubs, shuffled, strict=True)} if copy else {})
            for o in rows:
                if written >= n:
                    break
                o = dict(o, id=f"{o['id']}-c{copy}")
                if copy:
                    o["text"] = pattern.sub(lambda m, mp=mapping: mp.get(m.group(1), m.group(1)), o["text"])
                if o.get("url"):
                    scheme, rest = o["url"].split("://", 1)
                    host, _, path = rest.partition("/")
                    o["url"] = f"{scheme}://{host}/c{copy}/{path}"
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    tmp.rename(dest)
    return dest


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ the measured runs (each in its own process)

def run_single(archive: str, db: str) -> dict:
    from mercato import pipeline
    from mercato.sources import read_paths
    from mercato.store import Store

    t0 = time.perf_counter()
    with Store.open("sqlite:///" + db) as store:
        stats = pipeline.ingest(store, read_paths([archive]))
        sagas = store.count("sagas")
    secs = time.perf_counter() - t0
    return {"seconds": secs, "added": stats.counts.get("added", 0), "sagas": sagas, "peak_rss_mb": _peak_mb()}


def run_batch(archive: str, db: str, workers: int, partition_mb: float) -> dict:
    from mercato.batch import cluster
    from mercato.batch import run_batch as go
    from mercato.store import Store

    t0 = time.perf_counter()
    with Store.open("sqlite:///" + db) as store, cluster(workers=workers) as client:
        t1 = time.perf_counter()
        report = go(store, [archive], client=client, target_bytes=int(partition_mb * 1024 * 1024))
        t2 = time.perf_counter()
        peaks = client.run(_peak_mb)
        sagas = store.count("sagas")
    return {"seconds": t2 - t1, "wall_with_startup": time.perf_counter() - t0, "startup": t1 - t0,
            "added": report.stats.counts.get("added", 0), "partitions": report.partitions, "sagas": sagas,
            "worker_peak_rss_mb": sorted(peaks.values()), "client_peak_rss_mb": _peak_mb()}


def _child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "_" + kind, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind} {args} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n: int, work: Path, workers: list[int], partition_mb: float, single: bool) -> dict:
    archive = make_archive(n, work / f"archive-{n}.jsonl")
    res: dict = {"articles": n, "archive_mb": round(archive.stat().st_size / 1e6, 1)}
    if single:
        db = work / f"single-{n}.db"
        for p in work.glob(f"single-{n}.db*"):
            p.unlink()
        r = _child("single", str(archive), str(db))
        res["single"] = r | {"per_s": n / r["seconds"]}
        print(f"[{n}] single: {r['seconds']:.1f}s {n / r['seconds']:.0f}/s peak {r['peak_rss_mb']:.0f} MB",
              flush=True)
    for w in workers:
        db = work / f"batch-{n}-{w}.db"
        for p in work.glob(f"batch-{n}-{w}.db*"):
            p.unlink()
        r = _child("batch", str(archive), str(db), str(w), str(partition_mb))
        res[f"workers_{w}"] = r | {"per_s": n / r["seconds"]}
        print(f"[{n}] {w} workers: {r['seconds']:.1f}s {n / r['seconds']:.0f}/s workers peak "
              f"{r['worker_peak_rss_mb']} MB client {r['client_peak_rss_mb']:.0f} MB", flush=True)
    if "workers_1" in res and "workers_2" in res:
        res["speedup_2_vs_1"] = res["workers_2"]["per_s"] / res["workers_1"]["per_s"]
    return res


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_single":
        print(json.dumps(run_single(sys.argv[2], sys.argv[3])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_batch":
        print(json.dumps(run_batch(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--partition-mb", type=float, default=8.0)
    ap.add_argument("--no-single", action="store_true", help="Skip the one-process runs.")
    ap.add_argument("--work", type=Path, default=Path("/tmp/mercato-scale"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not (DEV / "articles.jsonl").is_file():
        raise SystemExit(f"dev corpus not found at {DEV}")
    args.work.mkdir(parents=True, exist_ok=True)
    out: dict = {"cpus": os.cpu_count(), "sizes": []}
    small = _child("single", str(DEV / "articles.jsonl"), str(args.work / "small-single.db"))
    for p in args.work.glob("small-*.db*"):
        p.unlink()
    small_b = _child("batch", str(DEV / "articles.jsonl"), str(args.work / "small-batch.db"), "2", "0.02")
    out["small_overhead"] = {"articles": 117, "single_s": small["seconds"], "batch2_s": small_b["seconds"],
                             "batch2_with_startup_s": small_b["wall_with_startup"]}
    print(f"[117] single {small['seconds']:.2f}s; 2 workers {small_b['seconds']:.2f}s "
          f"(+{small_b['startup']:.2f}s cluster start-up)", flush=True)
    for n in args.sizes:
        out["sizes"].append(measure(n, args.work, args.workers, args.partition_mb, not args.no_single))
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
