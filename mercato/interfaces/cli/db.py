"""`mercato db migrate`."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato.interfaces.cli._common import DbOption, console, fail, settings

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@app.command("migrate")
def migrate_cmd(
    list_: Annotated[bool, typer.Option("--list", help="List the migrations and which is applied.")] = False,
    db: DbOption = None,
) -> None:
    """Apply the schema migrations (they are also applied whenever the store is opened)."""
    from mercato.errors import MercatoError
    from mercato.store import Store, migrate

    try:
        store = Store.open(settings(db).db_url(), migrate_now=not list_)
        cur = migrate.current(store.engine)
    except MercatoError as exc:
        fail(exc)
    if list_:
        for rev, msg in migrate.list_migrations():
            mark = "*" if rev == cur else " "
            console.print(f"{mark} {rev}  {msg}", highlight=False)
        return
    console.print(f"{store.display_url} is at migration {cur} (head {migrate.head()})", highlight=False)
