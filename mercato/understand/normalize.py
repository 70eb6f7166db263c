"""Clean a text for reading: mojibake fixed, NFC, ` date YYYY-MM-DD` markers and boilerplate lines removed."""

from __future__ import annotations

import re
import unicodedata

_DATE_MARK = re.compile(r"(?:^|\s)date \d{4}-\d{2}(?:-\d{2})?\b")
_BOILER = re.compile(r"^\s*(?:©.*|getty images?|photo:.*|foto:.*|read more.*|leggi anche.*|lesen sie auch.*|"
                     r"\(?function\(.*|advertisement|publicidad|pubblicità|anzeige)\s*$", re.I | re.M)
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def clean(text: str) -> str:
    """The text as the understanding reads it (same meaning, fewer artefacts)."""
    try:
        import ftfy

        text = ftfy.fix_text(text, normalization="NFC")
    except ImportError:  # pragma: no cover - ftfy is a core dependency
        text = unicodedata.normalize("NFC", text)
    text = _DATE_MARK.sub(" ", text)
    text = _BOILER.sub("", text)
    return text.strip()


def protect_decimals(text: str) -> str:
    """``63,5`` / ``63.5`` → ``63p5`` (same length) so folding keeps the number in one token."""
    return _DECIMAL.sub("p", text)
