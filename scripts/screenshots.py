"""Screenshots of the dashboard for the docs: the board and one saga page, on a desktop and on a phone.

    PYTHONPATH=. .venv/bin/python scripts/screenshots.py [PATH ...] [--out docs/screenshots] [--db FILE]

Ingests PATHs (default: ``../shared/corpus/seeds/`` and ``../shared/corpus/dev/articles.jsonl``, read where they are) into a fresh
SQLite store through the real pipeline, serves the dashboard on 127.0.0.1 (a free port) and has a headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) take viewport screenshots of the board and of
the saga with the most articles at 1400 and 390 pixels wide: ``board-1400.png``, ``board-390.png``,
``saga-1400.png``, ``saga-390.png``. Prints what it wrote; exits 1 with one line when something is missing.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]
#: (name, viewport width, viewport height, device scale): a desktop window and a phone
VIEWS = [("1400", 1400, 900, 1), ("390", 390, 844, 1)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(paths: list[Path], db: Path):
    from mercato.pipeline import ingest
    from mercato.sources import read_paths
    from mercato.store import Store

    store = Store.open("sqlite:///" + str(db))
    stats = ingest(store, read_paths([str(p) for p in paths]))
    counts = stats.to_dict()
    print(f"ingested {', '.join(map(str, paths))}: {counts['added']} added, {counts['rejected']} rejected",
          file=sys.stderr)
    return store


def serve(store):
    import uvicorn

    from mercato.interfaces.api import create_app
    from mercato.settings import Settings

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, Settings()), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("error: the dashboard server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def shoot(url: str, saga_id: str, out: Path) -> list[Path]:
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        for name, width, height, scale in VIEWS:
            ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page = ctx.new_page()
            for what, path in (("board", "/"), ("saga", "/sagas/" + quote(saga_id, safe=""))):
                resp = page.goto(url + path)
                if resp is None or resp.status != 200:
                    raise SystemExit(f"error: {path} answered {resp.status if resp else 'nothing'}")
                if page.locator("div.chart").count():
                    page.wait_for_selector("div.chart[data-drawn='1']", timeout=20000)
                    page.wait_for_timeout(300)  # let Plotly settle its responsive resize
                wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                if wide:
                    print(f"warning: {what} at {width}px is wider than the screen", file=sys.stderr)
                target = out / f"{what}-{name}.png"
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
            ctx.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files or folders to ingest (default: the shared corpus)")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--db", type=Path, help="SQLite file to build (default: a temporary one)")
    args = ap.parse_args(argv)
    paths = args.paths or [CORPUS / "seeds", CORPUS / "dev" / "articles.jsonl"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"error: not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 1
    if not CHROMIUM.exists():
        print(f"error: Chromium is not installed at {CHROMIUM}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(paths, args.db or Path(tmp) / "screenshots.db")
        sagas, _ = store.board_list_sagas(sort="n_articles", order="desc", limit=1)
        if not sagas:
            print("error: the store has no saga to show", file=sys.stderr)
            return 1
        server, thread, url = serve(store)
        try:
            written = shoot(url, sagas[0]["id"], args.out)
        finally:
            server.should_exit = True
            thread.join(10)
            store.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
