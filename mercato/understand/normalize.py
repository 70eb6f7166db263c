"""Clean a text for reading: NFC (encodings were repaired by the extract stage), ` date YYYY-MM-DD` markers
and boilerplate lines removed."""

from __future__ import annotations

import re
import unicodedata

_DATE_MARK = re.compile(r"(?:^|\s)date \d{4}-\d{2}(?:-\d{2})?\b")
_BOILER = re.compile(r"^\s*(?:©.*|getty images?|photo:.*|foto:.*|read more.*|leggi anche.*|lesen sie auch.*|"
                     r"\(?function\(.*|advertisement|publicidad|pubblicità|anzeige)\s*$", re.I | re.M)
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


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
