"""Text clean-up: bytes to valid UTF-8, mojibake fixed, Unicode NFC, markers stripped."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from mercato.sources._encoding import decode_bytes

__all__ = ["clean_text", "decode_bytes", "split_date_marker"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_MARK = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")


def clean_text(text: str) -> str:
    """Fix mojibake, normalise to NFC, drop control characters and lone surrogates, tidy blank lines."""
    text = text.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates
    text = ftfy.fix_text(text, normalization="NFC")
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return unicodedata.normalize("NFC", text).strip()


def split_date_marker(text: str) -> tuple[str | None, str]:
    """Strip a leading `` date YYYY-MM-DD`` marker; return (date or None, rest)."""
    m = _DATE_MARK.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end():]
