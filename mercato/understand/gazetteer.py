"""Club and outlet gazetteers: find every known club, outlet, journalist and agency in a text.

Data (packaged, plain TSV, one concept per file):

* ``data/clubs.tsv`` — ``name  country  league``: one canonical club per line.
* ``data/club_aliases/<lang>.tsv`` — ``alias  club  kind`` with kind ``name`` (a spelling of the club),
  ``nickname`` ("rossoneri", "Reds") or ``ambiguous`` (a form that needs context: "Milan", "Inter", "United").
  An ambiguous form may be listed for several clubs; the first listed is the default reading and all of
  them are in ``Hit.candidates``.  Adding a language is adding a file.
* ``data/outlets.tsv`` — ``name  kind  domain  country  lang  tier  aliases`` (aliases ``|``-separated).

Matching works on a *folded* text (:func:`fold`: anyascii, lowercase, every run of non-alphanumerics one
space) with one Aho-Corasick automaton per gazetteer (an all-caps alias of up to five letters, "AS", "AP", "OM",
matches only where the text has it in capitals; an outlet alias with a capital does not match an all-lowercase
surface, so "record" and "calciomercato" stay words; an alias in Latin letters matches only Latin text and vice
versa, except that a Latin alias of five letters or more may match a name in another script that folds to it,
so the Russian "Лион" does not turn the English "lion" into Lyon but the Greek "Λεβάντε" is Levante); hits are
kept on word boundaries, longest-leftmost and non-overlapping, and carry offsets into the ORIGINAL text.
Inflected forms (Greek, Cyrillic) are listed as aliases; an alias ending in ``*`` is a stem that may be followed
by more letters ("Барселон*").  Scripts that glue particles to nouns are allowed them: Hangul and Malayalam
suffixes ("맨유와"), Arabic proclitics ("وليفربول").
"""

from __future__ import annotations

import csv
import functools
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import ahocorasick

from mercato.errors import UnderstandError
from mercato.understand.folding import Folding, fold, fold_char, fold_key

log = logging.getLogger(__name__)

__all__ = [
    "CLUB_KINDS",
    "OUTLET_KINDS",
    "Club",
    "ClubGazetteer",
    "Hit",
    "Outlet",
    "OutletGazetteer",
    "Folding",
    "fold",
    "load_clubs",
    "load_outlets",
]

CLUB_KINDS = ("name", "nickname", "ambiguous")
OUTLET_KINDS = ("outlet", "journalist", "agency")
_ARABIC_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "لل", "ولل", "كال")
_MAX_CAPS_LETTERS = 5  # all-caps aliases up to this length match only in capitals ("AS" the paper, not "as")
_MAX_GLUED_SUFFIX = 4  # Hangul/Malayalam particles glued to a name: up to this many characters
_MIN_CROSS_SCRIPT_LETTERS = 5  # a Latin alias matches non-Latin text only for names this long


def _data_dir() -> Path:
    return Path(str(resources.files("mercato") / "data"))


