"""Load on the read API (not a timed test): many concurrent clients on the board, saga and search endpoints.

    .venv/bin/python bench/api.py --sagas 10000 --clients 1 10 50 --seconds 15

Writes ``--sagas`` sample sagas (and a watchlist following two clubs) to a fresh SQLite store, serves it with
``mercato serve`` in a subprocess on 127.0.0.1, runs the clients on loopback for a bounded time over the board,
saga, search, outlets, watchlist and Atom feed endpoints, and prints requests per second, p50/p99 latency per
endpoint and the errors (non-2xx or not the expected shape: JSON, or an Atom document).
Results also go to ``bench/results/api.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: Path, n: int) -> tuple[list[str], list[str], list[str]]:
    """The sample sagas, and a watchlist "bench" following two clubs and a player."""
    from mercato.interfaces.web.sample import CLUBS, PLAYERS, write_sample
    from mercato.store import Store

    store = Store.open("sqlite:///" + str(db))
    ids = write_sample(store, n, seed=3, prefix="bench")
    store.create_watchlist("bench")
    for club in CLUBS[:2]:
        store.add_watch_item("bench", "club", club, club)
    store.close()
    return ids, [p.split()[-1] for p in PLAYERS] + CLUBS, list(CLUBS)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")


def requests_for(ids: list[str], words: list[str], clubs: list[str]) -> dict[str, Callable[[random.Random], tuple]]:
    """Each endpoint kind: a request maker giving (path, params, expected body kind)."""
    return {
        "board": lambda r: ("/api/sagas", r.choice(({}, {"club": r.choice(words)}, {"sort": "likelihood"},
                                                      {"status": "done"})), "json"),
        "saga": lambda r: (f"/api/sagas/{r.choice(ids)}", {}, "json"),
        "search": lambda r: ("/api/search", {"q": r.choice(words)[:5]}, "json"),
        "outlets": lambda r: ("/api/outlets", {}, "json"),
        "feed_club": lambda r: (f"/feeds/club/{r.choice(clubs)}.atom", {}, "atom"),
        "feed_saga": lambda r: (f"/feeds/saga/{r.choice(ids)}.atom", {}, "atom"),
        "watchlist": lambda r: ("/api/watchlists/bench", {}, "json"),
        "feed_watchlist": lambda r: ("/feeds/watchlist/bench.atom", {}, "atom"),
    }


WEIGHTS = {"board": 2, "saga": 1, "search": 1}


async def client(base: str, makers: dict[str, Callable[[random.Random], tuple]], until: float,
                 lat: dict[str, list[float]], errors: dict[str, int], rnd: random.Random) -> None:
    kinds = [k for k in makers for _ in range(WEIGHTS.get(k, 1))]
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        while time.monotonic() < until:
            kind = rnd.choice(kinds)
            url, params, body = makers[kind](rnd)
            t0 = time.perf_counter()
            try:
                r = await c.get(url, params=params)
                if body == "json":
                    ok = r.status_code == 200 and isinstance(r.json(), dict | list)
                else:
                    ok = r.status_code == 200 and r.text.lstrip().startswith("<?xml")
            except httpx.HTTPError:
                ok = False
            lat[kind].append(time.perf_counter() - t0)
            if not ok:
                errors[kind] = errors.get(kind, 0) + 1


async def load(base: str, makers: dict[str, Callable[[random.Random], tuple]], clients: int,
               seconds: float) -> dict:
    lat: dict[str, list[float]] = {k: [] for k in makers}
    errors: dict[str, int] = {}
    until = time.monotonic() + seconds
    t0 = time.monotonic()
    await asyncio.gather(*(client(base, makers, until, lat, errors, random.Random(i)) for i in range(clients)))
    elapsed = time.monotonic() - t0
    every = [x for v in lat.values() for x in v]
    out = {"clients": clients, "seconds": round(elapsed, 1), "requests": len(every),
           "rps": round(len(every) / elapsed, 1), "p50_ms": round(pct(every, 0.5), 1),
           "p99_ms": round(pct(every, 0.99), 1), "errors": sum(errors.values()), "by_endpoint": {}}
    for k, v in lat.items():
        out["by_endpoint"][k] = {"requests": len(v), "p50_ms": round(pct(v, 0.5), 1), "p99_ms": round(pct(v, 0.99), 1),
                                 "errors": errors.get(k, 0)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sagas", type=int, default=10000)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    ap.add_argument("--seconds", type=float, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t = time.monotonic()
        ids, words, clubs = prepare(db, args.sagas)
        makers = requests_for(ids, words, clubs)
        print(f"wrote {len(ids)} sagas in {time.monotonic() - t:.1f}s", file=sys.stderr)
        port = free_port()
        env = {**os.environ, "MERCATO_DB": str(db)}
        exe = str(Path(sys.executable).parent / "mercato")
        proc = subprocess.Popen([exe, "serve", "--port", str(port)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base + "/api/sources", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"server did not start: {proc.stderr.read() if proc.poll() is not None else ''}")
                time.sleep(0.1)
            results = {"sagas": len(ids), "runs": []}
            for n in args.clients:
                r = asyncio.run(load(base, makers, n, args.seconds))
                results["runs"].append(r)
                print(json.dumps(r))
        finally:
            proc.terminate()
            proc.wait(10)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "api.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
