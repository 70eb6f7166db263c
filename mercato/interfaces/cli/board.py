"""`mercato board`, `mercato saga`, `mercato outlets`, `mercato serve`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from mercato.interfaces.cli._common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_store,
    print_json,
    settings,
)
from mercato.interfaces.cli._table import Col, fitted_table
from mercato.store.board import SAGA_SORTS, BadQuery


def _pct(x: Any) -> str:
    return "" if x is None else f"{float(x):.0%}"


def _check_day(flag: str, value: str | None) -> None:
    """A YYYY-MM-DD option that is a real day, else a usage error (exit 2) naming the flag."""
    from mercato.extract.dates import checked_date

    if value is None:
        return
    day, why = checked_date(value)
    if day is None or day != value.strip():
        fail(f"{flag} {value!r}: expected a date YYYY-MM-DD ({why or 'not a plain date'})", code=2)


def _finder_notes(found: dict[str, Any]) -> None:
    """What --club / --player / --league matched, on stderr; a name that matches nothing is an error (exit 1)."""
    for flag, f in found.items():
        if not f.matches:
            hint = f"; did you mean: {', '.join(f.suggestions)}?" if f.suggestions else ""
            fail(f"--{flag} {f.query!r}: no {flag} of that name{hint}")
        shown = ", ".join(f.names if flag != "league" else f.names[1:])
        also = f" (also: {', '.join(f.also)}; pass --{flag} with that name)" if f.also else ""
        err_console.print(f"--{flag} {f.query!r}: {shown}{also}", highlight=False, markup=False)


#: the board's columns; on a narrow terminal languages go first, then sources, the last report, the selling club…
BOARD_COLUMNS = (
    Col(header="id", whole=True),
    Col(header="player", min_width=12, drop=7),
    Col(header="from", min_width=8, drop=4),
    Col(header="to", min_width=8, drop=6),
    Col(header="status", min_width=8, drop=5),
    Col(header="likelihood", short="%", min_width=4, justify="right"),
    Col(header="last report", min_width=10, drop=3),
    Col(header="sources", short="src", min_width=3, drop=2, justify="right"),
    Col(header="langs", min_width=5, drop=1),
)


def board(
    club: Annotated[str | None, typer.Option(help="Only sagas where this club buys or sells: a name, alias or "
                                             "nickname in any case (PSG, \"Man Utd\", \"ac milan\").")] = None,
    player: Annotated[str | None, typer.Option(help="Only this player: full name, surname or alias, any case, "
                                               "accents optional (Gomez, guehi).")] = None,
    league: Annotated[str | None, typer.Option(help="Only sagas with a club of this league: code (ENG1) or name "
                                               "(\"Premier League\").")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status (or several, comma-separated).")] = None,
    lang: Annotated[str | None, typer.Option(help="Only sagas reported in this language (ISO 639).")] = None,
    since: Annotated[str | None, typer.Option(help="Last report on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="First report on or before YYYY-MM-DD.")] = None,
    live: Annotated[bool, typer.Option("--live", help="Only sagas not resolved yet.")] = False,
    sort: Annotated[str, typer.Option(help=f"Sort column: {', '.join(SAGA_SORTS)}.")] = "last_date",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The rumour board: sagas with their clubs, status, likelihood, last report and independent sources."""
    for flag, value in (("--since", since), ("--until", until)):
        _check_day(flag, value)
    store = open_store(db)
    try:
        _finder_notes(store.find_all(club=club, player=player, league=league))
        sagas, _ = store.board_list_sagas(club=club, player=player, league=league, status=status, lang=lang,
                                          since=since, until=until, resolved=False if live else None, sort=sort,
                                          limit=limit)
    except BadQuery as exc:
        fail(exc, code=2)
    if as_json:
        print_json(sagas)
        return
    short = store.saga_short_ids(s["id"] for s in sagas)
    rows = []
    for s in sagas:
        last = s["last_report"] or {}
        rows.append((short.get(s["id"], s["id"]), s["player"], s["from_club"] or "?", s["to_club"] or "?",
                     s["status"] + (f" ({s['outcome']})" if s["resolved"] and s["outcome"] not in (None, s["status"])
                                    else ""),
                     _pct(s["likelihood"]), last.get("date") or s["last_date"] or "",
                     str(s["n_sources"]), ",".join(s["langs"])))
    t = fitted_table(f"rumour board ({len(sagas)} sagas)", BOARD_COLUMNS, rows, console.width)
    console.print(t)


#: the saga's timeline columns; on a narrow terminal the language goes first, the outlet last
TIMELINE_COLUMNS = (
    Col(header="date", min_width=10),
    Col(header="outlet", min_width=10, drop=5),
    Col(header="lang", min_width=4, drop=1),
    Col(header="stage", min_width=9),
    Col(header="fee", min_width=6, drop=2),
    Col(header="cites", min_width=8, drop=3),
    Col(header="original", min_width=9, drop=4),
    Col(header="evidence", min_width=16, wrap=True),
)


