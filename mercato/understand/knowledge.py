"""The player knowledge base: players known from open data (``data/players.tsv``, built by
``scripts/build_players.py`` from openfootball, CC0), loaded once on first use.

Lookups take folded keys (:func:`mercato.understand.folding.fold_key`): a full name (or one of its other
spellings: "hoejlund"), a surname alone, a mononym or known-as name ("pedri", "casemiro"), and an inflected
surname given the case endings of the article's language ("modrica" → Modrić). A player "of note" played a
recent tournament (a squad line joined to him): a surname alone names a player fully only when exactly one
player of note carries it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mercato.understand.folding import fold_key

__all__ = ["KnownPlayer", "Knowledge", "knowledge"]

#: last words that are no surname ("Vinícius Júnior"): never looked up alone
_NOT_SURNAMES = frozenset({"junior", "jr", "filho", "neto", "sobrinho", "segundo", "ii", "iii"})
#: shortest surname or mononym looked up alone
MIN_ALONE = 4


@dataclass(frozen=True, slots=True)
class KnownPlayer:
    name: str  # canonical: usual Latin spelling with diacritics
    known_as: tuple[str, ...]
    birth: str  # YYYY-MM-DD (or YYYY)
    pos: str  # G, D, M, F ("D/M" for several)
    nat: str  # national team (country name in English)
    club: str  # club of the latest tournament squad, "" when unknown
    note: str  # tournaments played ("euro24 copa24"): "" for the rest

    @property
    def noted(self) -> bool:
        return bool(self.note)

    @property
    def mononym(self) -> str | None:
        """The one-word name the player goes by ("Pedri", "Alisson"), if any."""
        if " " not in self.name.strip():
            return self.name
        return next((k for k in self.known_as if " " not in k.strip()), None)


class Knowledge:
    """Indexes of the knowledge base by folded full name, surname and mononym."""

    def __init__(self, players: list[KnownPlayer], spellings: list[list[str]]) -> None:
        self.players = players
        self.full: dict[str, list[KnownPlayer]] = defaultdict(list)
        self.surname: dict[str, list[KnownPlayer]] = defaultdict(list)
        self.mono: dict[str, list[KnownPlayer]] = defaultdict(list)
        self.first_of: dict[str, set[str]] = defaultdict(set)  # folded surname → folded first names
        for p, alts in zip(players, spellings, strict=True):
            keys = {fold_key(p.name), *alts, *(fold_key(k) for k in p.known_as if " " in k.strip())}
            keys |= {k[:-len("junior")] + "jr" for k in keys if k.endswith(" junior")}  # "Samuel Iling Jr"
            keys |= {" ".join(k.split()[-2:]) for k in keys if k.endswith((" jr", " junior")) and k.count(" ") > 1}
            for key in keys:
                self.full[key].append(p)
                words = key.split()
                if len(words) > 1 and words[-1] not in _NOT_SURNAMES:
                    self.surname[words[-1]].append(p)
                    self.first_of[words[-1]].add(words[0])
                if len(words) > 2 and "-" in p.name.split()[-1]:  # "Milinković-Savić", "Iling-Junior" alone
                    self.surname[" ".join(words[-2:])].append(p)
                    self.first_of[" ".join(words[-2:])].add(words[0])
            mono = p.mononym
            if mono:
                self.mono[fold_key(mono)].append(p)
        self.nations = frozenset(fold_key(p.nat) for p in players if p.nat)
        self._near: _NearIndex | None = None

    def nearest(self, key: str, loose: bool = False) -> KnownPlayer | None:
        """The player whose full name a folded name the base does not know is a misspelling or another
        transliteration of ("kvicha kvaratskhelia", "fakounto pelistri", "biorn enchels"), when one is clearly
        the closest: its surname alike (Jaro-Winkler; or, when ``loose``, for a name transliterated from another
        script, the same consonant skeleton, a Greek nominative -s aside) and its first name alike. Strict (Latin
        script): the surname spelled alike and a first name close, or the first name alike and one edit in a
        long surname."""
        if self._near is None:
            self._near = _NearIndex(self)
        return self._near.nearest(key, loose)

    def by_name(self, key: str) -> KnownPlayer | None:
        """The player a folded full name (two words or more) names: a player of note first."""
        cands = self.full.get(key)
        if not cands or " " not in key:
            return None
        return _best(cands)

    def by_mononym(self, key: str) -> KnownPlayer | None:
        """The player a one-word name (marked as the name he goes by) names, when they all agree on the name."""
        cands = self.mono.get(key)
        if not cands or len(key) < MIN_ALONE:
            return None
        return _best(cands)

    def by_surname(self, key: str) -> KnownPlayer | None:
        """The one player of note with this surname, or the one player with it when none is of note (none when
        two players of note, or two players none of note, share it)."""
        every = self.surname.get(key, ())
        cands = [p for p in every if p.noted] or every
        if len(key) < MIN_ALONE or len({p.name for p in cands}) != 1:
            return None
        return cands[0]

    def is_surname(self, key: str, noted: bool = False) -> bool:
        cands = self.surname.get(key, ())
        return any(p.noted for p in cands) if noted else bool(cands)

    def uninflect(self, key: str, endings: tuple[str, ...]) -> str | None:
        """A KB surname that the folded word ``key`` is an inflected form of ("modrica" → "modric",
        "seska" → "sesko", "szoboszlainak" → "szoboszlai"), trying the longest ending first."""
        if key in self.surname or key in self.mono:
            return key
        for end in endings:
            if len(key) - len(end) < 3 or not key.endswith(end):
                continue
            base = key[: len(key) - len(end)]
            for cand in (base, base + "o", base + "a", base + "e", base + "i"):
                if cand in self.surname or cand in self.mono:
                    return cand
        return None

    def canonical(self, name: str) -> str | None:
        """The canonical spelling of a name the knowledge base knows (full name or mononym), else None."""
        key = fold_key(name)
        p = self.by_name(key) if " " in key else self.by_mononym(key)
        return p.name if p else None


class _NearIndex:
    """Full names of the base by the first letter of the surname and by the surname's consonant skeleton."""

    def __init__(self, kb: Knowledge) -> None:
        from mercato.understand.skeletons import skeletons

        self.kb = kb
        self.firsts: dict[str, list[str]] = defaultdict(list)  # folded surname → folded first names
        for key in kb.full:
            words = key.split()
            if len(words) > 1 and words[-1] not in _NOT_SURNAMES and len(words[-1]) >= MIN_ALONE:
                self.firsts[words[-1]].append(words[0])
        self.by_letter: dict[str, list[str]] = defaultdict(list)
        self.by_skeleton: dict[str, list[str]] = defaultdict(list)
        for sur in self.firsts:
            self.by_letter[sur[:1]].append(sur)
            for form in {sur, sur[:-1] if sur.endswith("s") else sur}:
                for sk in skeletons(form, known=True):
                    if len(sk) >= 4:
                        self.by_skeleton[sk].append(sur)

    def nearest(self, key: str, loose: bool) -> KnownPlayer | None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA, JaroWinkler

        from mercato.understand.skeletons import skeletons

        words = key.split()
        if not 2 <= len(words) <= 3:
            return None
        pairs = [(words[0], words[-1])] + ([(words[1], words[-1])] if len(words) == 3 else [])
        scored: dict[str, tuple[float, KnownPlayer]] = {}
        for first, sur in pairs:
            if len(sur) < MIN_ALONE or sur in _NOT_SURNAMES:
                continue
            cut = 0.9 if loose else 0.85
            surs = {s for s, _sc, _i in process.extract(sur, self.by_letter.get(sur[:1], []),
                                                        scorer=JaroWinkler.similarity, score_cutoff=cut,
                                                        limit=None)}
            fsk: set[str] = set()
            by_skeleton: set[str] = set()  # surnames with the same consonants (a Greek nominative -s aside)
            if loose:
                for form in {sur, sur[:-1] if sur.endswith("s") else sur}:
                    for sk in skeletons(form):
                        by_skeleton.update(self.by_skeleton.get(sk, ()))
                surs |= by_skeleton
                fsk = skeletons(first)
            for ks in surs:
                s_sim = JaroWinkler.similarity(sur, ks)
                for kf in self.firsts[ks]:
                    f_sim = JaroWinkler.similarity(first, kf)
                    if loose:  # the surname's consonants or letters alike, the first name's too
                        ok = ((s_sim >= 0.93 and abs(len(sur) - len(ks)) <= 1) or (s_sim >= 0.8 and ks in by_skeleton)) and (
                            f_sim >= 0.8 or (first[:1] == kf[:1] and bool(fsk & skeletons(kf, known=True))))
                    else:
                        ok = (sur == ks and f_sim >= 0.85) or (
                            first == kf and len(sur) >= 6 and OSA.distance(sur, ks) <= 1)
                    if not ok:
                        continue
                    p = self.kb.by_name(kf + " " + ks)
                    if p is not None:
                        score = s_sim + f_sim
                        if score > scored.get(p.name, (0.0, p))[0]:
                            scored[p.name] = (score, p)
        if not scored:
            return None
        ranked = sorted(scored.values(), key=lambda t: -t[0])
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < 0.1:
            return None  # two players alike: neither
        return ranked[0][1]


def _best(cands: list[KnownPlayer]) -> KnownPlayer | None:
    """One player for several readings of one name: the players of note first; None when they differ in name."""
    noted = [p for p in cands if p.noted]
    pool = noted or cands
    if len({fold_key(p.name) for p in pool}) != 1:
        return None
    return pool[0]


def _path() -> Path:
    return Path(str(resources.files("mercato") / "data" / "players.tsv"))


@functools.cache
def knowledge() -> Knowledge:
    """The knowledge base, read once (empty when the data file is absent)."""
    path = _path()
    players: list[KnownPlayer] = []
    spellings: list[list[str]] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            c = line.split("\t")
            if len(c) < 8:
                continue
            players.append(KnownPlayer(c[0], tuple(x for x in c[1].split("|") if x), c[2], c[3], c[4], c[5], c[6]))
            spellings.append([x for x in c[7].split("|") if x])
    return Knowledge(players, spellings)
