"""Bench: entries per second from local feed servers through fetch, extract and store; peak memory.

    .venv/bin/python bench/feeds.py --hosts 4 --feeds 20 --entries 50 [--understand] [--workers 8]

Starts ``--hosts`` HTTP servers on 127.0.0.1 in a child process (so serving does not share the GIL with
the client), each serving ``--feeds`` feeds of ``--entries`` entries with a ~5 KB article page each,
then runs one ``ingest_web`` pass over every feed (each entry's page fetched, extracted by trafilatura and
stored), and a second pass (every feed answers 304). Prints JSON: entries/s, pages/s, wall time, peak RSS.
"""

from __future__ import annotations

import argparse
import http.server
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path


def _page(host: int, feed: int, i: int) -> bytes:
    paras = "".join(
        f"<p>Paragraph {j}. Player{host}x{feed}x{i} is close to a move from Club{feed} to Club{i % 17}; the fee "
        f"discussed is {10 + i % 50} million euros plus add-ons, according to reports from several outlets.</p>"
        for j in range(12))
    return (f"<html><head><title>Story {host}-{feed}-{i}</title><meta charset='utf-8'></head><body><nav>menu"
            f"</nav><article><h1>Story {host}-{feed}-{i}</h1>{paras}</article><footer>footer</footer></body></html>"
            ).encode()


def _serve(n_hosts: int, n_feeds: int, n_entries: int, ports: mp.Queue) -> None:
    def make(host: int) -> http.server.ThreadingHTTPServer:
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                port = self.server.server_address[1]
                parts = self.path.strip("/").split("/")
                if parts[0] == "feed":
                    f = int(parts[1])
                    etag = f'"{host}-{f}"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    items = "".join(
                        f"<item><title>Story {host}-{f}-{i}</title><link>http://127.0.0.1:{port}/p/{f}/{i}</link>"
                        f"<guid>{host}-{f}-{i}</guid><description>Summary {i}</description>"
                        f"<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate></item>" for i in range(n_entries))
                    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
                    data, ctype, extra = body.encode(), "application/rss+xml", {"ETag": etag}
                else:
                    data, ctype, extra = _page(host, int(parts[1]), int(parts[2])), "text/html; charset=utf-8", {}
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return srv

    servers = [make(h) for h in range(n_hosts)]
    ports.put([s.server_address[1] for s in servers])
    threading.Event().wait()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hosts", type=int, default=4)
    ap.add_argument("--feeds", type=int, default=10, help="feeds per host")
    ap.add_argument("--entries", type=int, default=50, help="entries per feed")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--per-host", type=int, default=2, help="per-host concurrency")
    ap.add_argument("--understand", action="store_true", help="run understanding and stories too")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mercato.feeding import ingest_web
    from mercato.settings import Settings
    from mercato.stats import RunStats
    from mercato.store import Store

    q: mp.Queue = mp.Queue()
    server = mp.Process(target=_serve, args=(args.hosts, args.feeds, args.entries, q), daemon=True)
    server.start()
    try:
        ports = q.get(timeout=30)
        feeds = [f"http://127.0.0.1:{p}/feed/{f}" for p in ports for f in range(args.feeds)]
        settings = Settings(per_host_concurrency=args.per_host, fetch_timeout_s=30)
        with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/bench.db") as store:
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            stats = RunStats()
            t = time.perf_counter()
            ingest_web(store, urls=[], feeds=feeds, allow_private=True, stats=stats, understand=args.understand,
                       settings=settings, workers=args.workers)
            first = time.perf_counter() - t
            again = RunStats()
            t = time.perf_counter()
            ingest_web(store, urls=[], feeds=feeds, allow_private=True, stats=again, understand=args.understand,
                       settings=settings, workers=args.workers)
            second = time.perf_counter() - t
            stored = store.count("articles")
        entries = args.hosts * args.feeds * args.entries
        out = {
            "hosts": args.hosts, "feeds": len(feeds), "entries": entries, "workers": args.workers,
            "per_host_concurrency": args.per_host, "understand": args.understand,
            "stored": stored, "added": stats.counts["added"], "rejected": stats.counts["rejected"],
            "pages_fetched": stats.counts["pages/fetched"],
            "first_pass_s": round(first, 2), "entries_per_s": round(entries / first, 1),
            "second_pass_s": round(second, 3), "second_pass_not_modified": again.counts["feeds/not-modified"],
            "second_pass_added": again.counts["added"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024, 1),
        }
    finally:
        server.terminate()
        server.join(5)
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
