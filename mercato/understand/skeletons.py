"""Names in scripts without capitals (Arabic, Hangul, Thai…) linked to the player knowledge base by their
consonant skeleton.

In such scripts nothing marks a name, and the transliteration of a foreign name drops or adds vowels
("غرينوود" → ghrinuud, "그린우드" → Geurinudeu for Greenwood). Both sides are reduced to a skeleton of consonant
classes (vowels, w, y, h dropped; b/p, f/v, c/g/k/q/x, d/t, s/z, l/r merged; repeats collapsed; ``j`` read both
as a g and as a z, as Arabic and Korean write it), and a word or two-word run of the text is a player only when
its skeleton names one player of the base: a given name and surname together any player, a word alone only a
player of note (any other collides with ordinary words too often). Words that name nobody are not players:
in these scripts shape says nothing.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from mercato.understand.folding import fold_key

#: scripts read this way: measured by grouped CV, Arabic gains (pair F1 0.08 → 0.21) while Hangul loses
#: (0.13 → 0.0: Korean names are missing from the base and its syllables collide with other players), so Hangul
#: and the rest keep the reading by shape
CASELESS = frozenset({"arabic", "hebrew"})
MIN_SKELETON = 4  # shorter skeletons name too many players
MIN_ALONE = 5  # a word alone: longer still

_DIGRAPHS = (("gh", "k"), ("kh", "k"), ("ch", "k"), ("ck", "k"), ("sh", "s"), ("th", "t"), ("dh", "t"),
             ("ph", "f"))
_CLASS = str.maketrans({"p": "b", "v": "f", "c": "k", "g": "k", "q": "k", "x": "k", "d": "t", "z": "s",
                        "l": "r"})
_DROP = re.compile(r"[aeiouwyh\s\-']+")
#: Arabic proclitics written onto the next word in transliteration ("wqal" = and said, "bnzima" stays)
_PROCLITICS = ("w", "b", "l", "f")


def skeletons(word: str, known: bool = False) -> set[str]:
    """The consonant skeletons of a word transliterated from a caseless script: one, or two when it has a
    ``j`` (Arabic writes G with it, Korean Z). For a name of the knowledge base (``known``) a ``j`` inside the
    word is a semivowel (Højlund, Gvardiol's "Joško" aside) and is dropped."""
    s = fold_key(word).replace(" ", "")
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    if known:
        s = s[:1] + s[1:].replace("j", "")
    s = _DROP.sub("", s)
    variants = {s.replace("j", "k"), s.replace("j", "s")} if "j" in s else {s}
    out = set()
    for v in variants:
        v = v.translate(_CLASS)
        out.add(re.sub(r"(.)\1+", r"\1", v))
    return out


class SkeletonIndex:
    """Player names of the knowledge base by skeleton: surnames and mononyms alone, and full names."""

    def __init__(self, kb) -> None:
        self.alone: dict[str, set[str]] = defaultdict(set)
        self.alone_noted: dict[str, set[str]] = defaultdict(set)
        self.full: dict[str, set[str]] = defaultdict(set)
        for p in kb.players:
            words = fold_key(p.name).split()
            names = [words[-1]] if len(words) > 1 else list(words)
            if p.mononym:
                names.append(fold_key(p.mononym))
            for n in names:
                for sk in skeletons(n, known=True):
                    if len(sk) >= MIN_ALONE:
                        self.alone[sk].add(p.name)
                        if p.noted:
                            self.alone_noted[sk].add(p.name)
            if len(words) > 1:
                for a in skeletons(words[0], known=True):
                    for b in skeletons(words[-1], known=True):
                        if len(a) >= 2 and len(b) >= MIN_SKELETON:
                            self.full[a + " " + b].add(p.name)

    def name(self, first: str | None, word: str) -> str | None:
        """The player a transliterated word (after ``first``, the word before it, if any) names, else None."""
        forms = [word] + [word[len(c):] for c in _PROCLITICS if word.startswith(c) and len(word) > len(c) + 3]
        if first:
            for f in [first] + [first[len(c):] for c in _PROCLITICS if first.startswith(c) and len(first) > 4]:
                for a in skeletons(f):
                    for w in forms:
                        for b in skeletons(w):
                            got = self.full.get(a + " " + b)
                            if got and len(got) == 1:
                                return next(iter(got))
        for w in forms:
            for sk in skeletons(w):
                if len(sk) < MIN_ALONE:
                    continue
                got = self.alone_noted.get(sk)  # a word alone: players of note only (the rest collide with words)
                if got and len(got) == 1:
                    return next(iter(got))
        return None


@functools.cache
def index() -> SkeletonIndex:
    from mercato.understand.knowledge import knowledge

    return SkeletonIndex(knowledge())


# ---------------------------------------------------------------- Korean names written in Hangul

#: Korean consonants written alike in the usual spellings and in Revised Romanization
_KOREAN = str.maketrans({"k": "g", "t": "d", "p": "b", "r": "l"})


def korean_key(word: str) -> str:
    """The consonants of a Korean name written in Latin letters, spelling differences aside: "Son Heung-min"
    and "Sonheungmin" (손흥민), "Kim Min-jae" and "Gimminjae" both give one key; the family name is read in
    Revised Romanization first (``data/ko/surnames.tsv``: "Lee" is 이 "I")."""
    words = fold_key(word).split()
    if len(words) > 1:
        words[0] = korean_surnames().get(words[0], words[0])
    s = "".join(words).replace("ch", "j").replace("sh", "s").translate(_KOREAN)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouwyh]+", "", s))


@functools.cache
def korean_surnames() -> dict[str, str]:
    from importlib import resources
    from pathlib import Path

    path = Path(str(resources.files("mercato") / "data" / "ko" / "surnames.tsv"))
    out = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                usual, rr = line.split("\t")[:2]
                out[fold_key(usual)] = fold_key(rr)
    return out


class KoreanIndex:
    """The Korean players of the knowledge base by the :func:`korean_key` of family name and given name: a
    Hangul word of three or four syllables (its particles off) names one when its first syllable is his family
    name and the rest his given name, and no other player's."""

    def __init__(self, kb) -> None:
        self.by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        for p in kb.players:
            words = fold_key(p.name).split()
            if p.nat in ("South Korea", "North Korea") and len(words) > 1:
                given = korean_key("".join(words[1:]))
                if len(given) >= 2:
                    self.by_key[korean_key(korean_surnames().get(words[0], words[0])), given].add(p.name)

    def name(self, hangul: str) -> str | None:
        """The player a Hangul word names ("손흥민" → Son Heung-min), else None."""
        from mercato.understand.transliterate import to_latin

        if not 3 <= len(hangul) <= 4:
            return None
        got = self.by_key.get((korean_key(to_latin(hangul[0])), korean_key(to_latin(hangul[1:]))))
        return next(iter(got)) if got and len(got) == 1 else None


@functools.cache
def korean_index() -> KoreanIndex:
    from mercato.understand.knowledge import knowledge

    return KoreanIndex(knowledge())