def saga(
    saga_id: Annotated[str, typer.Argument(help="The saga id, or its short form as `mercato board` shows it (a "
                                               "unique prefix of at least 6 characters).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The saga as it stood on YYYY-MM-DD.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One saga: its timeline, provenance, contradictions, and the likelihood with the reasons for it."""
    from fastapi import HTTPException

    from mercato.interfaces.api.routes import saga_detail

    _check_day("--as-of", as_of)
    store = open_store(db)
    try:
        s = saga_detail(store, store.resolve_saga_id(saga_id), as_of)
    except BadQuery as exc:  # an unknown or ambiguous short id
        fail(exc)
    except HTTPException as exc:
        fail(exc.detail)
    if as_json:
        print_json(s)
        return
    console.print(f"[bold]{s['player']}[/bold]: {s['from_club'] or '?'} → {s['to_club'] or '?'}", highlight=False)
    live = " (not live)" if s["status"] in ("superseded", "stale", "background") else " (live)"
    console.print(f"status {s['status']}{' (resolved: ' + str(s['outcome']) + ')' if s['resolved'] else live}"
                  f" · likelihood {_pct(s['likelihood'])} · {s['n_articles']} articles, {s['n_sources']}"
                  f" independent sources · {s['first_date'] or '?'} to {s['last_date'] or '?'}", highlight=False)
    if s.get("superseded_by"):
        by = s["superseded_by"]
        console.print(f"superseded by {by.get('id')} ({s['player']} to {by.get('to_club') or '?'}, done on"
                      f" {by.get('date') or '?'}); a later report would revive it", highlight=False, markup=False)
    rows = []
    for e in s["timeline"]:
        fee = f"€{e['fee_eur_m']}m" if e.get("fee_eur_m") is not None else e.get("fee_raw") or ""
        rows.append((e.get("date") or "", e.get("outlet") or "", e.get("lang") or "", e.get("stage") or "", fee,
                     ", ".join(e.get("cited") or []),
                     "original" if e.get("original") else ("copy" if e.get("copy_of") else "re-report"),
                     e.get("evidence") or e.get("title") or ""))
    console.print(fitted_table("timeline", TIMELINE_COLUMNS, rows, console.width))
    edges = s["provenance"].get("edges") or []
    if edges:
        console.print("[bold]provenance[/bold] " + "; ".join(f"{e.get('source')} -{e.get('kind')}-> {e.get('target')}"
                                                             for e in edges[:30]), highlight=False, markup=True)
    for c in s["contradictions"]:
        a, b = c.get("a") or {}, c.get("b") or {}
        console.print(f"[bold]contradiction[/bold] ({c.get('kind')}): {a.get('outlet')} says {a.get('value')} vs "
                      f"{b.get('outlet')} says {b.get('value')} {c.get('note') or ''}", highlight=False)
    if s["explanation"]:
        t = Table(title=f"why {_pct(s['likelihood'])}: the terms add up (log-odds; effect on the probability)",
                  show_footer=True)
        def num(x: Any) -> float:
            return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else 0.0

        terms = all(isinstance(f.get("logodds"), (int, float)) for f in s["explanation"])
        for col, foot in (("factor", "sum"), ("log-odds", f"{sum(num(f.get('logodds')) for f in s['explanation']):+.3f}"
                                                            if terms else ""),
                          ("effect", _pct(sum(num(f.get("effect")) for f in s["explanation"]))),
                          ("running", _pct(s["likelihood"])), ("detail", "")):
            t.add_column(col, footer=foot, overflow="ellipsis", no_wrap=col != "detail",
                         justify="left" if col in ("factor", "detail") else "right")
        for i, f in enumerate(s["explanation"]):
            e = num(f.get("effect"))
            t.add_row(str(f.get("factor", "")), f"{f['logodds']:+.3f}" if terms else "",
                      _pct(e) if i == 0 else f"{100 * e:+.1f} pts",
                      _pct(f.get("after")) if isinstance(f.get("after"), (int, float)) else "",
                      str(f.get("detail", "")))
        console.print(t)


#: the outlets table's columns, dropped from the right on a narrow terminal (the kind last)
OUTLET_COLUMNS = (
    Col(header="source", min_width=16),
    Col(header="kind", min_width=7, drop=5),
    Col(header="reliability", short="rel.", min_width=4, justify="right"),
    Col(header="resolved", short="res.", min_width=4, drop=4, justify="right"),
    Col(header="hits", min_width=4, drop=3, justify="right"),
    Col(header="originals", short="orig.", min_width=5, drop=2, justify="right"),
    Col(header="re-reports", short="re-r.", min_width=5, drop=1, justify="right"),
)


def outlets(
    kind: Annotated[str | None, typer.Option(help="Only outlets, journalists, agencies…")] = None,
    sort: Annotated[str, typer.Option(help="reliability, resolved, hits, originals, rereports, source.")] = "reliability",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reliability per outlet and journalist: resolved sagas, hits, originals vs re-reports."""
    try:
        rows, _ = open_store(db).board_list_outlets(kind=kind, sort=sort, limit=limit)
    except BadQuery as exc:
        fail(exc, code=2)
    if as_json:
        print_json(rows)
        return
    cells = [(r.get("name") or r["source"], r["kind"],
              _pct(r["reliability"]) if r.get("estimate") != "prior" else f"prior {_pct(r['value'])}",
              str(r["resolved"]), str(r["hits"]), str(r["originals"]), str(r["rereports"])) for r in rows]
    console.print(fitted_table("outlets and journalists", OUTLET_COLUMNS, cells, console.width))


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 picks a free one).")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the dashboard and the JSON API; prints the address and serves until Ctrl-C."""
    import socket

    from mercato.errors import MercatoError

    try:
        import uvicorn

        from mercato.interfaces.api import create_app

        conf = settings(db)
        app = create_app(open_store(db), conf)
    except ImportError:
        fail("the web extra is not installed; run: pip install 'mercato[web]'")
    except MercatoError as exc:
        fail(exc)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it a keep-alive client waits ~40 ms per response (Nagle's
    # algorithm holding the body until the client's delayed ACK of the headers)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Mercato dashboard on http://{shown}:{bound}/ (API at /api, schema at /openapi.json);"
                  " Ctrl-C stops it", highlight=False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
