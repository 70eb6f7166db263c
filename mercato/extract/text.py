"""Text clean-up: bytes to valid UTF-8, mojibake fixed, Unicode NFC, markers stripped."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_MARK = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")


def decode_bytes(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOMs first, then UTF-8, then Windows-1252; never fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:1] != b"\x00":
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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
