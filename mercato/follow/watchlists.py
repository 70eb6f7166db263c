"""Watchlists: named lists of followed clubs and players, and which sagas they follow.

A club is followed by its name as the sagas store it, a player by the folded key of the name, so "Guéhi" and
"Guehi" are the same player. A name is looked up in the store (the clubs and players of its sagas); something not
reported yet can be followed by saying what it is (``kind``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mercato.errors import FollowError
from mercato.models import Target
from mercato.store.understanding import player_key

DEFAULT_LIST = "default"
KINDS = ("club", "player")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def check_list_name(name: str) -> str:
    """The watchlist name, or FollowError naming it and what a name may hold."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise FollowError(f"invalid watchlist name {name!r}: use 1 to 64 letters, digits, '-' or '_', "
                          "starting with a letter or digit")
    return name


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise FollowError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")


def _clean(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text or len(text) > 255 or "\x00" in text:
        raise FollowError(f"invalid club or player name {name!r}: give 1 to 255 characters")
    return text


def _only(store: Any, found: Any) -> str | None:
    """The one thing a finder matched (a club name or player key); FollowError when it matched several."""
    if len(found.matches) == 1:
        return found.matches[0]
    if len(found.matches) > 1:
        raise FollowError(f"{found.query!r} names {len(found.matches)} {found.kind}s: {', '.join(found.names[:8])}; "
                          "give the full name")
    return None


def resolve(store: Any, name: str, kind: str | None = None) -> Target:
    """What ``name`` is, through the forgiving finders (alias, surname, any case and accent): a club of the
    stored sagas or the gazetteer, else a player of them; with ``kind`` it may be unknown yet."""
    _check_kind(kind)
    name = _clean(name)
    suggestions: list[str] = []
    if kind in (None, "club"):
        found = store.find_club(name)
        club = _only(store, found) if found.how != "words" or kind == "club" or len(found.matches) == 1 else None
        if club is not None:
            return Target(kind="club", key=club, label=club)
        suggestions.extend(found.suggestions)
        if kind == "club":
            return Target(kind="club", key=name, label=name)
    found = store.find_player(name)
    pkey = _only(store, found)
    if pkey is not None:
        return Target(kind="player", key=pkey, label=found.names[0])
    suggestions.extend(found.suggestions)
    if kind == "player":
        return Target(kind="player", key=player_key(name), label=name)
    hint = f"; did you mean {', '.join(dict.fromkeys(suggestions))}?" if suggestions else ""
    raise FollowError(f"no club or player named {name!r} in the stored sagas{hint} say which it is (--club or "
                      "--player) to follow it before it is reported")


def follow(store: Any, name: str, *, kind: str | None = None, list_name: str = DEFAULT_LIST) -> tuple[Target, bool]:
    """Add ``name`` to the watchlist (created when needed); returns the target and whether it is new there."""
    check_list_name(list_name)
    target = resolve(store, name, kind)
    return target, store.add_watch_item(list_name, target.kind, target.key, target.label)


def unfollow(store: Any, name: str, *, kind: str | None = None, list_name: str = DEFAULT_LIST) -> Target:
    """Remove ``name`` from the watchlist; FollowError when the list does not follow it."""
    check_list_name(list_name)
    _check_kind(kind)
    text = _clean(name)
    wanted = {text.casefold(), player_key(text)}
    for item in store.watchlist_items(list_name):
        if kind not in (None, item["kind"]):
            continue
        if item["key"].casefold() in wanted or item["label"].casefold() == text.casefold():
            store.remove_watch_item(list_name, item["kind"], item["key"])
            return Target(kind=item["kind"], key=item["key"], label=item["label"])
    raise FollowError(f"the watchlist {list_name!r} does not follow {text!r}")


def followers(items: Iterable[dict[str, Any]], heads: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """saga id → the watchlist items that follow it (a club buying or selling, or the player)."""
    clubs: dict[str, list[dict[str, Any]]] = {}
    players: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        (clubs if it["kind"] == "club" else players).setdefault(it["key"], []).append(it)
    out: dict[str, list[dict[str, Any]]] = {}
    for sid, h in heads.items():
        found = list(players.get(h.get("player_key") or "", []))
        for club in {h.get("from_club"), h.get("to_club")} - {None}:
            found.extend(clubs.get(club, []))
        if found:
            out[sid] = sorted(found, key=lambda i: (i["list_name"], i["kind"], i["key"]))
    return out


def watchlist_saga_ids(store: Any, list_name: str) -> list[str]:
    """The sagas a watchlist follows, most recently reported first."""
    return store.saga_ids_for([(i["kind"], i["key"]) for i in store.watchlist_items(list_name)])
