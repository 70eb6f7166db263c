"""Folding: the one normalised form every matcher reads (anyascii, lowercase, each run of non-alphanumerics one
space), with the offset of each folded character in the original text."""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

__all__ = ["Folding", "fold", "fold_char", "fold_key"]

#: letters that only modify their neighbour: Cyrillic soft and hard signs would fold to an apostrophe and
#: split a word ("окончательно" → "okonchatel no", whose "no" then reads as a negation)
_SILENT = frozenset("ьЬъЪ")


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: lowercase ASCII letters and digits, a space for anything else, "" for marks."""
    if ch.isascii():
        low = ch.lower()
        return low if low.isalnum() else " "
    if unicodedata.category(ch).startswith("M") or ch in _SILENT:  # combining marks vanish (accents, harakat)
        return ""
    out = anyascii(ch).lower()
    return "".join(c if c.isalnum() else " " for c in out)


class _FoldTable(dict[str, str]):
    def __missing__(self, ch: str) -> str:  # a character seen for the first time: its fold, kept
        self[ch] = out = fold_char(ch)
        return out


_FOLDED = _FoldTable()  # a dict lookup per character (twice as fast as the lru_cache of fold_char)
Folding = tuple[str, list[int]]  # what fold() returns
_SPACE_RUN = re.compile(" {2,}")


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching: anyascii, lowercase, each run of non-alphanumerics one space.

    Returns the folded string and, for each folded character, the index of the original character it came
    from.  Leading/trailing spaces are kept so offsets stay simple; runs of spaces are collapsed.
    """
    parts = list(map(_FOLDED.__getitem__, text))
    raw = "".join(parts)
    one_to_one = len(raw) == len(text) and "" not in parts  # one folded character per character (most texts)
    index: range | list[int] = range(len(text)) if one_to_one else [i for i, p in enumerate(parts) for _ in p]
    if "  " not in raw:
        return raw, list(index)
    out: list[int] = []
    pos = 0
    for m in _SPACE_RUN.finditer(raw):  # keep the first space of a run (it may span characters folding to nothing)
        out.extend(index[pos:m.start() + 1])
        pos = m.end()
    out.extend(index[pos:])
    return _SPACE_RUN.sub(" ", raw), out


def fold_key(surface: str) -> str:
    """The lookup key of a surface form: folded and stripped."""
    return fold(surface)[0].strip()