@functools.lru_cache(maxsize=4096)
def _script_of_char(ch: str) -> str:
    if not ch.isalpha():
        return "other"
    name = unicodedata.name(ch, "")
    for script in ("HANGUL", "ARABIC", "MALAYALAM", "CJK", "HIRAGANA", "KATAKANA", "THAI", "TAMIL"):
        if name.startswith(script):
            return script.lower()
    return "alphabet"


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Club:
    name: str
    country: str
    league: str


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    kind: str  # outlet | journalist | agency
    domain: str
    country: str
    lang: str
    tier: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One gazetteer match; ``start``/``end`` index the ORIGINAL text and ``surface`` is that slice."""

    start: int
    end: int
    surface: str
    name: str  # canonical club / outlet / journalist
    kind: str  # name | nickname | ambiguous (clubs); outlet | journalist | agency (outlets)
    lang: str  # language of the alias file ("en", "el", "common"...); the outlet's language for outlets
    candidates: tuple[str, ...] = field(default=())  # every canonical name this surface may mean

    @property
    def capitalised(self) -> bool:
        """True when the surface starts with an uppercase letter ("Real" the club, not "real")."""
        first = next((c for c in self.surface if c.isalpha()), "")
        return first.isupper() or (bool(first) and not first.islower())  # caseless scripts count as capitalised


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    kind: str
    lang: str
    prefix: bool  # alias was a stem ("…*"): more letters may follow
    caps: bool = False  # a short all-caps alias ("AS", "AP", "OM", "PSV"): the text must be in capitals too
    cased: bool = False  # outlets: the alias has a capital, so an all-lowercase surface ("record") is a word
    latin: bool = True  # alias written in Latin letters; only matches Latin text (Russian "Лион" is not "lion")
    script: str = ""  # a non-Latin alias: its script ("CYRILLIC", "HANGUL"), which the text must share


def _entry(name: str, kind: str, lang: str, alias: str, *, cased: bool = False) -> _Entry:
    letters = [c for c in alias if c.isalpha()]
    caps = bool(letters) and len(letters) <= _MAX_CAPS_LETTERS and all(c.isupper() for c in letters)
    has_upper = cased and any(c.isupper() for c in letters)
    return _Entry(name, kind, lang, alias.endswith("*"), caps, has_upper, _is_latin(letters), _script_name(letters))


def _script_name(letters: Iterable[str]) -> str:
    """The script of the first non-Latin letter ("CYRILLIC", "HANGUL", "ARABIC"...), "" for Latin only."""
    for c in letters:
        if not _latin_char(c):
            return unicodedata.name(c, "").split(" ")[0]
    return ""


def _is_latin(letters: Iterable[str]) -> bool:
    return all(_latin_char(c) for c in letters)


@functools.lru_cache(maxsize=4096)
def _latin_char(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


# ---------------------------------------------------------------------------------------------- matcher


class _Matcher:
    """Aho-Corasick over folded aliases, with word-boundary checks on the folded and original text."""

    def __init__(self) -> None:
        self._entries: dict[str, list[_Entry]] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def add(self, alias: str, entry: _Entry) -> None:
        key = fold_key(alias.rstrip("*"))
        if not key:
            return
        bucket = self._entries.setdefault(key, [])
        for n, old in enumerate(bucket):
            if old.name == entry.name and old.latin == entry.latin and old.script == entry.script:
                if old.cased and not entry.cased and not entry.caps:  # also listed in lowercase ("kicker")
                    bucket[n] = replace(old, cased=False)
                elif old.caps and not entry.caps:  # the same club/outlet also listed in ordinary case
                    bucket[n] = entry
                elif entry.prefix and not old.prefix:  # a stem ("Liverpool*") covers the exact form too
                    bucket[n] = replace(old, prefix=True)
                return
        bucket.append(entry)

    def build(self) -> None:
        automaton = ahocorasick.Automaton()
        for key, entries in self._entries.items():
            automaton.add_word(key, (key, tuple(entries)))
        if self._entries:
            automaton.make_automaton()
        self._automaton = automaton

    def lookup(self, surface: str) -> list[_Entry]:
        return self._entries.get(fold_key(surface.rstrip("*")), [])

    def keys(self) -> Iterable[str]:
        return self._entries.keys()

    def find(self, text: str, folding: Folding | None = None) -> Iterator[tuple[int, int, tuple[_Entry, ...]]]:
        """Yield (start, end, entries) in the original text: longest-leftmost, non-overlapping (``folding``: fold(text))."""
        if not self._entries or not text:
            return
        folded, index = folding if folding is not None else fold(text)
        candidates: list[tuple[int, int, int, tuple[_Entry, ...]]] = []
        assert self._automaton is not None
        for fend, (key, entries) in self._automaton.iter(folded):
            fstart = fend - len(key) + 1
            if fstart and folded[fstart - 1] != " " and _script_of_char(text[index[fstart]]) != "arabic":
                continue  # inside a word: ``_check`` would refuse it (only Arabic glues proclitics to a name)
            span = self._check(text, folded, index, fstart, fend + 1, entries)
            if span is not None:
                start, end, kept = span
                candidates.append((start, -(end - start), end, kept))
        candidates.sort(key=lambda c: (c[0], c[1]))
        last_end = -1
        for start, _neg, end, entries in candidates:
            if start >= last_end:
                yield start, end, entries
                last_end = end

    @staticmethod
    def _check(
        text: str, folded: str, index: list[int], fstart: int, fend: int, entries: tuple[_Entry, ...]
    ) -> tuple[int, int, tuple[_Entry, ...]] | None:
        start = index[fstart]
        if fstart > 0 and index[fstart - 1] == start:  # the first char is cut (a Hangul syllable split)
            return None
        if fend < len(folded) and index[fend] == index[fend - 1]:
            return None
        left_ok = fstart == 0 or folded[fstart - 1] == " "
        if not left_ok and _script_of_char(text[start]) == "arabic":
            word_start = start
            while word_start > 0 and text[word_start - 1].isalpha():
                word_start -= 1
            left_ok = text[word_start:start] in _ARABIC_PROCLITICS
        if not left_ok:
            return None
        end = index[fend - 1] + 1
        # swallow letters that fold to nothing (Arabic alef, marks) so the surface is the whole word
        while end < len(text) and (
            unicodedata.category(text[end]).startswith("M") or (text[end].isalpha() and not fold_char(text[end]).strip())
        ):
            end += 1
        if not (fend == len(folded) or folded[fend] == " "):
            kept = tuple(e for e in entries if e.prefix)
            script = _script_of_char(text[end - 1])
            if kept:
                entries, end = kept, _word_end(text, end)
            elif not (
                _script_of_char(text[end]) in ("hangul", "malayalam")
                and script in (_script_of_char(text[end]), "alphabet")  # "맨유와", "ESPN은"
                and _word_end(text, end) - end <= _MAX_GLUED_SUFFIX
            ):
                return None
        entries = _filter_case_and_script(text[start:end], entries)
        return (start, end, entries) if entries else None


def _filter_case_and_script(surface: str, entries: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
    letters = [c for c in surface if c.isalpha()]
    latin = _is_latin(letters)
    if not any(e.caps or e.cased or e.latin != latin for e in entries):
        return entries
    lowercase = not any(c.isupper() for c in letters) and any(c.islower() for c in letters)
    # a Latin alias may read a long enough name in another script (Greek "Λεβάντε" folds to "levante")
    script_ok = latin or len(letters) >= _MIN_CROSS_SCRIPT_LETTERS
    script = _script_name(letters)
    return tuple(
        e for e in entries
        if (e.latin == latin or (e.latin and script_ok)) and (e.latin or e.script == script)
        and not (e.caps and surface.upper() != surface)
        and not (e.cased and lowercase)
    )


def _word_end(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos].isalnum() or unicodedata.category(text[pos]).startswith("M")):
        pos += 1
    return pos


def _read_tsv(path: Path, columns: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of a TSV file (``#`` comments and blank lines skipped), each checked for its column count."""
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if len(row) != columns:
                raise UnderstandError(f"expected {columns} tab-separated columns, got {len(row)}", where=f"{path}:{lineno}")
            yield lineno, [c.strip() for c in row]


