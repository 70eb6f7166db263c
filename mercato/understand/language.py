"""Language identification (py3langid: offline, ~1 ms, ships its model inside the package)."""

from __future__ import annotations


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language."""
    import py3langid

    lang, _ = py3langid.classify(text[:5000])
    return lang
