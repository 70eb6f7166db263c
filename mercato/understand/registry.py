"""The player registry: canonical Latin-script names learned across articles.

A name read in a Latin-script article with a first name and a surname ("Joe Gomez") is canonical. A name read
elsewhere — transliterated from Greek ("Jo Gomez"), inflected in Ukrainian ("Aleksandra Isaka"), glued to
common words in Hangul ("Gareunacho Yeongip") — or a surname alone ("Sancho") resolves to the registry name
whose surname it matches closely, with a compatible first name when it has one. Pure logic: the store keeps
the names, :func:`mercato.pipeline.resolve_players` applies it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import JaroWinkler

from mercato.understand.gazetteer import fold_key

#: languages whose articles are not in Latin script: their names are transliterations, never canonical
NON_LATIN = frozenset({"el", "uk", "ru", "bg", "sr", "mk", "be", "ko", "ja", "zh", "ar", "fa", "he", "hi", "ml",
                       "ta", "th", "ka", "hy"})
SURNAME_MIN = 0.9
FIRST_MIN = 0.8


def _known(name: str) -> bool:
    """The knowledge base names a player so, spelled so."""
    from mercato.understand.knowledge import knowledge

    return knowledge().canonical(name) == name


def _tokens(name: str) -> list[str]:
    return [t for t in fold_key(name).split() if t]


class PlayerRegistry:
    """Canonical names with how often each was read; ``resolve`` maps a variant to one of them."""

    def __init__(self, names: Iterable[tuple[str, int]] = ()) -> None:
        self.count: Counter[str] = Counter()
        self.display: dict[str, str] = {}
        self._by_initial: dict[str, set[str]] = defaultdict(set)
        for name, n in names:
            self.add(name, n)

    @staticmethod
    def is_canonical(name: str, lang: str | None) -> bool:
        """A name can be canonical when the player knowledge base spells it so (a mononym too: "Pedri"), or
        when it has at least two words and comes from a Latin-script article."""
        if _known(name):
            return True
        return (lang or "") not in NON_LATIN and len(_tokens(name)) >= 2

    def add(self, name: str, n: int = 1) -> None:
        key = " ".join(_tokens(name))
        if not key:
            return
        self.count[key] += n
        self.display.setdefault(key, name)
        self._by_initial[key.split()[-1][:1]].add(key)

    def surnames(self) -> dict[str, str]:
        """Folded surname → the most read name with it, for surnames shared by no other registry name."""
        by: dict[str, list[str]] = defaultdict(list)
        for key in self.count:
            by[key.split()[-1]].append(key)
        return {sur: self.display[keys[0]] for sur, keys in by.items() if len(keys) == 1 and len(sur) >= 4}

    def __len__(self) -> int:
        return len(self.count)

    def __contains__(self, name: str) -> bool:
        return " ".join(_tokens(name)) in self.count

    def resolve(self, name: str, lang: str | None = None) -> str | None:
        """The canonical name ``name`` (read in an article of ``lang``) stands for, or None when it is
        canonical itself or matches none."""
        toks = _tokens(name)
        key = " ".join(toks)
        if not toks or key in self.count or _known(name):
            return None
        best: tuple[float, float, int, str] | None = None
        for t in toks:
            if len(t) < 4:
                continue
            for cand in self._by_initial.get(t[:1], ()):
                ct = cand.split()
                sur = JaroWinkler.similarity(t, ct[-1])
                if sur < SURNAME_MIN:
                    continue
                others = [o for o in toks if o != t]
                first = 1.0
                if others and len(ct) > 1:
                    first = max(JaroWinkler.similarity(o, ct[0]) for o in others)
                    if first < FIRST_MIN and not (others[0][:1] == ct[0][:1] and len(others[0]) <= 2):
                        # a different first name ("Enzo" vs "Mason") is another player, unless the
                        # name came glued to common words (non-Latin scripts): then the surname decides
                        if (lang or "") not in NON_LATIN:
                            continue
                        first = 0.5
                score = (sur, first, self.count[cand], cand)
                if best is None or score > best:
                    best = score
        return self.display[best[3]] if best else None

