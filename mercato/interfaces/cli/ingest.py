"""`mercato ingest`, `mercato understand`."""

from __future__ import annotations

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
    progress,
    reading,
    show_llm_usage,
)
from mercato.stats import RunStats


def _summary(stats: RunStats, as_json: bool) -> None:
    d = stats.to_dict()
    if as_json:
        print_json(d)
        return
    t = Table(title="ingest summary", show_header=True)
    t.add_column("outcome")
    t.add_column("articles", justify="right")
    for k in ("added", "unchanged", "revised", "rejected"):
        t.add_row(k, str(d[k]))
    for reason, n in sorted(d["reasons"].items()):
        t.add_row(f"  {reason}", str(n))
    for what, n in sorted(d["counts"].items()):
        if what.startswith("llm/"):  # what the model reader asked and cost: requests, cache hits, tokens in/out
            t.add_row(what, str(n))
    console.print(t)
    for msg in d["errors"][:50]:
        err_console.print(f"[yellow]rejected:[/yellow] {msg}", highlight=False)
    if len(d["errors"]) > 50:
        err_console.print(f"… and {d['rejected'] - 50} more rejected")


def ingest(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories, JSONL archives (.gz too), or URLs.")] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="An RSS/Atom feed URL to read once (repeatable).")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow fetching private/loopback addresses.")] = False,
    no_understand: Annotated[bool, typer.Option("--no-understand", help="Store only; understand later.")] = False,
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.", min=1)] = 500,
    reader: ReaderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest articles from files, directories, JSONL archives, URLs and feeds; re-runs add nothing twice."""
    from mercato import pipeline

    paths = list(paths or [])
    urls = [p for p in paths if "://" in p or p.startswith(("javascript:", "data:", "mailto:"))]
    files = [p for p in paths if p not in urls]
    if not files and not urls and not feed:
        raise typer.BadParameter("give at least one path, URL or --feed")
    store = open_store(db)
    stats = RunStats()
    try:
        run_id = store.start_run("ingest " + " ".join(paths + [f"--feed {f}" for f in feed or []]))
    except MercatoError as exc:  # read-only or full database: one line naming it
        fail(exc)
    error: MercatoError | None = None
    llm = None
    try:
        with reading(store, reader, db) as llm:
            if files:
                from mercato.sources import read_paths

                with progress("ingesting") as advance, stats.active():
                    if llm is not None:
                        llm.on_read = lambda _n, tokens: advance(0, tokens)
                    pipeline.ingest(store, read_paths(files), batch_size=batch_size, understand=not no_understand,
                                    on_item=advance, stats=stats)
            if urls or feed:
                from mercato.feeding import ingest_web

                with stats.active():
                    ingest_web(store, urls=urls, feeds=list(feed or []), allow_private=allow_private, stats=stats,
                               understand=not no_understand)
    except MercatoError as exc:  # the store failed mid-run: what was committed stays, the run stops here
        error = exc
    try:
        store.finish_run(run_id, stats.to_dict())
    except MercatoError as exc:
        error = error or exc
    if error is not None:
        _summary(stats, as_json)
        fail(error)
    _summary(stats, as_json)
    if not as_json:
        show_llm_usage(llm)
    if stats.counts.get("rejected"):
        raise typer.Exit(1)


def understand(
    all_: Annotated[bool, typer.Option("--all", help="Re-read every article, not only stale ones.")] = False,
    reader: ReaderOption = None,
    db: DbOption = None,
) -> None:
    """Run the understanding (and stories) on stored articles: stale ones, or all with --all (e.g. to read them
    again with --reader llm)."""
    from mercato import pipeline
    from mercato.understand import PIPELINE_VERSION

    store = open_store(db)
    keys = [a.key for a in store.iter_articles()] if all_ else store.stale_article_keys(PIPELINE_VERSION)
    lost: set[str] = set()
    stats = RunStats()
    try:
        with reading(store, reader, db) as llm, stats.active():
            with progress("understanding", len(keys)) as advance:
                if llm is not None:
                    llm.on_read = lambda _n, tokens: advance(0, tokens)
                n = pipeline.understand_keys(store, keys, on_progress=advance, lost=lost)
            pipeline.finish(store, keys, lost)
    except MercatoError as exc:
        fail(exc)
    console.print(f"understood {n} articles")
    show_llm_usage(llm)
