"""The ``mercato`` command line. Each command's docstring is its help."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from mercato.interfaces.cli import articles, batch, board, db, evaluate, follow, ingest, sources, train
from mercato.interfaces.cli._common import err_console

app = typer.Typer(
    name="mercato",
    help="Mercato: football transfer news turned into a checkable rumour board.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logging (-v, -vv).")] = 0,
) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    from rich.logging import RichHandler

    logging.basicConfig(level=level, format="%(name)s: %(message)s",
                        handlers=[RichHandler(console=err_console, show_time=False, show_path=False)])


app.command("ingest")(ingest.ingest)
app.command("understand")(ingest.understand)
app.command("stats")(articles.stats)
app.command("evaluate")(evaluate.evaluate)
app.command("train")(train.train)
app.command("batch")(batch.batch)
app.command("sources")(sources.sources)
app.command("watch")(sources.watch)
app.add_typer(articles.app, name="articles")
app.command("board")(board.board)
app.command("saga")(board.saga)
app.command("outlets")(board.outlets)
app.command("serve")(board.serve)
app.add_typer(db.app, name="db")
app.command("follow")(follow.follow)
app.command("unfollow")(follow.unfollow)
app.command("following")(follow.following)
app.add_typer(follow.webhooks, name="webhooks")


def main() -> None:
    app()
