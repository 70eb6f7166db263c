"""What the stories stage works on: one article's report about one saga, plus the keys and dates used to group.

A :class:`Report` is built once per (article, saga) from the stored article and its understanding and kept in
``saga_articles.data``, so a saga can be recomputed from its own rows without re-reading every text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii

from mercato.stories.params import Params

POSITIVE = ("agreement", "medical", "done", "loan")  # a report saying the move is happening
NEGATIVE = ("collapsed", "denied")
TERMINAL_DONE = ("done", "loan")
STRENGTH = {"interest": 1, "talks": 2, "bid": 3, "agreement": 4, "medical": 5, "loan": 6, "done": 7,
            "denied": 2, "collapsed": 8}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PAREN = re.compile(r"\(.*?\)")


def fold(s: str | None) -> str:
    """ASCII, lowercase, every run of other characters one space."""
    return _NON_ALNUM.sub(" ", anyascii(s or "").lower()).strip()


def player_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in fold(name).split() if t)


@functools.lru_cache(maxsize=1)
def _clubs() -> Any:
    try:
        from mercato.understand.gazetteer import load_clubs

        return load_clubs()
    except Exception:  # noqa: BLE001 - without the gazetteer clubs are compared by their words only
        return None


@functools.lru_cache(maxsize=65536)
def canonical_club(name: str) -> str:
    """The gazetteer's canonical name of a club ("PSG" -> "Paris Saint-Germain"), else the name itself."""
    g = _clubs()
    if g is None or not name:
        return name
    try:
        return g.resolve(name) or name
    except Exception:  # noqa: BLE001
        return name


def club_key(name: str | None, p: Params) -> str:
    """A club compared by its canonical name's words without "FC", "AC", …; "" when unknown."""
    toks = fold(canonical_club(name or "")).split()
    kept = [t for t in toks if t not in p.club_stop_words]
    return " ".join(kept or toks)


def source_key(name: str | None, p: Params) -> str:
    """A source compared without spaces, TLDs and "(official …)" remarks: "Sky Sports" = "skysports.com"."""
    base = _PAREN.sub(" ", name or "") or (name or "")
    toks = [t for t in fold(base).split() if t not in p.source_stop_words]
    return "".join(toks) or "".join(fold(name).split())


def slug(s: str | None) -> str:
    return "-".join(fold(s).split())[:60]


def stable_hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


# ------------------------------------------------------------------------------------------------ dates


def _day(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)
def date_bounds(published: str | None, partial: str | None, seen: str | None) -> tuple[str | None, str | None]:
    """The earliest and latest day an article can have been published (ISO dates).

    A full date gives (d, d); a year-month gives its first and last day; an undated article was published at
    the latest on the day it was first seen, and we know no earliest day.
    """
    d = _day(published)
    if d:
        return d.isoformat(), d.isoformat()
    if partial and re.fullmatch(r"\d{4}-\d{2}", partial[:7]):
        y, m = int(partial[:4]), int(partial[5:7])
        if 1 <= m <= 12:
            last = calendar.monthrange(y, m)[1]
            return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{last:02d}"
    s = _day(seen)
    return None, (s.isoformat() if s else None)


def days_between(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def add_days(a: str, n: int) -> str:
    return (dt.date.fromisoformat(a) + dt.timedelta(days=n)).isoformat()


# ------------------------------------------------------------------------------------------------ reports


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """One article's claim about one saga, with what provenance and scoring need."""

    article_key: str
    player: str
    from_club: str | None
    to_club: str | None
    stage: str
    primary: bool = False
    fee_eur_m: float | None = None
    fee_raw: str | None = None
    evidence: str = ""
    hedged: bool = False
    outlet: str | None = None
    lang: str | None = None
    title: str | None = None
    published: str | None = None
    date_partial: str | None = None
    first_seen: str | None = None
    cited: tuple[tuple[str, str], ...] = ()  # (name, kind)
    sketch: tuple[int, ...] = ()  # bottom-k of word shingles (same-language copies)
    names: tuple[int, ...] = ()  # hashes of names and numbers (translated copies)
    reasons: tuple[str, ...] = ()  # the strongest features of the learned decisions behind the claim
    background: bool = False  # read only from background sentences ("came close to joining … in 2022")
    reader: str = "rules"  # who read the claim: "rules" (the offline reader) or "llm:MODEL"

    @property
    def lo(self) -> str | None:
        return date_bounds(self.published, self.date_partial, self.first_seen)[0]

    @property
    def hi(self) -> str | None:
        return date_bounds(self.published, self.date_partial, self.first_seen)[1]

    @property
    def date(self) -> str | None:
        """The date shown: the full date, else the year-month."""
        return self.published or self.date_partial

    def order(self) -> tuple[str, str, str, str]:
        """Sort key: known dates first by earliest day, undated after, then by the day first seen, then by key.

        Only the *day* an article was first seen counts: articles ingested the same day in other batches or in
        another order sort the same (the time of day would make the board depend on the batching)."""
        lo = self.lo
        return ("0" + lo if lo else "1", self.hi or "", (self.first_seen or "")[:10], self.article_key)

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        d = {k: d[k] for k in d if k in cls.__dataclass_fields__}
        for k in ("cited",):
            d[k] = tuple(tuple(x) for x in d.get(k) or ())
        for k in ("sketch", "names", "reasons"):
            d[k] = tuple(d.get(k) or ())
        return cls(**d)


@dataclass(frozen=True, slots=True, kw_only=True)
class SagaHead:
    """A stored saga's identity (what a keyed look-up returns)."""

    id: str
    player: str
    from_club: str | None
    to_club: str | None
    epoch: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SagaResult:
    """A saga as computed from its reports: the row of ``sagas`` and the rows of ``saga_articles``."""

    id: str
    link_key: str
    epoch: int
    player: str
    player_key: str
    from_club: str | None
    to_club: str | None
    status: str
    resolved: bool
    outcome: str | None
    likelihood: float | None
    first_date: str | None
    last_date: str | None
    n_articles: int
    n_sources: int
    langs: list[str]
    data: dict[str, Any]
    reports: tuple[Report, ...]
    originals: dict[str, bool] = field(default_factory=dict)
    index_keys: tuple[str, ...] = ()
    contrib: dict[str, list[Any]] = field(default_factory=dict)  # source -> [kind, resolved, hits, orig, rere]
    extras: tuple[Report, ...] = ()  # the articles' other claims on this saga (stored for regrouping only)
    stale_after: str | None = None  # a live saga with no report past this day is stale (see stories.states)
