"""Follow over HTTP: watchlists under ``/api/watchlists`` and Atom feeds under ``/feeds``.

Reading a watchlist is open like every other read; creating, deleting, following and unfollowing need the bearer
token, as ``POST /api/ingest`` does. Feeds answer conditional GETs: an ``ETag`` (a hash of the document) and a
``Last-Modified`` (the newest entry), 304 on a matching ``If-None-Match`` (or, without one, on an
``If-Modified-Since`` not older than the newest entry).
"""

from __future__ import annotations

import email.utils
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from pydantic import BaseModel, Field

from mercato.errors import FollowError
from mercato.interfaces.api import models as m
from mercato.interfaces.api.routes import StrictRoute, require_token, store_of

router = APIRouter(prefix="/api", route_class=StrictRoute)
feeds = APIRouter(route_class=StrictRoute)

ListName = Annotated[str, Path(max_length=64, description="Watchlist name: letters, digits, '-' and '_'.")]
Kind = Literal["club", "player"]
ATOM_TYPE = "application/atom+xml; charset=utf-8"


class WatchlistInfo(BaseModel):
    name: str
    created_at: str
    items: int


class WatchItem(BaseModel):
    kind: str
    key: str
    label: str
    added_at: str | None = None


class Watchlist(BaseModel):
    name: str
    created_at: str
    items: list[WatchItem]
    sagas: list[m.Saga]
    feed: str


class FollowRequest(BaseModel):
    """What to follow: a club or player name; ``kind`` when it is not in the stored sagas yet."""

    name: str = Field(min_length=1, max_length=255)
    kind: Kind | None = None


class Followed(BaseModel):
    watchlist: str
    kind: str
    key: str
    label: str
    added: bool


def _bad(exc: FollowError) -> HTTPException:
    return HTTPException(400, exc.reason)


def _name(name: str) -> str:
    from mercato.follow import check_list_name

    try:
        return check_list_name(name)
    except FollowError as exc:
        raise _bad(exc) from None


def watchlist_detail(store: Any, name: str) -> dict[str, Any]:
    """A watchlist with its items and the sagas it follows (404 when there is no such list)."""
    from mercato.follow.watchlists import watchlist_saga_ids

    wl = store.get_watchlist(name)
    if wl is None:
        raise HTTPException(404, f"no watchlist {name!r}")
    sagas = store.sagas_by_ids(watchlist_saga_ids(store, name)[:200])
    items = [{k: it[k] for k in ("kind", "key", "label", "added_at")} for it in store.watchlist_items(name)]
    return {"name": name, "created_at": wl["created_at"], "items": items, "sagas": sagas,
            "feed": f"/feeds/watchlist/{quote(name, safe='')}.atom"}


# -- watchlists ---------------------------------------------------------------------------------------------------
@router.get("/watchlists", response_model=list[WatchlistInfo], summary="Watchlists", tags=["follow"])
def list_watchlists(request: Request) -> Any:
    return store_of(request).list_watchlists()


@router.get("/watchlists/{name}", response_model=Watchlist, summary="One watchlist and the sagas it follows",
            tags=["follow"])
def get_watchlist(request: Request, name: ListName) -> Any:
    return watchlist_detail(store_of(request), _name(name))


@router.post("/watchlists/{name}", response_model=WatchlistInfo, status_code=201, summary="Create a watchlist",
             tags=["follow"], dependencies=[Depends(require_token)])
def create_watchlist(request: Request, name: ListName, response: Response) -> Any:
    store = store_of(request)
    if not store.create_watchlist(_name(name)):
        response.status_code = 200
    return next(w for w in store.list_watchlists() if w["name"] == name)


@router.delete("/watchlists/{name}", status_code=204, summary="Delete a watchlist and its items", tags=["follow"],
               dependencies=[Depends(require_token)])
def delete_watchlist(request: Request, name: ListName) -> Response:
    if not store_of(request).delete_watchlist(_name(name)):
        raise HTTPException(404, f"no watchlist {name!r}")
    return Response(status_code=204)


@router.post("/watchlists/{name}/items", response_model=Followed, status_code=201,
             summary="Follow a club or player in a watchlist (created when needed)", tags=["follow"],
             dependencies=[Depends(require_token)])
def follow_item(request: Request, name: ListName, body: FollowRequest, response: Response) -> Any:
    from mercato.follow import follow

    try:
        target, added = follow(store_of(request), body.name, kind=body.kind, list_name=_name(name))
    except FollowError as exc:
        raise _bad(exc) from None
    if not added:
        response.status_code = 200
    return {"watchlist": name, "kind": target.kind, "key": target.key, "label": target.label, "added": added}


@router.delete("/watchlists/{name}/items/{kind}/{key}", status_code=204, summary="Stop following a club or player",
               tags=["follow"], dependencies=[Depends(require_token)])
def unfollow_item(request: Request, name: ListName, kind: Kind,
                  key: Annotated[str, Path(max_length=255)]) -> Response:
    from mercato.follow import unfollow

    try:
        unfollow(store_of(request), key, kind=kind, list_name=_name(name))
    except FollowError as exc:
        raise HTTPException(404, exc.reason) from None
    return Response(status_code=204)


# -- Atom feeds ---------------------------------------------------------------------------------------------------
def _not_modified(request: Request, etag: str, updated: Any) -> bool:
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if not ims:
        return False
    try:
        since = email.utils.parsedate_to_datetime(ims)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return int(updated.timestamp()) <= int(since.timestamp())


def _feed(request: Request, kind: str, name: str) -> Response:
    from mercato.follow import atom

    base = str(request.base_url).rstrip("/")
    self_url = base + quote(request.url.path, safe="/:@!$&'()*+,;=-._~")
    try:
        feed = atom.feed_for(store_of(request), kind, name, base=base, self_url=self_url)
    except atom.NotFound as exc:
        raise HTTPException(404, exc.reason) from None
    headers = {"ETag": feed.etag, "Last-Modified": email.utils.format_datetime(feed.updated, usegmt=True),
               "Cache-Control": "no-cache"}
    if _not_modified(request, feed.etag, feed.updated):
        return Response(status_code=304, headers=headers)
    return Response(feed.xml, media_type=ATOM_TYPE, headers=headers)


FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "An Atom feed", "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
    304: {"description": "Not modified since the validators sent"},
}
Name = Annotated[str, Path(max_length=255)]


@feeds.get("/feeds/club/{name}.atom", response_class=Response, responses=FEED_RESPONSES,
           summary="Atom feed of a club's sagas", tags=["follow"])
def club_feed(request: Request, name: Name) -> Response:
    return _feed(request, "club", name)


@feeds.get("/feeds/player/{key}.atom", response_class=Response, responses=FEED_RESPONSES,
           summary="Atom feed of a player's sagas", tags=["follow"])
def player_feed(request: Request, key: Name) -> Response:
    return _feed(request, "player", key)


@feeds.get("/feeds/saga/{saga_id}.atom", response_class=Response, responses=FEED_RESPONSES,
           summary="Atom feed of one saga", tags=["follow"])
def saga_feed(request: Request, saga_id: Name) -> Response:
    return _feed(request, "saga", saga_id)


@feeds.get("/feeds/watchlist/{name}.atom", response_class=Response, responses=FEED_RESPONSES,
           summary="Atom feed of the sagas a watchlist follows", tags=["follow"])
def watchlist_feed(request: Request, name: ListName) -> Response:
    return _feed(request, "watchlist", name)
