"""`mercato follow`, `mercato unfollow`, `mercato following`, `mercato webhooks add|list|remove|log|deliver|retry`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from mercato.errors import MercatoError
from mercato.interfaces.cli._common import DbOption, JsonOption, console, fail, open_store, print_json, settings

ListOption = Annotated[str, typer.Option("--list", help="The watchlist (letters, digits, '-', '_').")]
ClubFlag = Annotated[bool, typer.Option("--club", help="NAME is a club (needed when no saga names it yet).")]
PlayerFlag = Annotated[bool, typer.Option("--player", help="NAME is a player (needed when no saga names them yet).")]


def _kind(club: bool, player: bool) -> str | None:
    if club and player:
        raise typer.BadParameter("give --club or --player, not both")
    return "club" if club else "player" if player else None


def follow(
    name: Annotated[str, typer.Argument(help="A club or player name.")],
    list_name: ListOption = "default",
    club: ClubFlag = False,
    player: PlayerFlag = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Follow a club or player in a watchlist: its sagas' changes reach the watchlist's feed and the webhooks."""
    from mercato import follow as f

    store = open_store(db)
    try:
        target, added = f.follow(store, name, kind=_kind(club, player), list_name=list_name)
    except MercatoError as exc:
        fail(exc)
    if as_json:
        print_json({"watchlist": list_name, **target.to_dict(), "added": added})
        return
    verb = "now follows" if added else "already follows"
    console.print(f"watchlist [bold]{list_name}[/bold] {verb} the {target.kind} [bold]{target.label}[/bold]",
                  highlight=False)


def unfollow(
    name: Annotated[str, typer.Argument(help="A club or player name, as followed.")],
    list_name: ListOption = "default",
    club: ClubFlag = False,
    player: PlayerFlag = False,
    db: DbOption = None,
) -> None:
    """Stop following a club or player in a watchlist."""
    from mercato import follow as f

    store = open_store(db)
    try:
        target = f.unfollow(store, name, kind=_kind(club, player), list_name=list_name)
    except MercatoError as exc:
        fail(exc)
    console.print(f"watchlist [bold]{list_name}[/bold] no longer follows the {target.kind} "
                  f"[bold]{target.label}[/bold]", highlight=False)


def following(
    list_name: Annotated[str | None, typer.Option("--list", help="Only this watchlist, with its sagas.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The watchlists and what they follow (with --list: one list and the sagas it follows)."""
    from mercato.follow.watchlists import check_list_name, watchlist_saga_ids

    store = open_store(db)
    try:
        names = [check_list_name(list_name)] if list_name else [w["name"] for w in store.list_watchlists()]
    except MercatoError as exc:
        fail(exc)
    if list_name and store.get_watchlist(list_name) is None:
        fail(f"no watchlist {list_name!r}")
    out = []
    for n in names:
        entry = {"watchlist": n, "items": [{k: i[k] for k in ("kind", "key", "label", "added_at")}
                                           for i in store.watchlist_items(n)]}
        if list_name:
            entry["sagas"] = store.sagas_by_ids(watchlist_saga_ids(store, n))
        out.append(entry)
    if as_json:
        print_json(out)
        return
    if not out:
        console.print("no watchlists yet: mercato follow NAME")
    for entry in out:
        t = Table(title=f"watchlist {entry['watchlist']}")
        for col in ("kind", "name", "since"):
            t.add_column(col)
        for i in entry["items"]:
            t.add_row(i["kind"], i["label"], i["added_at"] or "")
        console.print(t)
        if "sagas" in entry:
            s = Table(title="sagas followed")
            for col in ("id", "player", "from", "to", "status", "likelihood"):
                s.add_column(col, overflow="fold")
            for r in entry["sagas"]:
                lk = "" if r["likelihood"] is None else f"{r['likelihood']:.0%}"
                s.add_row(r["id"], r["player"], r["from_club"] or "?", r["to_club"] or "?", r["status"], lk)
            console.print(s)


# -- webhooks -------------------------------------------------------------------------------------------------
webhooks = typer.Typer(help="Webhooks: a signed JSON POST when a followed saga changes.", no_args_is_help=True)


@webhooks.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="The http(s) URL to POST to.")],
    secret: Annotated[str | None, typer.Option(help="The HMAC-SHA256 key (made up and shown once when absent).")] = None,
    list_name: Annotated[str | None, typer.Option("--list", help="Only the sagas this watchlist follows.")] = None,
    db: DbOption = None,
) -> None:
    """Register a webhook URL, signed with --secret (X-Mercato-Signature: sha256=<hex> over the body)."""
    from mercato.follow import webhooks as w

    store = open_store(db)
    try:
        hook_id, used = w.add(store, url, secret, list_name)
    except MercatoError as exc:
        fail(exc)
    console.print(f"webhook {hook_id} added: {url}", highlight=False)
    if secret is None:
        console.print(f"secret (shown once): {used}", highlight=False)