# ---------------------------------------------------------------------------------------------- clubs


class ClubGazetteer:
    """Every club the press writes about, and every alias, nickname and script it is written in."""

    def __init__(self, clubs: dict[str, Club], aliases: Iterable[tuple[str, str, str, str]]) -> None:
        self.clubs = clubs
        self._matcher = _Matcher()
        self._aliases: dict[str, list[str]] = {name: [] for name in clubs}
        for name in clubs:  # the canonical name is always an alias of itself
            self._matcher.add(name, _entry(name, "name", "common", name))
        for alias, club, kind, lang in aliases:
            if club not in clubs:
                raise UnderstandError(f"alias {alias!r} names unknown club {club!r}", where=f"club_aliases/{lang}.tsv")
            if kind not in CLUB_KINDS:
                raise UnderstandError(f"unknown kind {kind!r}; allowed: {', '.join(CLUB_KINDS)}", where=lang)
            self._matcher.add(alias, _entry(club, kind, lang, alias))
            self._aliases[club].append(alias)
        self._matcher.build()

    def __len__(self) -> int:
        return len(self.clubs)

    def find(self, text: str, folding: Folding | None = None) -> list[Hit]:
        """All alias hits on word boundaries, longest-leftmost, non-overlapping, in text order (``folding``: fold(text))."""
        hits = []
        for start, end, entries in self._matcher.find(text, folding):
            first = entries[0]
            # a form that is a plain name for one club but ambiguous for another stays ambiguous
            kind = "ambiguous" if len(entries) > 1 else first.kind
            hits.append(
                Hit(start, end, text[start:end], first.name, kind, first.lang, tuple(e.name for e in entries))
            )
        return hits

    def club(self, name: str) -> Club | None:
        """The club record of a canonical name."""
        return self.clubs.get(name)

    def resolve(self, surface: str) -> str | None:
        """Exact (folded) alias lookup: the canonical name, or None when unknown."""
        entries = self._matcher.lookup(surface)
        return entries[0].name if entries else None

    def candidates(self, surface: str) -> list[str]:
        """Every club an alias may mean (several for ambiguous forms)."""
        return [e.name for e in self._matcher.lookup(surface)]

    def aliases(self, name: str) -> list[str]:
        """The aliases listed for a canonical club name (not including the name itself)."""
        return list(self._aliases.get(name, ()))

    def fuzzy(self, surface: str, cutoff: float = 88.0) -> str | None:
        """Best canonical club for a misspelt or transliterated surface (rapidfuzz ratio ≥ cutoff)."""
        from rapidfuzz import fuzz, process

        key = fold_key(surface)
        if not key:
            return None
        exact = self._matcher.lookup(key)
        if exact:
            return exact[0].name
        found = process.extractOne(key, list(self._matcher.keys()), scorer=fuzz.ratio, score_cutoff=cutoff)
        if found is None:
            return None
        return self._matcher.lookup(found[0])[0].name


