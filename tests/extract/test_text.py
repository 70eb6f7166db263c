"""Bytes of unknown encoding to clean, storable UTF-8 text."""

from __future__ import annotations

import pytest

from mercato.extract.text import clean_text, decode_bytes, safe_str, safe_value, split_date_marker


@pytest.mark.parametrize(("data", "expected"), [
    ("Grüße aus München".encode(), "Grüße aus München"),
    (b"\xef\xbb\xbf" + "Müller".encode(), "Müller"),
    ("Müller".encode("utf-16"), "Müller"),
    ("Müller".encode("utf-16-le"), "Müller"),
    ("Señor Pérez".encode("latin-1"), "Señor Pérez"),
    ("“quoted” €5m…".encode("cp1252"), "“quoted” €5m…"),
    (b"\x81\x8d\x8f\x90\x9d", "\x81\x8d\x8f\x90\x9d"),  # undefined in cp1252: latin-1, never an exception
])
def test_decode_bytes_never_fails(data, expected):
    assert decode_bytes(data) == expected


def test_clean_text_fixes_mojibake_and_controls():
    assert clean_text("MÃ¼ller Ã¨ vicino") == "Müller è vicino"
    assert clean_text("a\x00b\x07c\x81d") == "abcd"
    assert clean_text("wait\x85") == "wait…"  # a C1 byte that cp1252 defines is read as cp1252
    assert clean_text("line one\r\nline two\r\n\r\n\r\n\r\nend  ") == "line one\nline two\n\nend"
    assert clean_text("bad \ud800 surrogate").encode("utf-8")
    assert clean_text("e\u0301") == "é"  # NFC


def test_safe_str_and_value():
    assert safe_str("a\x00b\ud800c") == "ab?c"
    assert safe_value({"k\x00": ["\ud800", 1, {"x": "\x07y"}]}) == {"k": ["?", 1, {"x": "y"}]}


def test_date_marker():
    assert split_date_marker(" date 2025-07-01 Rossi signs.") == ("2025-07-01", "Rossi signs.")
    assert split_date_marker("Rossi signs on date 2025-07-01.") == (None, "Rossi signs on date 2025-07-01.")
