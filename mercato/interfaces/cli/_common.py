"""What every CLI command shares: the --db option, JSON output, errors as one line, the progress bar."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mercato.errors import MercatoError
from mercato.settings import Settings, load_settings

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="MERCATO_DB", help="Store: a SQLite path or postgresql://… URL (or MERCATO_DB)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


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


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Any]:
    """A rich progress bar on stderr (quiet when stderr is not a terminal); yields an ``advance(n)`` callable."""
    bar = Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal,
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance
