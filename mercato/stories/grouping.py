"""Claims grouped into sagas: player + from-club + to-club, across languages, outlets and months.

* A *link* is one player's move to one club. Player names match when one's words are all in the other's ("Kolo
  Muani" / "Randal Kolo Muani") or their surnames are near-identical spellings ("Isak" / "Isaka"); the selling
  club is the one most of the link's claims name (a claim without it, or naming another, still joins), and a
  claim with the two clubs swapped (a common reading error) joins the link too.
* A link splits into *epochs* (separate sagas) only when it was revived after it ended with a different outcome:
  reports more than ``revival_gap_days`` after the move was done (a loan, then a permanent move), or after a
  collapse when the revival ends with the move done. A link that recurs with the same outcome stays one saga.
* Look-ups are keyed: every saga is indexed under ``prefix>to-club`` (or ``prefix<from-club`` when the buyer is
  unknown) for the first letters of each word of the player's name, so a new claim finds its candidate sagas
  without scanning.

The result is a deterministic function of the set of reports on a link, so ingesting in any order or in any
number of batches gives the same sagas.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from mercato.stories.params import Params
from mercato.stories.records import (
    STRENGTH,
    TERMINAL_DONE,
    Report,
    canonical_club,
    club_key,
    days_between,
    player_tokens,
    slug,
)

_PREFIX = 3
_FUZZY = 85.0  # surname spellings this close (rapidfuzz ratio) are one name
_MIN_FUZZY_LEN = 4


def _prefixes(player: str) -> list[str]:
    return sorted({t[:_PREFIX] for t in player_tokens(player) if len(t) >= 2})


def index_keys(player: str, from_club: str | None, to_club: str | None, p: Params) -> list[str]:
    """Keys a saga is stored under: ``prefix>buyer`` and ``prefix<seller`` for each word of the player's name."""
    to_k, from_k = club_key(to_club, p), club_key(from_club, p)
    out = [f"{x}>{to_k}"[:255] for x in _prefixes(player)] if to_k else []
    if from_k:
        out += [f"{x}<{from_k}"[:255] for x in _prefixes(player)]
    return sorted(set(out))


def lookup_keys(player: str, from_club: str | None, to_club: str | None, p: Params) -> list[str]:
    """Keys a claim is looked up under: its clubs in their roles, and swapped (a link read the other way)."""
    out: set[str] = set()
    for club in (club_key(to_club, p), club_key(from_club, p)):
        if club:
            out.update(f"{x}{arrow}{club}"[:255] for x in _prefixes(player) for arrow in "<>")
    return sorted(out)


def same_player(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One name's words all in the other's, or the same surname give or take a letter or two."""
    if not a or not b:
        return False
    sa, sb = set(a), set(b)
    if sa <= sb or sb <= sa:
        return True
    la, lb = a[-1], b[-1]
    return (min(len(la), len(lb)) >= _MIN_FUZZY_LEN and la[:_PREFIX] == lb[:_PREFIX]
            and fuzz.ratio(la, lb) >= _FUZZY)


def usable(r: Report, p: Params) -> bool:
    return bool(player_tokens(r.player)) and bool(club_key(r.to_club, p) or club_key(r.from_club, p))


@dataclass
class Link:
    tokens: tuple[str, ...]
    player: str
    from_key: str
    to_key: str
    from_club: str | None
    to_club: str | None
    reports: list[Report] = field(default_factory=list)
    rank: int = 0
    extra: list[Report] = field(default_factory=list)  # an article's other claims on this link (kept, not scored)


def _specificity(r: Report, p: Params) -> tuple:
    return (-len(player_tokens(r.player)), not club_key(r.from_club, p), not club_key(r.to_club, p),
            -len(r.player), r.player, r.article_key, r.stage)


def cluster_links(reports: Sequence[Report], p: Params) -> list[Link]:
    """Reports grouped by link, the most specific names first so the result does not depend on input order."""
    by_to: dict[str, list[Link]] = {}
    by_from: dict[str, list[Link]] = {}
    out: list[Link] = []
    for r in sorted((r for r in reports if usable(r, p)), key=lambda r: _specificity(r, p)):
        toks, fk, tk = player_tokens(r.player), club_key(r.from_club, p), club_key(r.to_club, p)
        if tk:
            cands = [lk for lk in by_to.get(tk, []) if same_player(lk.tokens, toks)]
            if not cands:  # the same move read the other way round
                pool = by_to.get(fk, []) if fk else by_from.get(tk, [])
                cands = [lk for lk in pool if lk.from_key == tk and same_player(lk.tokens, toks)]
        else:
            cands = [lk for lk in by_to.get("<" + fk, []) if same_player(lk.tokens, toks)]
        if cands:
            link = max(cands, key=lambda lk: (len(lk.reports), -lk.rank))
            if fk and not link.from_key and fk != link.to_key:
                link.from_key, link.from_club = fk, canonical_club(r.from_club or "")
                by_from.setdefault(fk, []).append(link)
        else:
            link = Link(toks, r.player, fk, tk, canonical_club(r.from_club or "") if fk else None,
                        canonical_club(r.to_club or "") if tk else None, rank=len(out))
            by_to.setdefault(tk if tk else "<" + fk, []).append(link)
            if fk and tk:
                by_from.setdefault(fk, []).append(link)
            out.append(link)
        link.reports.append(r)
    for link in out:
        _orient(link, p)
        names = collections.Counter(r.player for r in link.reports)
        link.player = min(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]  # the usual spelling
        chosen = one_per_article(link.reports)
        kept = {id(r) for r in chosen}
        link.extra = sorted((r for r in link.reports if id(r) not in kept), key=lambda r: r.to_dict().__repr__())
        link.reports = chosen
    return out


def _orient(link: Link, p: Params) -> None:
    """The link's direction is the one most of its claims read; its seller the club most of them name."""
    if not link.to_key:
        return
    agree = sum(1 for r in link.reports if club_key(r.to_club, p) == link.to_key)
    swapped = len(link.reports) - agree
    if link.from_key and swapped > agree:
        link.to_key, link.from_key = link.from_key, link.to_key
        link.to_club, link.from_club = link.from_club, link.to_club
    froms: collections.Counter = collections.Counter()
    for r in link.reports:
        fk = club_key(r.from_club, p)
        if fk and fk != link.to_key and club_key(r.to_club, p) == link.to_key:
            froms[(fk, canonical_club(r.from_club or ""))] += 1
    if froms:
        (link.from_key, link.from_club), _n = min(froms.items(), key=lambda kv: (-kv[1], kv[0]))


def one_per_article(reports: Sequence[Report]) -> list[Report]:
    """An article's claims on one link become one report: its primary claim, else its strongest."""
    best: dict[str, Report] = {}
    for r in reports:
        cur = best.get(r.article_key)
        if cur is None or (r.primary, STRENGTH.get(r.stage, 0)) > (cur.primary, STRENGTH.get(cur.stage, 0)):
            best[r.article_key] = r
    return sorted(best.values(), key=Report.order)


def split_epochs(reports: Sequence[Report], p: Params) -> list[list[Report]]:
    """A link's reports split where the saga was revived after ending with a different outcome."""
    dated = sorted((r for r in reports if r.lo), key=Report.order)
    undated = [r for r in reports if not r.lo]
    epochs: list[list[Report]] = [[]]
    done_at: str | None = None
    col_at: str | None = None
    for i, r in enumerate(dated):
        after_done = bool(done_at) and days_between(done_at, r.lo) > p.revival_gap_days  # type: ignore[arg-type]
        revived = (bool(col_at) and days_between(col_at, r.lo) > p.revival_gap_days  # type: ignore[arg-type]
                   and any(x.stage in TERMINAL_DONE for x in dated[i:]))
        if epochs[-1] and (after_done or revived):
            epochs.append([])
            done_at = col_at = None
        epochs[-1].append(r)
        if r.stage in TERMINAL_DONE and done_at is None:
            done_at = r.hi
        if r.stage == "collapsed":
            col_at = r.hi
    if not epochs[-1]:
        epochs[-1] = []
    for r in undated:
        target = epochs[-1]
        if len(epochs) > 1:
            if r.stage in TERMINAL_DONE:
                target = next((e for e in reversed(epochs) if any(x.stage in TERMINAL_DONE for x in e)), target)
            elif r.stage == "collapsed":
                target = next((e for e in reversed(epochs) if any(x.stage == "collapsed" for x in e)), target)
        target.append(r)
    return [sorted(e, key=Report.order) for e in epochs if e]


def saga_id(link: Link, epoch: int, first: Report) -> str:
    parts = [slug(link.player) or "player", slug(link.from_club) if link.from_key else "", slug(link.to_club) or "x"]
    base = "-".join(x for x in parts if x) if link.from_key else f"{parts[0]}-to-{parts[2]}"
    if not link.to_key:
        base = f"{parts[0]}-{parts[1]}-out"
    if epoch > 0 and first.lo:
        base += "-" + first.lo[:7].replace("-", "")
    elif epoch > 0:
        base += f"-{epoch}"
    return base[:255]


def link_key(link: Link) -> str:
    return f"{' '.join(link.tokens)}|{link.from_key}|{link.to_key}"[:255]
