"""Text clean-up: bytes to valid UTF-8, mojibake fixed, Unicode NFC, markers stripped."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from mercato.sources._encoding import decode_bytes

__all__ = ["clean_text", "decode_bytes", "split_date_marker", "title_from_text"]

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


#: what ftfy can fix: mojibake (UTF-8 read as Latin-1/CP1252: "Ã©", "â€™", "Ð¼"), HTML entities, the replacement
#: character, terminal escapes. A text with none of these is only normalised (NFC), which is ~50× cheaper.
_SUSPECT = re.compile(
    "[\u00c2\u00c3\u00c5\u00d0\u00d1\u00e2\u00ce\u00cf\u00d8\u00d9\u00e3][\u0080-\u00bf\u0152\u0153\u0160"
    "\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|&(?:[a-zA-Z]{2,8}|#[0-9]{2,6}|#[xX][0-9a-fA-F]{2,5});|\ufffd|\x1b|[\u0080-\u009f]"
)


def _fix_text(text: str) -> str:
    """``ftfy.fix_text`` (NFC) when the text shows something ftfy fixes; else NFC alone.

    Curly quotes and ligatures are kept as written (ftfy would straighten them): the stored text stays
    what the outlet published, with only broken encodings repaired.
    """
    if _SUSPECT.search(text):
        return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_latin_ligatures=False,
                             fix_character_width=False)
    return unicodedata.normalize("NFC", text)


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


#: the longest title taken from a text's first sentence (cut at a word boundary)
MAX_DERIVED_TITLE = 120
_ANY_DATE_MARK = re.compile(r"^\s*date \d{4}-\d{2}(?:-\d{2})?(?:\s+|$)")
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\u061f](?=[\s\"'\u201d\u00bb)]|$)")


# What the understanding reads (mercato.understand.normalize.clean): the same markers and boilerplate lines left
# out. Copied, not imported (a stage never imports a later one); a test checks the copies are the same.
_READER_MARK = re.compile(r"(?:^|\s)date \d{4}-\d{2}(?:-\d{2})?\b")
_READER_BOILER = re.compile(r"^\s*(?:©.*|getty images?|photo:.*|foto:.*|read more.*|leggi anche.*|lesen sie auch.*|"
                            r"\(?function\(.*|advertisement|publicidad|pubblicità|anzeige)\s*$", re.I | re.M)


def reader_view(text: str) -> str:
    """The text as the understanding reads it: NFC, date markers and boilerplate lines left out."""
    text = unicodedata.normalize("NFC", text)
    text = _READER_MARK.sub(" ", text)
    text = _READER_BOILER.sub("", text)
    return text.strip()


def _starts_sentence(line: str, pos: int) -> bool:
    """True when what follows ``pos`` may open a sentence (not ``16. sırada``, ``St. germain``)."""
    rest = line[pos:].lstrip(" \"'\u201d\u00bb)")
    return not rest or not (rest[0].islower() or rest[0].isdigit())


def title_from_text(text: str, limit: int = MAX_DERIVED_TITLE) -> str | None:
    """A title for an article that has none: its first sentence (the date marker skipped), shortened at a word
    boundary to ``limit`` characters. Always a piece of the text as written (no ellipsis added), so a reader
    that looks for the title in the text finds it."""
    body = _ANY_DATE_MARK.sub("", text, count=1)
    line = next((x.strip() for x in body.split("\n") if x.strip()), "")
    if not line:
        return None
    end = next((m.end() for m in _SENTENCE_END.finditer(line) if m.start() >= 12 and _starts_sentence(line, m.end())),
               len(line))
    title = line[:end].strip()
    if len(title) > limit:
        cut = title.rfind(" ", 0, limit + 1)
        title = title[: cut if cut >= limit // 2 else limit].rstrip(" ,;:-\u2013\u2014")
    title = title.rstrip(" .")
    return title or None
