"""Text clean-up: bytes to valid UTF-8, mojibake fixed, Unicode NFC, markers stripped."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from mercato.sources._encoding import decode_bytes

__all__ = ["clean_text", "decode_bytes", "split_date_marker"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls (not tab/newline)
_DATE_MARK = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})(?:\s+|$)")


def safe_str(value: str) -> str:
    """A string any database accepts: lone surrogates replaced, NUL and other control characters dropped."""
    value = value.encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL.sub("", value)


def safe_value(value: object) -> object:
    """``safe_str`` applied through JSON-like data (dict keys and values, lists)."""
    if isinstance(value, str):
        return safe_str(value)
    if isinstance(value, dict):
        return {safe_str(str(k)): safe_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_value(v) for v in value]
    return value


_PLAIN_LINE = re.compile(r"[\t\x20-\x25\x27-\x7e]*\n?")  # printable ASCII without '&': ftfy leaves it as is


def _fix_text(text: str) -> str:
    """``ftfy.fix_text`` (NFC), skipping the lines it would leave unchanged.

    ftfy works line by line; a line of printable ASCII without ``&`` has no mojibake, no entity, no control
    character to fix, so only the other lines go through it (in runs, so the result is the same).
    """
    if "&" in text or "\r" in text:
        return ftfy.fix_text(text, normalization="NFC")
    out: list[str] = []
    pending: list[str] = []
    for line in text.splitlines(keepends=True):
        if _PLAIN_LINE.fullmatch(line):
            if pending:
                out.append(ftfy.fix_text("".join(pending), normalization="NFC"))
                pending.clear()
            out.append(line)
        else:
            pending.append(line)
    if pending:
        out.append(ftfy.fix_text("".join(pending), normalization="NFC"))
    return "".join(out)


def clean_text(text: str) -> str:
    """Fix mojibake, normalise to NFC, drop control characters and lone surrogates, tidy blank lines."""
    text = text.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates
    text = _fix_text(text)
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
