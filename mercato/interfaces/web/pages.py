"""Dashboard pages, server-rendered (Jinja2, autoescape on). Every page has a JSON twin at its path + ``.json``
that carries the same context; the HTML links to it in a ``Link`` header and visibly.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse

from mercato.interfaces.api import models as m
from mercato.interfaces.api.routes import DATE, FormRoute, SagaFilters, saga_detail, short_id_redirect
from mercato.interfaces.web import charts

HERE = Path(__file__).parent
STATIC = {"style.css": "text/css", "charts.js": "text/javascript", "follow.js": "text/javascript"}
router = APIRouter(route_class=FormRoute, include_in_schema=False)


def web_url(url: Any) -> str:
    """``url`` when it is an http(s) address, else "" (so ``javascript:`` and ``data:`` never become links)."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else ""


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["u"] = lambda s: quote(str(s or ""), safe="")
    env.filters["pct"] = lambda x: "" if x is None else f"{float(x):.0%}"
    env.filters["http"] = web_url
    return env


_ENV: Any = None


def env() -> Any:
    global _ENV
    if _ENV is None:
        _ENV = _templates()
    return _ENV


def csp(nonce: str) -> str:
    return ("default-src 'self'; "
            f"script-src 'nonce-{nonce}' 'strict-dynamic'; "
            f"style-src 'self' 'nonce-{nonce}' 'report-sample'; "
            "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


#: characters left as they are when percent-encoding a path or a query (RFC 3986 pchar, plus "/" and "?")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?%"


def twin_url(request: Request) -> str:
    """The JSON twin of the page, percent-encoded (RFC 3986) so it fits an HTTP header whatever the path holds:
    an outlet such as "Anadolu Ajansı" or a Greek host name reaches here decoded."""
    path = request.url.path
    url = quote(("/" if path == "/" else path.rstrip("/")) + ".json", safe=_PATH_SAFE)
    query = request.url.query
    return url + (("?" + quote(query, safe=_QUERY_SAFE)) if query else "")


def render(request: Request, template: str, ctx: dict[str, Any], as_json: bool, status: int = 200,
           headers: dict[str, str] | None = None) -> Any:
    """The page, or its JSON twin with the same context."""
    if as_json:
        return JSONResponse(ctx, status_code=status, headers=headers)
    nonce = secrets.token_urlsafe(18)
    twin = twin_url(request)
    html = env().get_template(template).render(**ctx, ctx=ctx, nonce=nonce, twin=twin, request_path=request.url.path)
    hdrs = {"Content-Security-Policy": csp(nonce), "Link": f'<{twin}>; rel="alternate"; type="application/json"',
            "Cache-Control": "no-store", **(headers or {})}
    return HTMLResponse(html, status_code=status, headers=hdrs)


def render_problem(request: Request, body: dict[str, Any], headers: dict[str, str] | None) -> Any:
    """Errors on dashboard pages: the problem as an HTML page for browsers (same body as the JSON)."""
    path = request.url.path
    if path.startswith("/api") or path.endswith(".json") or path.startswith("/static"):
        return None
    if "text/html" not in request.headers.get("accept", ""):
        return None
    ctx = {"title": f"{body['status']} {body['title']}", "problem": body}
    return render(request, "error.html", ctx, False, status=body["status"], headers=headers)


def split(ref: str) -> tuple[str, bool]:
    return (ref[:-5], True) if ref.endswith(".json") else (ref, False)


def charts_of(**figs: Any) -> dict[str, Any]:
    return {k: v for k, v in figs.items() if v is not None}


# -- static files -------------------------------------------------------------------------------------------------
@router.get("/static/{name}")
def static(name: str) -> Any:
    if name == "plotly.min.js":
        import plotly

        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})
    if name not in STATIC:
        raise HTTPException(404, f"no static file {name!r}")
    return FileResponse(HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})


# -- the board ----------------------------------------------------------------------------------------------------
def board_context(request: Request, filters: SagaFilters, sort: str, order: str, limit: int,
                  cursor: str | None) -> dict[str, Any]:
    store = request.app.state.store
    active = filters.active()
    sagas, nxt = store.board_list_sagas(sort=sort, order=order, limit=limit, cursor=cursor, **active)
    return {"title": "Rumour board", "sagas": sagas, "next": nxt, "total": store.board_count_sagas(**active),
            "filters": {k: v for k, v in filters.values.items()}, "sort": sort, "order": order, "limit": limit,
            "sorts": list(m.SagaSort.__args__), "statuses": charts.STAGES, "found": filters.found(store),
            "leagues": store.board_leagues()}


def _board(request: Request, filters: SagaFilters, sort: str, order: str, limit: int, cursor: str | None,
           as_json: bool) -> Any:
    return render(request, "board.html", board_context(request, filters, sort, order, limit, cursor), as_json)


Sort = Annotated[m.SagaSort, Query()]
Order = Annotated[m.Order, Query()]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.get("/")
def board(request: Request, filters: Annotated[SagaFilters, Depends()], sort: Sort = "last_date",
          order: Order = "desc", limit: Limit = 100, cursor: Cursor = None) -> Any:
    return _board(request, filters, sort, order, limit, cursor, False)


@router.get("/.json")
def board_json(request: Request, filters: Annotated[SagaFilters, Depends()], sort: Sort = "last_date",
               order: Order = "desc", limit: Limit = 100, cursor: Cursor = None) -> Any:
    return _board(request, filters, sort, order, limit, cursor, True)