@webhooks.command("list")
def webhooks_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The webhooks and their deliveries by state (secrets are never shown)."""
    hooks = [{k: v for k, v in h.items() if k != "secret"} for h in open_store(db).list_webhooks()]
    if as_json:
        print_json(hooks)
        return
    t = Table(title="webhooks")
    for col in ("id", "url", "watchlist", "delivered", "pending", "failed"):
        t.add_column(col, overflow="fold")
    for h in hooks:
        d = h["deliveries"]
        t.add_row(str(h["id"]), h["url"], h["list_name"] or "(all)", str(d.get("delivered", 0)),
                  str(d.get("pending", 0)), str(d.get("failed", 0)))
    console.print(t)


@webhooks.command("remove")
def webhooks_remove(hook_id: Annotated[int, typer.Argument(help="The webhook's id (see `webhooks list`).")],
                    db: DbOption = None) -> None:
    """Remove a webhook; its delivery log is kept."""
    if not open_store(db).remove_webhook(hook_id):
        fail(f"no webhook {hook_id}")
    console.print(f"webhook {hook_id} removed")


@webhooks.command("log")
def webhooks_log(
    state: Annotated[str | None, typer.Option(help="Only pending, delivered or failed deliveries.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The newest webhook deliveries: state, tries, last answer or error."""
    if state not in (None, "pending", "delivered", "failed"):
        raise typer.BadParameter(f"unknown state {state!r}; allowed: pending, delivered, failed")
    rows = open_store(db).delivery_log(state=state, limit=limit)
    if as_json:
        print_json(rows)
        return
    t = Table(title="webhook deliveries")
    for col in ("id", "url", "event", "state", "tries", "last", "at"):
        t.add_column(col, overflow="fold")
    for r in rows:
        last = r["last_error"] or (str(r["last_status"]) if r["last_status"] else "")
        t.add_row(str(r["id"]), r["url"] or "(removed)", str(r["event_id"]), r["state"], str(r["attempts"]), last,
                  r["last_attempt_at"] or r["created_at"])
    console.print(t)


def _deliver(db: str | None, requeue: bool) -> None:
    from mercato.follow import deliver_pending

    store = open_store(db)
    n = store.requeue_failed() if requeue else 0
    try:
        counts = deliver_pending(store, settings(db))
    except MercatoError as exc:
        fail(exc)
    extra = f" ({n} failed queued again)" if requeue else ""
    console.print(f"{counts['delivered']} delivered, {counts['pending']} pending, {counts['failed']} failed{extra}")
    if counts["pending"] or counts["failed"]:
        raise typer.Exit(1)


@webhooks.command("deliver")
def webhooks_deliver(db: DbOption = None) -> None:
    """Send the pending deliveries now (every ingest, understand and watch run does it at its end)."""
    _deliver(db, False)


@webhooks.command("retry")
def webhooks_retry(db: DbOption = None) -> None:
    """Queue the failed deliveries again and send them."""
    _deliver(db, True)
