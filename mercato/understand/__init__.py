"""Understand: what one article says — language, clubs, players, claims, fees, cited sources, topic.

``Reader`` loads the language data once; ``reader.read(article)`` returns an :class:`Understanding`.
"""

from __future__ import annotations

from mercato.models import Article, Understanding
from mercato.understand.language import detect_language

PIPELINE_VERSION = "0.1.0"

__all__ = ["PIPELINE_VERSION", "Reader"]


class Reader:
    """Reads articles; build once (loading the gazetteers), reuse for many."""

    _shared: Reader | None = None

    def __init__(self) -> None:
        pass

    @classmethod
    def shared(cls) -> Reader:
        """One reader per process (the data is loaded once)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def read(self, article: Article) -> Understanding:
        lang = detect_language(article.text)
        return Understanding(article_key=article.key, lang=lang, is_transfer=False, pipeline_version=PIPELINE_VERSION)
