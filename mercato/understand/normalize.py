"""Clean a text for reading: NFC (encodings were repaired by the extract stage), ` date YYYY-MM-DD` markers
and boilerplate lines removed."""

from __future__ import annotations

import bisect
import re
import unicodedata

from mercato.understand.gazetteer import Folding, fold

_DATE_MARK = re.compile(r"(?:^|\s)date \d{4}-\d{2}(?:-\d{2})?\b")
_BOILER = re.compile(r"^\s*(?:©.*|getty images?|photo:.*|foto:.*|read more.*|leggi anche.*|lesen sie auch.*|"
                     r"\(?function\(.*|advertisement|publicidad|pubblicità|anzeige)\s*$", re.I | re.M)
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
_ASCII_DIGITS = frozenset("0123456789")


def clean(text: str) -> str:
    """The text as the understanding reads it (same meaning, fewer artefacts)."""
    # articles come from the extract stage, which already repaired encodings (ftfy); only normalise here
    text = unicodedata.normalize("NFC", text)
    text = _DATE_MARK.sub(" ", text)
    text = _BOILER.sub("", text)
    return text.strip()


def protect_decimals(text: str) -> str:
    """``63,5`` / ``63.5`` → ``63p5`` (same length) so folding keeps the number in one token."""
    return _DECIMAL.sub("p", text)


def fold_protected(text: str, plain: Folding) -> Folding:
    """``fold(protect_decimals(text))``, derived from ``plain`` = ``fold(text)``: a separator between two ASCII
    digits folds to one space there and to ``p`` once protected, and nothing else changes (other digits: folded
    again)."""
    folded, index = plain
    seps = [m.start() for m in _DECIMAL.finditer(text)]
    if not seps:
        return folded, list(index)
    if not all(text[i - 1] in _ASCII_DIGITS and text[i + 1] in _ASCII_DIGITS for i in seps):
        return fold(protect_decimals(text))
    pieces = []
    pos = 0
    for i in seps:
        j = bisect.bisect_left(index, i)
        pieces += [folded[pos:j], "p"]
        pos = j + 1
    pieces.append(folded[pos:])
    return "".join(pieces), list(index)
