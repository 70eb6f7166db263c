"""`mercato articles list|search|show`, `mercato stats`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from mercato.extract.text import title_from_text
from mercato.interfaces.cli._common import DbOption, JsonOption, console, fail, open_store, print_json

app = typer.Typer(help="List, search and show stored articles.", no_args_is_help=True)


def _table(arts, title: str) -> Table:
    t = Table(title=title)
    for col in ("key", "date", "outlet", "title"):
        t.add_column(col, overflow="fold")
    for a in arts:
        title = a.title or title_from_text(a.text) or ""
        t.add_row(a.key[:12], a.published or a.date_partial or "", a.outlet or "", title.replace("\n", " "))
    return t


def _brief(a) -> dict:
    return {"key": a.key, "id": a.external_id, "url": a.url, "outlet": a.outlet, "date": a.published,
            "title": a.title}


@app.command("list")
def list_(
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first."""
    arts = open_store(db).list_articles(outlet=outlet, limit=limit, offset=offset)
    if as_json:
        print_json([_brief(a) for a in arts])
    else:
        console.print(_table(arts, "articles"))


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Words to find in titles and texts (taken literally).")],
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find articles whose title or text contains QUERY."""
    arts = open_store(db).list_articles(q=query, limit=limit)
    if as_json:
        print_json([_brief(a) for a in arts])
    else:
        console.print(_table(arts, f"articles matching {query!r}"))


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="Article key (or a unique prefix), its source id, or its URL.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one article: its text, revisions, and what was understood, with the evidence for each claim."""
    store = open_store(db)
    a = store.get_article(ref)
    if a is None:
        fail(f"no article {ref!r} (give a key, a unique key prefix, a source id or a URL)")
    u = store.get_understanding(a.key)
    revs = store.revisions(a.key)
    if as_json:
        d = a.to_dict()
        d["revisions"] = [{k: r[k] for k in ("revision", "content_hash", "seen_at")} for r in revs]
        d["understanding"] = u.to_dict() if u else None
        print_json(d)
        return
    console.print(f"[bold]{a.title or title_from_text(a.text) or '(no title)'}[/bold]", highlight=False)
    console.print(f"key {a.key} · id {a.external_id or '-'} · {a.outlet or '-'} · {a.published or a.date_partial or 'no date'}"
                  f" · revision {len(revs)}", highlight=False)
    if a.url:
        console.print(a.url, highlight=False)
    console.print()
    console.print(a.text, highlight=False, markup=False)
    if u is None:
        console.print("\n(not understood yet: run `mercato understand`)")
        return
    console.print(f"\n[bold]language[/bold] {u.lang} · [bold]transfer news[/bold] {'yes' if u.is_transfer else 'no'}"
                  f" ({u.transfer_score:.2f}) · pipeline {u.pipeline_version}", highlight=False)
    if u.claims:
        t = Table(title="claims")
        for col in ("player", "from", "to", "stage", "fee", "evidence", "read by"):
            t.add_column(col, overflow="fold")
        for c in u.claims:
            fee = c.fee.raw if c.fee else ""
            t.add_row(c.player, c.from_club or "", c.to_club or "", c.stage.value + (" (hedged)" if c.hedged else ""),
                      fee, c.evidence, c.reader)
        console.print(t)
        why = [(c, r) for c in u.claims for r in c.reasons]
        if why:  # the strongest features of each learned decision
            console.print("[bold]why[/bold] (read by " + ("learned models" if any(c.confidence is not None
                                                                                 for c in u.claims) else "rules") + ")")
            for c, r in why:
                console.print(f"  {c.player} → {c.to_club or '?'}: {r}", highlight=False, markup=False)
    if u.citations:
        console.print("[bold]cites[/bold] " + ", ".join(f"{c.name} ({c.kind})" for c in u.citations), highlight=False)


def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts of what is stored: articles, revisions, claims, sagas, feeds."""
    s = open_store(db).stats()
    if as_json:
        print_json(s)
        return
    t = Table(title="mercato store")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k, v in s.items():
        if not isinstance(v, dict):
            t.add_row(k, str(v))
    console.print(t)
    if s.get("languages"):
        console.print("languages: " + ", ".join(f"{k} {v}" for k, v in s["languages"].items()), highlight=False)
