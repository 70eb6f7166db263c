"""HTML to main text, title, author and date with trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PageText:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    lang: str | None = None
    url: str | None = None


def html_to_text(html: str, url: str | None = None) -> PageText:
    """Main text and metadata of a page; empty text when nothing readable is there."""
    import trafilatura
    from trafilatura.settings import use_config

    cfg = use_config()
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signals do not work off the main thread
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, with_metadata=True, config=cfg,
        favor_recall=True,
    )
    if doc is None:
        return PageText(text="")
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    return PageText(
        text=get("text") or "",
        title=get("title"),
        author=get("author"),
        date=get("date"),
        lang=get("language"),
        url=get("url"),
    )
