"""What every CLI command shares: the --db option, JSON output, errors as one line, the progress bar."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from mercato.errors import MercatoError
from mercato.settings import Settings, load_settings

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="MERCATO_DB", help="Store: a SQLite path or postgresql://… URL (or MERCATO_DB)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ReaderOption = Annotated[
    str | None,
    typer.Option("--reader", help="Who reads the articles: offline (the default) or llm, an OpenAI-compatible model "
                                  "server (MERCATO_LLM_URL, MERCATO_LLM_MODEL; see docs/llm.md). Or MERCATO_READER."),
]


def settings(db: str | None = None, **flags: Any) -> Settings:
    try:
        return load_settings(db=db, **flags)
    except MercatoError as exc:
        fail(exc)


def open_store(db: str | None):
    """The store named by --db / MERCATO_DB / the settings file, or the default SQLite file."""
    from mercato.store import Store

    try:
        return Store.open(settings(db).db_url())
    except MercatoError as exc:
        fail(exc)


def fail(exc: BaseException | str, code: int = 1) -> typer.Exit:
    """An expected error: one line on stderr, exit 1."""
    err_console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def llm_reader(reader: str | None, db: str | None, cache: Any = None, refuse: str | None = None) -> Any:
    """The LLM reader when the settings ask for one (``--reader`` over ``MERCATO_READER`` over the settings
    file), its answers cached in ``cache`` (else the --db store); None for the offline one. ``refuse``: the
    error to give when the LLM reader is asked for where it does not go."""
    from mercato.settings import READERS
    from mercato.understand.llm import reader_for

    if reader is not None and reader not in READERS:
        raise typer.BadParameter(f"--reader must be one of {', '.join(READERS)}, got {reader!r}")
    s = settings(db, reader=reader)
    if s.reader != "llm":
        return None
    if refuse:
        fail(refuse)
    try:
        return reader_for(s, cache=cache if cache is not None else open_store(db))
    except MercatoError as exc:
        fail(exc)


@contextlib.contextmanager
def reading(store: Any, reader: str | None, db: str | None = None) -> Iterator[Any]:
    """Within the block the pipeline reads with the reader the settings ask for; yields the LLM reader (its
    answers cached in ``store``), or None for the offline one."""
    from mercato import pipeline

    r = llm_reader(reader, db, cache=store)
    with pipeline.use_reader(r):
        yield r


def show_llm_usage(r: Any) -> None:
    """One line: what the LLM reader asked and what it cost (tokens in and out), cache hits, fallbacks."""
    if r is None:
        return
    u = r.usage
    fallbacks = {k.rsplit("/", 1)[1]: n for k, n in sorted(u.items()) if k.startswith("fallback/")}
    dropped = {k.rsplit("/", 1)[1]: n for k, n in sorted(u.items()) if k.startswith("dropped/")}
    line = (f"{r.name}: {u['llm/requests']} requests, {u['llm/cached']} from the cache, "
            f"tokens in {u['llm/tokens_in']}, out {u['llm/tokens_out']}")
    if fallbacks:
        line += "; read offline instead: " + ", ".join(f"{k} {n}" for k, n in fallbacks.items())
    if dropped:
        line += "; dropped: " + ", ".join(f"{k} {n}" for k, n in dropped.items())
    err_console.print(line, highlight=False, markup=False, soft_wrap=True)


class RateColumn(ProgressColumn):
    """Articles per second, and tokens per second when a model reads them."""

    def render(self, task: Any) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return Text("")
        out = f"{task.completed / elapsed:.1f} art/s"
        tokens = task.fields.get("tokens", 0)
        if tokens:
            out += f" {tokens / elapsed:.0f} tok/s"
        return Text(out, style="progress.data.speed")


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Any]:
    """A rich progress bar on stderr (quiet when stderr is not a terminal); yields an ``advance(n, tokens=0)``
    callable."""
    bar = Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
        TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal,
    )
    with bar:
        task = bar.add_task(description, total=total, tokens=0)
        seen = [0]

        def advance(n: int = 1, tokens: int = 0) -> None:
            seen[0] += tokens
            bar.update(task, advance=n, tokens=seen[0])

        yield advance