# -- one saga -----------------------------------------------------------------------------------------------------
@router.get("/sagas/{ref:path}")
def saga_page(request: Request, ref: str,
              as_of: Annotated[str | None, Query(pattern=DATE)] = None) -> Any:
    saga_id, as_json = split(ref)
    moved = short_id_redirect(request, saga_id, "/sagas/", ".json" if as_json else "")
    if moved is not None:
        return moved
    saga = saga_detail(request.app.state.store, saga_id, as_of)
    ctx = {"title": f"{saga['player']}: {saga['from_club'] or '?'} → {saga['to_club'] or '?'}", "saga": saga,
           "charts": charts_of(stages=charts.stages_by_outlet(saga["timeline"]),
                               likelihood=charts.likelihood_over_time(saga["likelihood_history"], saga["likelihood"]),
                               provenance=charts.provenance_graph(saga["provenance"], saga["timeline"]))}
    return render(request, "saga.html", ctx, as_json)


# -- outlets ------------------------------------------------------------------------------------------------------
def _outlets(request: Request, sort: str, order: str, as_json: bool) -> Any:
    items, nxt = request.app.state.store.board_list_outlets(sort=sort, order=order, limit=500)
    return render(request, "outlets.html", {"title": "Outlets and journalists", "outlets": items, "next": nxt,
                                            "sort": sort, "order": order}, as_json)


@router.get("/outlets")
def outlets(request: Request, sort: Annotated[m.OutletSort, Query()] = "reliability", order: Order = "desc") -> Any:
    return _outlets(request, sort, order, False)


@router.get("/outlets.json")
def outlets_json(request: Request, sort: Annotated[m.OutletSort, Query()] = "reliability",
                 order: Order = "desc") -> Any:
    return _outlets(request, sort, order, True)


@router.get("/outlets/{ref:path}")
def outlet_page(request: Request, ref: str) -> Any:
    name, as_json = split(ref)
    store = request.app.state.store
    key = store.source_ref(name)["source"]
    if key and key != name and store.source_ref(key)["source"] == key and store.board_get_outlet(key) is not None:
        # one URL per source: every other spelling redirects to it
        url = "/outlets/" + quote(key, safe="") + (".json" if as_json else "")
        return RedirectResponse(url + (f"?{request.url.query}" if request.url.query else ""), status_code=308)
    out = store.board_get_outlet(name)
    if out is None:
        raise HTTPException(404, f"no outlet or journalist {name!r}")
    return render(request, "outlet.html", {"title": out["name"] or name, "outlet": out,
                                           "charts": charts_of(history=charts.reliability_history(out["history"]))},
                  as_json)


# -- clubs and players --------------------------------------------------------------------------------------------
@router.get("/clubs")
def clubs(request: Request) -> Any:
    return render(request, "clubs.html", {"title": "Clubs", "clubs": request.app.state.store.board_list_clubs()}, False)


@router.get("/clubs.json")
def clubs_json(request: Request) -> Any:
    return render(request, "clubs.html", {"title": "Clubs", "clubs": request.app.state.store.board_list_clubs()}, True)


@router.get("/clubs/{ref:path}")
def club_page(request: Request, ref: str) -> Any:
    name, as_json = split(ref)
    out = request.app.state.store.board_get_club(name)
    if out is None:
        raise HTTPException(404, f"no saga involves the club {name!r}")
    from mercato.interfaces.web.follow import follow_box

    return render(request, "club.html", {"title": name, "club": out,
                                         "follow": follow_box(request.app.state.store, "club", name, name)}, as_json)


@router.get("/players")
def players(request: Request) -> Any:
    return render(request, "players.html", {"title": "Players", "players": request.app.state.store.board_list_players()},
                  False)


@router.get("/players.json")
def players_json(request: Request) -> Any:
    return render(request, "players.html", {"title": "Players", "players": request.app.state.store.board_list_players()},
                  True)


@router.get("/players/{ref:path}")
def player_page(request: Request, ref: str) -> Any:
    key, as_json = split(ref)
    out = request.app.state.store.board_get_player(key)
    if out is None:
        raise HTTPException(404, f"no player {key!r}")
    from mercato.interfaces.web.follow import follow_box

    box = follow_box(request.app.state.store, "player", out["player_key"], out["player"])
    return render(request, "player.html", {"title": out["player"], "player": out, "follow": box}, as_json)


# -- sources and calibration --------------------------------------------------------------------------------------
@router.get("/sources")
def sources(request: Request) -> Any:
    return render(request, "sources.html", {"title": "Sources", "feeds": request.app.state.store.board_list_feeds()},
                  False)


@router.get("/sources.json")
def sources_json(request: Request) -> Any:
    return render(request, "sources.html", {"title": "Sources", "feeds": request.app.state.store.board_list_feeds()},
                  True)


def _calibration(request: Request, as_json: bool) -> Any:
    cal = request.app.state.store.board_calibration()
    return render(request, "calibration.html", {"title": "Calibration", "calibration": cal,
                                                "charts": charts_of(diagram=charts.reliability_diagram(cal))},
                  as_json)


@router.get("/calibration")
def calibration(request: Request) -> Any:
    return _calibration(request, False)


@router.get("/calibration.json")
def calibration_json(request: Request) -> Any:
    return _calibration(request, True)