def _load_club_files(data: Path) -> ClubGazetteer:
    clubs: dict[str, Club] = {}
    for lineno, (name, country, league) in _read_tsv(data / "clubs.tsv", 3):
        if name in clubs:
            raise UnderstandError(f"duplicate club {name!r}", where=f"clubs.tsv:{lineno}")
        clubs[name] = Club(name, country, league)
    aliases: list[tuple[str, str, str, str]] = []
    for path in sorted((data / "club_aliases").glob("*.tsv")):
        lang = path.stem
        for _lineno, (alias, club, kind) in _read_tsv(path, 3):
            aliases.append((alias, club, kind, lang))
    return ClubGazetteer(clubs, aliases)


@functools.lru_cache(maxsize=1)
def load_clubs() -> ClubGazetteer:
    """The packaged club gazetteer, loaded once per process."""
    gazetteer = _load_club_files(_data_dir())
    log.debug("club gazetteer loaded: %d clubs", len(gazetteer))
    return gazetteer


# ---------------------------------------------------------------------------------------------- outlets


class OutletGazetteer:
    """Outlets, journalists and agencies the press credits, with a reliability tier (1 best … 4)."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets: dict[str, Outlet] = {}
        self._domains: dict[str, str] = {}
        self._matcher = _Matcher()
        for outlet in outlets:
            self.outlets[outlet.name] = outlet
            for surface in (outlet.name, *outlet.aliases):
                self._matcher.add(surface, _entry(outlet.name, outlet.kind, outlet.lang, surface, cased=True))
            if outlet.domain:
                self._domains.setdefault(outlet.domain.lower(), outlet.name)
        self._matcher.build()

    def __len__(self) -> int:
        return len(self.outlets)

    def find(self, text: str, folding: Folding | None = None) -> list[Hit]:
        """All outlet/journalist/agency mentions, longest-leftmost, non-overlapping, in text order (fold(text) if given)."""
        return [
            Hit(start, end, text[start:end], entries[0].name, entries[0].kind, entries[0].lang,
                tuple(e.name for e in entries))
            for start, end, entries in self._matcher.find(text, folding)
        ]

    def resolve(self, surface: str) -> tuple[str, str] | None:
        """(canonical name, kind) of an exact (folded) surface form, or None."""
        entries = self._matcher.lookup(surface)
        return (entries[0].name, entries[0].kind) if entries else None

    def get(self, name: str) -> Outlet | None:
        return self.outlets.get(name)

    def tier(self, name: str) -> int | None:
        """Reliability prior of a canonical name (1 most reliable … 4), or None when unknown."""
        outlet = self.outlets.get(name)
        return outlet.tier if outlet else None

    def by_domain(self, host: str) -> str | None:
        """Canonical outlet of a hostname ("www.gazzetta.it", "amp.theguardian.com"), or None."""
        host = host.lower().strip().rstrip(".")
        if "://" in host:
            host = host.split("://", 1)[1]
        host = host.split("/", 1)[0].split(":", 1)[0]
        while host:
            if host in self._domains:
                return self._domains[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None


def _load_outlet_file(path: Path) -> OutletGazetteer:
    outlets: list[Outlet] = []
    seen: set[str] = set()
    for lineno, (name, kind, domain, country, lang, tier, aliases) in _read_tsv(path, 7):
        where = f"{path.name}:{lineno}"
        if kind not in OUTLET_KINDS:
            raise UnderstandError(f"unknown kind {kind!r}; allowed: {', '.join(OUTLET_KINDS)}", where=where)
        if tier not in ("1", "2", "3", "4"):
            raise UnderstandError(f"tier must be 1-4, got {tier!r}", where=where)
        if name in seen:
            raise UnderstandError(f"duplicate outlet {name!r}", where=where)
        seen.add(name)
        alias_list = tuple(a.strip() for a in aliases.split("|") if a.strip())
        outlets.append(Outlet(name, kind, domain, country, lang, int(tier), alias_list))
    return OutletGazetteer(outlets)


@functools.lru_cache(maxsize=1)
def load_outlets() -> OutletGazetteer:
    """The packaged outlet/journalist/agency gazetteer, loaded once per process."""
    gazetteer = _load_outlet_file(_data_dir() / "outlets.tsv")
    log.debug("outlet gazetteer loaded: %d entries", len(gazetteer))
    return gazetteer
