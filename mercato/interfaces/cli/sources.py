"""`mercato sources`, `mercato watch`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mercato.errors import MercatoError
from mercato.interfaces.cli._common import (
    DbOption,
    JsonOption,
    ReaderOption,
    console,
    err_console,
    fail,
    open_store,
    print_json,
    reading,
    show_llm_usage,
)
from mercato.interfaces.cli._common import settings as load_cli_settings
from mercato.stats import RunStats

FileOption = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="Sources file (TOML, [[feed]] tables); default: the user's sources.toml, "
                 "else the packaged list."),
]


def _load(file: Path | None):
    from mercato.sources.catalog import load_sources, sources_path

    try:
        return sources_path(file), load_sources(file)
    except MercatoError as exc:
        fail(exc)


def sources(
    file: FileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the feeds followed (sources file and feeds read before) with their health."""
    path, listed = _load(file)
    store = open_store(db)
    stored = {st.url: st for st in store.list_feeds()}
    rows = []
    for src in listed:
        st = stored.pop(src.url, None)
        d = st.to_dict() if st else {"url": src.url, "health": "never polled"}
        d.update(name=src.name or d.get("name"), lang=src.lang or d.get("lang"), listed=True)
        rows.append(d)
    for st in stored.values():
        rows.append({**st.to_dict(), "listed": False})
    if as_json:
        print_json({"file": str(path), "feeds": rows})
        return
    t = Table(title=f"sources ({path})", show_header=True)
    for col in ("feed", "lang", "health", "last ok", "errors", "last error", "next poll", "added"):
        t.add_column(col, overflow="fold")
    for d in rows:
        t.add_row(
            f"{d.get('name') or ''}\n{d['url']}" if d.get("name") else d["url"],
            d.get("lang") or "",
            d["health"],
            (d.get("last_ok") or "")[:19],
            f"{d.get('consecutive_errors', 0)}/{d.get('error_count', 0)}",
            d.get("last_error") or "",
            (d.get("next_poll") or "")[:19],
            str(d.get("entries_added", 0)),
        )
    console.print(t)


def watch(
    interval: Annotated[float | None, typer.Option("--interval", help="Seconds between polls of a feed "
                                                   "(default: the poll_interval_s setting).", min=0.1)] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every due feed once, then exit.")] = False,
    file: FileOption = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private/loopback addresses.")] = False,
    no_understand: Annotated[bool, typer.Option("--no-understand", help="Store only; understand later.")] = False,
    reader: ReaderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Poll the feeds of the sources file on an interval until stopped (Ctrl-C); failing feeds back off."""
    from mercato.feeding import watch as run_watch

    s = load_cli_settings(db)
    if allow_private:
        s = s.replace(allow_private=True)
    _path, listed = _load(file)
    if not listed:
        fail("the sources file lists no enabled feeds")
    store = open_store(db)
    every = interval or s.poll_interval_s
    stop = threading.Event()

    def report(due: list[str], stats: RunStats) -> None:
        d = stats.to_dict()
        if as_json:
            print_json({"feeds": due, **d})
        else:
            c = d["counts"]
            console.print(f"polled {len(due)} feeds: {d['added']} added, {d['revised']} revised, "
                          f"{c.get('feeds/not-modified', 0)} not modified, {c.get('feeds/failed', 0)} failed")
        for msg in d["errors"]:
            err_console.print(f"[yellow]failed:[/yellow] {msg}", highlight=False)

    run = store.start_run("watch")
    try:
        with reading(store, reader, db) as llm:
            def report_all(due: list[str], stats: RunStats) -> None:
                report(due, stats)
                show_llm_usage(llm)  # what the model reader asked and cost so far

            run_watch(store, sources=listed, interval_s=every, once=once, allow_private=s.allow_private,
                      understand=not no_understand, settings=s, stop=stop, on_pass=report_all)
    except KeyboardInterrupt:
        stop.set()
        err_console.print("stopped")
    except MercatoError as exc:
        fail(exc)
    finally:
        try:
            store.finish_run(run, {})
        except MercatoError:
            pass
        store.close()
