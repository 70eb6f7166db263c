"""Dashboard pages for following: the watchlists (with ``.json`` twins) and the follow / unfollow form.

The follow button on club and player pages posts a form to ``/follow`` with the API token (the same token the
API's writes need, compared in constant time); the browser remembers it in ``localStorage`` (``follow.js``) so
it is typed once. Without the right token nothing changes: 401.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from mercato.errors import FollowError
from mercato.interfaces.api.follow import watchlist_detail
from mercato.interfaces.api.routes import FormRoute
from mercato.interfaces.web.pages import render, split

router = APIRouter(route_class=FormRoute, include_in_schema=False)


def follow_box(store: Any, kind: str, key: str, label: str) -> dict[str, Any]:
    """What the follow button of a club or player page shows: which lists follow it, the lists, its feed."""
    from mercato.store.understanding import player_key

    key = player_key(key) if kind == "player" else key
    return {"kind": kind, "key": key, "label": label, "lists": store.lists_following(kind, key),
            "all_lists": [w["name"] for w in store.list_watchlists()],
            "feed": f"/feeds/{kind}/{quote(key, safe='')}.atom"}


def _index(request: Request, as_json: bool) -> Any:
    lists = request.app.state.store.list_watchlists()
    return render(request, "watchlist.html", {"title": "Watchlists", "watchlists": lists, "watchlist": None},
                  as_json)


@router.get("/watchlists")
def watchlists(request: Request) -> Any:
    return _index(request, False)


@router.get("/watchlists.json")
def watchlists_json(request: Request) -> Any:
    return _index(request, True)


@router.get("/watchlists/{ref:path}")
def watchlist_page(request: Request, ref: str) -> Any:
    name, as_json = split(ref)
    store = request.app.state.store
    detail = watchlist_detail(store, name)
    return render(request, "watchlist.html", {"title": f"Watchlist: {name}", "watchlists": store.list_watchlists(),
                                              "watchlist": detail}, as_json)


def _local(path: str) -> str:
    """A path on this site to go back to (never another host)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/watchlists"


@router.post("/follow")
async def follow_form(request: Request) -> Any:
    """Follow or unfollow from a dashboard form (fields: action, name, kind, list, token, next)."""
    from mercato.follow import DEFAULT_LIST, follow, unfollow

    form = await request.form()
    field = {k: str(form.get(k) or "").strip() for k in ("action", "name", "kind", "list", "token", "next")}
    expected = request.app.state.settings.api_token
    if not expected:
        raise HTTPException(401, "writes are disabled: no API token is set (MERCATO_API_TOKEN)")
    if not field["token"] or not hmac.compare_digest(field["token"].encode(), expected.encode()):
        raise HTTPException(401, "missing or wrong API token")
    if field["action"] not in ("follow", "unfollow"):
        raise HTTPException(400, f"unknown action {field['action']!r}; allowed: follow, unfollow")
    kind = field["kind"] or None
    list_name = field["list"] or DEFAULT_LIST
    try:
        if field["action"] == "follow":
            follow(request.app.state.store, field["name"], kind=kind, list_name=list_name)
        else:
            unfollow(request.app.state.store, field["name"], kind=kind, list_name=list_name)
    except FollowError as exc:
        raise HTTPException(400, exc.reason) from None
    return RedirectResponse(_local(field["next"] or f"/watchlists/{quote(list_name, safe='')}"), status_code=303)
