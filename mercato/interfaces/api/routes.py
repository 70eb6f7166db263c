"""The JSON API under ``/api``: articles, sagas, outlets, clubs, players, sources, search and ingest.

Reads take filters and a keyset cursor; sort columns come from a whitelist; a query parameter the operation
does not declare is refused with 400. The only write, ``POST /api/ingest``, needs the bearer token.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mercato.interfaces.api import models as m

log = logging.getLogger(__name__)

DATE = r"^\d{4}-\d{2}-\d{2}$"
LANG = r"^[a-z]{2,3}$"


def _query_names(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class StrictRoute(APIRoute):
    """A route that refuses query parameters it does not declare (400), so a typo never silently widens a list."""

    drop_empty = False  # the dashboard's forms send empty fields for "no filter"

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()
        allowed = _query_names(self.dependant)

        async def strict(request: Request) -> Any:
            unknown = sorted(set(request.query_params.keys()) - allowed)
            if unknown:
                names = ", ".join(sorted(allowed)) or "none"
                raise HTTPException(400, f"unknown query parameter {', '.join(unknown)}; allowed: {names}")
            pairs = request.query_params.multi_items()
            if self.drop_empty and any(v == "" for _, v in pairs):  # an empty form field means "no filter"
                request.scope["query_string"] = urlencode([(k, v) for k, v in pairs if v != ""]).encode()
                if hasattr(request, "_query_params"):  # Starlette caches the parsed query
                    del request._query_params
            return await handler(request)

        return strict


class FormRoute(StrictRoute):
    """A dashboard route: empty query values (blank form fields) are dropped before validation."""

    drop_empty = True


router = APIRouter(prefix="/api", route_class=StrictRoute)
bearer = HTTPBearer(auto_error=False, description="The API token (MERCATO_API_TOKEN).")


def store_of(request: Request) -> Any:
    return request.app.state.store


Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2000, description="The 'next' value of the previous page.")]


class SagaFilters:
    """The saga filters, shared by the API list, the search and the dashboard board."""

    def __init__(
        self,
        club: Annotated[str | None, Query(max_length=255, description="Buying or selling club.")] = None,
        player: Annotated[str | None, Query(max_length=255, description="Player name (accents optional).")] = None,
        status: Annotated[str | None, Query(max_length=255, description="Status, or several comma-separated.")] = None,
        lang: Annotated[str | None, Query(pattern=LANG, description="A language reported in (ISO 639).")] = None,
        since: Annotated[str | None, Query(pattern=DATE, description="Last report on or after (YYYY-MM-DD).")] = None,
        until: Annotated[str | None, Query(pattern=DATE, description="First report on or before.")] = None,
        q: Annotated[str | None, Query(max_length=255, description="Words in the player or club names.")] = None,
        resolved: Annotated[bool | None, Query(description="Only resolved (true) or live (false) sagas.")] = None,
        outlet: Annotated[str | None, Query(max_length=255, description="Reported by this outlet.")] = None,
        league: Annotated[str | None, Query(max_length=64, description="A league: code of clubs.tsv (ENG1) or "
                                            "name (Premier League); a club of the saga plays in it.")] = None,
        live: Annotated[bool | None, Query(description="Only live sagas (not resolved yet).")] = None,
    ) -> None:
        self.values = {"club": club, "player": player, "league": league, "status": status, "lang": lang,
                       "since": since, "until": until, "q": q, "resolved": resolved, "outlet": outlet, "live": live}

    def active(self) -> dict[str, Any]:
        """The filters for the store (``live`` is ``resolved=false``)."""
        out = {k: v for k, v in self.values.items() if v not in (None, "") and k != "live"}
        if self.values["live"]:
            out["resolved"] = False
        return out

    def found(self, store: Any) -> dict[str, Any]:
        """What the finders made of the club, player and league given (matches, also, suggestions)."""
        v = self.values
        return {k: f.to_dict() for k, f in store.find_all(club=v["club"], player=v["player"],
                                                          league=v["league"]).items()}


def require_token(request: Request,
                  cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None) -> None:
    """Writes need ``Authorization: Bearer <MERCATO_API_TOKEN>``, compared in constant time."""
    expected = request.app.state.settings.api_token
    given = cred.credentials if cred is not None and cred.scheme.lower() == "bearer" else ""
    if not expected:
        raise HTTPException(401, "writes are disabled: no API token is set (MERCATO_API_TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


def saga_detail(store: Any, saga_id: str, as_of: str | None = None) -> dict[str, Any]:
    """A saga with its data flattened for the API and the dashboard (404 when unknown).

    With ``as_of`` the status, likelihood, timeline and contradictions are those known on that date, replayed by
    :func:`mercato.stories.as_of` (400 when the stories stage cannot replay).
    """
    saga = store.board_get_saga(saga_id)
    if saga is None:
        raise HTTPException(404, f"no saga {saga_id!r}")
    data = saga.pop("data", None) or {}
    saga["as_of"] = as_of
    saga["timeline"] = list(data.get("timeline") or [])
    saga["provenance"] = dict(data.get("provenance") or {"nodes": [], "edges": []})
    saga["contradictions"] = list(data.get("contradictions") or [])
    saga["explanation"] = list(data.get("explanation") or [])
    saga["likelihood_history"] = list(data.get("likelihood_history") or [])
    saga["status_evidence"] = data.get("status_evidence") or None
    saga["superseded_by"] = data.get("superseded_by") if saga["status"] == "superseded" else None
    if as_of:
        from mercato import stories

        replay = getattr(stories, "as_of", None)
        if replay is None:
            raise HTTPException(400, "as-of not available: the stories stage cannot replay a saga")
        try:
            past = replay(store, saga_id, as_of)
        except KeyError:
            raise HTTPException(404, f"no saga {saga_id!r}") from None
        if not isinstance(past, dict) or not past.get("status"):
            raise HTTPException(404, f"saga {saga_id!r} had no reports on or before {as_of}")
        for key in ("status", "resolved", "outcome", "likelihood", "n_articles"):
            if key in past:
                saga[key] = past[key]
        for key in ("timeline", "contradictions", "explanation"):
            if isinstance(past.get(key), list):
                saga[key] = past[key]
        if isinstance(past.get("status_evidence"), dict):
            saga["status_evidence"] = past["status_evidence"]
        saga["resolved"] = bool(saga["resolved"])
        hist = [h for h in saga["likelihood_history"] if (h.get("date") or "") <= as_of]
        if saga["likelihood"] is not None and (not hist or hist[-1].get("likelihood") != saga["likelihood"]):
            hist.append({"date": as_of, "likelihood": saga["likelihood"]})  # the chart ends on the figure shown
        saga["likelihood_history"] = hist
        saga["superseded_by"] = None
    return saga


@router.get("/sagas", response_model=m.SagaPage, summary="List sagas", tags=["sagas"])
def list_sagas(
    request: Request,
    filters: Annotated[SagaFilters, Depends()],
    sort: Annotated[m.SagaSort, Query(description="Sort column.")] = "last_date",
    order: Annotated[m.Order, Query()] = "desc",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Any:
    store = store_of(request)
    items, nxt = store.board_list_sagas(sort=sort, order=order, limit=limit, cursor=cursor, **filters.active())
    return {"items": items, "next": nxt, "found": filters.found(store)}


def short_id_redirect(request: Request, saga_id: str, prefix: str, suffix: str = "") -> Any:
    """A redirect to the saga's full id when ``saga_id`` is a short one (the board's short id or a unique prefix);
    None when it is a full id. An unknown or ambiguous reference is a 404 or 400 naming it."""
    from fastapi.responses import RedirectResponse

    from mercato.store.saga_refs import SagaRefError

    store = store_of(request)
    if store.board_get_saga(saga_id) is not None:
        return None
    try:
        full = store.resolve_saga_id(saga_id)
    except SagaRefError as exc:
        raise HTTPException(exc.status, exc.reason) from None
    query = request.url.query
    url = prefix + quote(full, safe="") + suffix + ("?" + query if query else "")
    return RedirectResponse(url, status_code=307)


@router.get("/sagas/{saga_id}", response_model=m.SagaDetail, summary="One saga", tags=["sagas"],
            responses={307: {"description": "A short id or unique prefix: redirect to the saga's full id"}})
def get_saga(
    request: Request,
    saga_id: Annotated[str, Path(max_length=255, description="The saga id, its short id or a unique prefix.")],
    as_of: Annotated[str | None, Query(pattern=DATE, description="The saga as it stood on this date.")] = None,
) -> Any:
    return short_id_redirect(request, saga_id, "/api/sagas/") or saga_detail(store_of(request), saga_id, as_of)


@router.get("/articles", response_model=m.ArticlePage, summary="List articles", tags=["articles"])
def list_articles(
    request: Request,
    q: Annotated[str | None, Query(max_length=255, description="Words in the title or text (literal).")] = None,
    outlet: Annotated[str | None, Query(max_length=255)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Any:
    items, nxt = store_of(request).board_list_article_page(q=q, outlet=outlet, limit=limit, cursor=cursor)
    return {"items": items, "next": nxt}


@router.get("/articles/{key}", response_model=m.ArticleDetail, summary="One article", tags=["articles"])
def get_article(request: Request, key: Annotated[str, Path(max_length=255)]) -> Any:
    store = store_of(request)
    a = store.get_article(key)
    if a is None:
        raise HTTPException(404, f"no article {key!r}")
    u = store.get_understanding(a.key)
    return {"key": a.key, "url": a.url, "outlet": a.outlet, "title": a.title, "date": a.published,
            "external_id": a.external_id, "text": a.text, "author": a.author, "date_partial": a.date_partial,
            "understanding": u.to_dict() if u else None}


@router.get("/outlets", response_model=m.OutletPage, summary="Reliability of outlets and journalists",
            tags=["outlets"])
def list_outlets(
    request: Request,
    kind: Annotated[str | None, Query(max_length=16, description="outlet, journalist, agency, club…")] = None,
    q: Annotated[str | None, Query(max_length=255)] = None,
    sort: Annotated[m.OutletSort, Query()] = "reliability",
    order: Annotated[m.Order, Query()] = "desc",
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Any:
    items, nxt = store_of(request).board_list_outlets(kind=kind, q=q, sort=sort, order=order, limit=limit, cursor=cursor)
    return {"items": items, "next": nxt}


@router.get("/outlets/{name}", response_model=m.OutletDetail, summary="One outlet or journalist", tags=["outlets"])
def get_outlet(request: Request, name: Annotated[str, Path(max_length=255)]) -> Any:
    out = store_of(request).board_get_outlet(name)
    if out is None:
        raise HTTPException(404, f"no outlet or journalist {name!r}")
    return out


@router.get("/clubs", response_model=list[m.Club], summary="Clubs in sagas", tags=["clubs"])
def list_clubs(request: Request, q: Annotated[str | None, Query(max_length=255)] = None,
               limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> Any:
    return store_of(request).board_list_clubs(q=q, limit=limit)


@router.get("/clubs/{name}", response_model=m.ClubDetail, summary="One club's sagas", tags=["clubs"])
def get_club(request: Request, name: Annotated[str, Path(max_length=255)]) -> Any:
    out = store_of(request).board_get_club(name)
    if out is None:
        raise HTTPException(404, f"no saga involves the club {name!r}")
    return out


@router.get("/players", response_model=list[m.Player], summary="Players in sagas", tags=["players"])
def list_players(request: Request, q: Annotated[str | None, Query(max_length=255)] = None,
                 limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> Any:
    return store_of(request).board_list_players(q=q, limit=limit)


@router.get("/players/{key}", response_model=m.PlayerDetail, summary="One player's sagas", tags=["players"])
def get_player(request: Request, key: Annotated[str, Path(max_length=255)]) -> Any:
    out = store_of(request).board_get_player(key)
    if out is None:
        raise HTTPException(404, f"no player {key!r}")
    return out


@router.get("/sources", response_model=list[m.Feed], summary="Feeds followed and their health", tags=["sources"])
def list_sources(request: Request) -> Any:
    return store_of(request).board_list_feeds()


@router.get("/search", response_model=m.SearchResult, summary="Search sagas, players and clubs", tags=["sagas"])
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=255)],
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Any:
    """Players and clubs ``q`` names through the forgiving finders (alias, surname, any case and accent), their
    sagas, then literal matches in names; ``suggestions`` holds close names when nothing matched."""
    store = store_of(request)
    club, player = store.find_club(q), store.find_player(q)
    by_id: dict[str, Any] = {}
    for found in (player, club):  # the sagas of what the finders found, then the literal matches
        if found.matches:
            by_id.update((s["id"], s) for s in store.board_list_sagas(limit=limit, **{found.kind: q})[0])
    by_id.update((s["id"], s) for s in store.board_list_sagas(q=q, limit=limit)[0] if s["id"] not in by_id)
    sagas = list(by_id.values())
    keys = set(player.matches)
    players = [p for p in store.board_list_players(limit=2000) if p["player_key"] in keys] if keys else []
    players += [p for p in store.board_list_players(q=q, limit=limit) if p["player_key"] not in keys]
    names = set(club.matches)
    clubs = [c for c in store.board_list_clubs(limit=2000) if c["club"] in names] if names else []
    clubs += [c for c in store.board_list_clubs(q=q, limit=limit) if c["club"] not in names]
    suggestions = list(dict.fromkeys([*club.also, *club.suggestions, *player.suggestions]))
    return {"q": q, "sagas": sagas[:limit], "players": players[:limit], "clubs": clubs[:limit],
            "found": {"club": club.to_dict(), "player": player.to_dict()}, "suggestions": suggestions}


@router.post("/ingest", response_model=m.IngestResult, summary="Ingest an article, a page URL or a feed",
             tags=["ingest"], dependencies=[Depends(require_token)])
def ingest(request: Request, body: m.IngestRequest) -> Any:
    from mercato.stats import RunStats

    store = store_of(request)
    settings = request.app.state.settings
    stats = RunStats()
    if body.article is not None:
        from mercato.models import RawArticle
        from mercato.pipeline import ingest as run

        a = body.article
        raw = RawArticle(origin="api", url=a.url, text=a.text, html=a.html, title=a.title, author=a.author,
                         date=a.date, outlet=a.outlet, external_id=a.external_id)
        with stats.active():
            run(store, [raw], stats=stats)
    else:
        try:
            from mercato.feeding import ingest_web
        except ImportError:
            raise HTTPException(501, "fetching URLs and feeds is not available in this build") from None
        urls = [body.url] if body.url else []
        feeds = [body.feed] if body.feed else []
        ingest_web(store, urls=urls, feeds=feeds, allow_private=settings.allow_private, stats=stats,
                   understand=True)
    log.info("api ingest: %s", stats.to_dict()["counts"])
    return stats.to_dict()
