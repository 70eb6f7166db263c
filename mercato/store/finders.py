"""Forgiving finders: a club, a player or a league as a reader types it, resolved to what the sagas store.

Case and accents never matter ("guehi" is Guéhi, "ac milan" is AC Milan). In order, a club is found by

1. an alias of the club gazetteer (``data/clubs.tsv`` + ``data/club_aliases/``: "PSG", "Man Utd", "Barça"),
2. the name as a saga stores it,
3. the words of the names of the clubs in the store (then of the gazetteer): "Manchester" is both Manchester clubs;

and a player by his key in the store, then the aliases of the store's player registry and the knowledge base
(``data/players.tsv``: full names, mononyms, a surname only one player of note has), then the words of the names
("Gomez" is Joe Gomez; several players sharing a surname are all taken). Nothing found: the closest names
(rapidfuzz) come back as suggestions, and the filter matches no saga (never every saga).

A name several clubs share: a gazetteer alias given to one club picks that club, as the press uses it ("Milan" is
AC Milan; Inter is "Inter"), and the stored clubs whose names also contain the words are returned in ``also``
("Inter Milan"), for the interfaces to offer; an alias the gazetteer marks as ambiguous ("Inter": Inter Milan and
Inter Miami) and plain words of several names pick every club they name.

A league is a code of ``clubs.tsv`` ("ENG1") or a name of ``data/leagues.tsv`` ("Premier League", "serie a");
anything else is refused (:class:`BadQuery`) with the closest leagues and the allowed codes.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import sqlalchemy as sa

from mercato.models import Found
from mercato.store import schema as t
from mercato.store.board import BadQuery, _cached
from mercato.stories.records import fold

MAX_SUGGESTIONS = 5
SUGGEST_CUTOFF = 75.0  # rapidfuzz WRatio (0-100) a name needs to be suggested


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(x for x in items if x))


def _words_match(query: list[str], name_tokens: list[str]) -> bool:
    """Every word typed is a word of the name, or the start of one when it has 3 letters or more."""
    return bool(query) and all(
        any(tok == q or (len(q) >= 3 and tok.startswith(q)) for tok in name_tokens) for q in query)


def _suggest(key: str, choices: dict[str, str]) -> tuple[str, ...]:
    """The names whose folded forms (``choices``: folded form -> name) are closest to ``key``."""
    from rapidfuzz import fuzz, process

    if not key or not choices:
        return ()
    found = process.extract(key, list(choices), scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF, limit=40)
    return tuple(_unique(choices[c] for c, _score, _i in found)[:MAX_SUGGESTIONS])


@functools.lru_cache(maxsize=1)
def leagues() -> dict[str, tuple[str, tuple[str, ...]]]:
    """League code -> (name, aliases), from ``data/leagues.tsv``."""
    from mercato.errors import ConfigError

    path = resources.files("mercato") / "data" / "leagues.tsv"
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    seen: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            raise ConfigError(f"expected 3 tab-separated columns, got {len(cols)}", where=f"leagues.tsv:{n}")
        code, name, aliases = (c.strip() for c in cols)
        names = (code, name, *(a.strip() for a in aliases.split("|") if a.strip()))
        for form in names:
            k = fold(form)
            if seen.setdefault(k, code) != code:
                raise ConfigError(f"{form!r} names both {seen[k]} and {code}", where=f"leagues.tsv:{n}")
        out[code] = (name, names[2:])
    return out


def _league_forms() -> dict[str, str]:
    """Folded code, name or alias -> code."""
    return {fold(form): code for code, (name, aliases) in leagues().items() for form in (code, name, *aliases)}


def _gazetteer() -> Any:
    from mercato.understand.gazetteer import load_clubs

    return load_clubs()


@functools.lru_cache(maxsize=4)
def _gazetteer_words(g: Any) -> tuple[tuple[str, list[str]], ...]:
    """Each gazetteer club with the words of its folded name (folded once, not per query)."""
    return tuple((c, fold(c).split()) for c in g.clubs)


@functools.lru_cache(maxsize=4)
def _gazetteer_choices(g: Any) -> dict[str, str]:
    """Folded name or alias -> club, for suggestions."""
    choices = {fold(c): c for c in g.clubs}
    for name in g.clubs:
        choices.update((fold(a), name) for a in g.aliases(name) if fold(a) not in choices)
    return choices


@functools.lru_cache(maxsize=65536)
def _folded_words(name: str) -> list[str]:
    return fold(name).split()


class FindersRepo:
    """Mixed into :class:`mercato.store.Store`: the finders over the sagas it holds."""

    engine: sa.Engine

    # -- what the store holds ----------------------------------------------------------------------------------
    @_cached
    def finder_clubs(self) -> list[str]:
        """Every club a saga names (buying or selling)."""
        s = t.sagas
        u = sa.union(sa.select(s.c.from_club.label("c")).where(s.c.from_club.is_not(None)),
                     sa.select(s.c.to_club.label("c")).where(s.c.to_club.is_not(None))).subquery()
        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(sa.select(u.c.c)))

    @_cached
    def finder_players(self) -> dict[str, str]:
        """Player key -> name, for every player with a saga."""
        s = t.sagas
        stmt = sa.select(s.c.player_key, sa.func.min(s.c.player)).group_by(s.c.player_key)
        with self.engine.connect() as conn:
            return {k: name for k, name in conn.execute(stmt) if k}

    @_cached
    def finder_player_aliases(self) -> dict[str, list[str]]:
        """Folded alias -> player keys, from the store's player registry (the names it has seen a player under)."""
        p = t.players
        out: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for key, name, aliases in conn.execute(sa.select(p.c.key, p.c.name, p.c.aliases)):
                pkey = " ".join(fold(key).split())
                for form in (name, *(aliases if isinstance(aliases, list) else [])):
                    if isinstance(form, str) and fold(form):
                        out.setdefault(fold(form), []).append(pkey)
        return out

    # -- the finders -------------------------------------------------------------------------------------------
    def find_club(self, query: str) -> Found:
        """The clubs ``query`` names (see the module docstring for the order and the ambiguity policy)."""
        key = fold(query)
        if not key:
            return Found(kind="club", query=query)
        g = _gazetteer()
        stored = self.finder_clubs()
        toks = key.split()
        by_words = [c for c in stored if _words_match(toks, _folded_words(c))]
        matches, how = _unique(g.candidates(query)), "alias"
        if not matches:
            matches, how = [c for c in stored if fold(c) == key], "exact"
        if not matches:
            matches, how = by_words, "words"
        in_gazetteer = [c for c, words in _gazetteer_words(g) if _words_match(toks, words)]
        if not matches:
            matches = in_gazetteer
        if not matches:
            choices = dict(_gazetteer_choices(g))
            choices.update((fold(c), c) for c in stored)
            return Found(kind="club", query=query, suggestions=_suggest(key, choices))
        near = by_words + [c for c in in_gazetteer if c not in by_words]
        also = tuple(c for c in near if c not in matches) if how != "words" else ()
        return Found(kind="club", query=query, matches=tuple(matches), names=tuple(matches), how=how, also=also)

    def find_player(self, query: str) -> Found:
        """The players with sagas that ``query`` names (key, registry alias, knowledge base, words of the name)."""
        key = " ".join(fold(query).split())
        if not key:
            return Found(kind="player", query=query)
        pool = self.finder_players()
        matches, how = ([key] if key in pool else []), "exact"
        if not matches:
            how = "alias"
            matches = [k for k in self.finder_player_aliases().get(key, []) if k in pool]
            known = _known_player(key)
            if known and fold(known) in pool:
                matches.append(" ".join(fold(known).split()))
            matches = _unique(matches)
        if not matches:
            how = "words"
            toks, glued = key.split(), key.replace(" ", "")
            matches = [k for k in pool if _words_match(toks, k.split()) or glued in k.split()
                       or (len(glued) >= 6 and glued == k.replace(" ", ""))]
        if not matches:
            choices = {k: name for k, name in pool.items()}
            choices.update((k.split()[-1], name) for k, name in pool.items() if len(k.split()) > 1)
            return Found(kind="player", query=query, suggestions=_suggest(key, choices))
        matches = sorted(matches, key=lambda k: (pool[k], k))
        return Found(kind="player", query=query, matches=tuple(matches), names=tuple(pool[k] for k in matches),
                     how=how)

    def find_league(self, query: str) -> Found:
        """The clubs of the league ``query`` names; an unknown league is refused with the closest ones."""
        code = _league_forms().get(fold(query))
        if code is None:
            near = _suggest(fold(query), {fold(f): c for f, c in
                                          ((f, c) for c, (n, a) in leagues().items() for f in (c, n, *a))})
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            allowed = ", ".join(f"{c} ({n})" for c, (n, _a) in leagues().items())
            raise BadQuery(f"unknown league {query!r}{hint} allowed: {allowed}")
        clubs = tuple(sorted(c.name for c in _gazetteer().clubs.values() if c.league == code))
        return Found(kind="league", query=query, matches=clubs, names=(code, leagues()[code][0]), how="league")

    def find_all(self, *, club: str | None = None, player: str | None = None,
                 league: str | None = None) -> dict[str, Found]:
        """The finders' readings of the filters given (for the interfaces to show what was matched)."""
        out: dict[str, Found] = {}
        if club:
            out["club"] = self.find_club(club)
        if player:
            out["player"] = self.find_player(player)
        if league:
            out["league"] = self.find_league(league)
        return out

    @_cached
    def board_leagues(self) -> list[dict[str, Any]]:
        """The leagues of the clubs named by sagas: code, name, and how many of its clubs have sagas."""
        g = _gazetteer()
        count: dict[str, int] = {}
        for c in self.finder_clubs():
            club = g.club(c)
            if club is not None and club.league:
                count[club.league] = count.get(club.league, 0) + 1
        known = leagues()
        return [{"code": code, "name": known.get(code, (code, ()))[0], "clubs": n}
                for code, n in sorted(count.items(), key=lambda kv: (known.get(kv[0], (kv[0],))[0], kv[0]))]


def _known_player(key: str) -> str | None:
    """The knowledge base's name for a full name, a mononym or a surname only one player of note has."""
    from mercato.understand.knowledge import knowledge

    kb = knowledge()
    found = kb.canonical(key)
    if found:
        return found
    p = kb.by_surname(key) if " " not in key else None
    return p.name if p else None
