"""Extract: a RawArticle from any source becomes an Article with clean text, metadata and a stable key."""

from __future__ import annotations

import hashlib
import logging

from mercato.errors import Skip
from mercato.extract.dates import date_from_url, iso_date, month_from_url
from mercato.extract.html import html_to_text
from mercato.extract.text import clean_text, safe_str, safe_value, split_date_marker
from mercato.extract.urls import canonical_url, outlet_of
from mercato.models import Article, RawArticle

log = logging.getLogger(__name__)

__all__ = ["article_key", "extract"]

MAX_TEXT_CHARS = 2_000_000


def article_key(canonical: str | None, text: str) -> str:
    """``u:`` + hash of the canonical URL, else ``h:`` + hash of the text."""
    if canonical:
        return "u:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return "h:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _opt(value: str | None) -> str | None:
    return safe_str(value) if value else value


def _sanitized(raw: RawArticle) -> RawArticle:
    return RawArticle(
        origin=safe_str(raw.origin), url=_opt(raw.url), text=raw.text, html=raw.html, title=_opt(raw.title),
        author=_opt(raw.author), date=_opt(raw.date), external_id=_opt(raw.external_id), outlet=_opt(raw.outlet),
        extra=safe_value(raw.extra) if raw.extra else {},  # type: ignore[arg-type]
    )


def extract(raw: RawArticle) -> Article:
    """Clean text, title, author, date and outlet; raises :class:`Skip` when there is no text.

    Every string that reaches the store is valid UTF-8 without NUL or control characters, whatever the input.
    """
    raw = _sanitized(raw)
    title, author, date = raw.title, raw.author, iso_date(raw.date)
    text = raw.text or ""
    if not text.strip() and raw.html:
        page = html_to_text(raw.html, raw.url)
        text = page.text
        title = title or page.title
        author = author or page.author
        date = date or iso_date(page.date)
    if len(text) > MAX_TEXT_CHARS:
        raise Skip("text-too-long", f"{raw.origin}: {len(text)} characters")
    text = clean_text(text)
    marker, body = split_date_marker(text)
    if marker:
        date = date or iso_date(marker)
    if not body.strip():
        raise Skip("empty-text", raw.origin)
    if title:
        title = clean_text(title)[:1000] or None
    canon = canonical_url(raw.url)
    date = date or date_from_url(raw.url)
    partial = None if date else (raw.extra.get("date_partial") or month_from_url(raw.url))
    content_hash = hashlib.sha256(((title or "") + "\n" + text).encode()).hexdigest()
    return Article(
        key=article_key(canon, text),
        url=raw.url,
        canonical_url=canon,
        outlet=raw.outlet or outlet_of(raw.url),
        title=title,
        author=clean_text(author)[:500] if author else None,
        published=date,
        date_partial=str(partial)[:7] if partial else None,
        text=text,
        content_hash=content_hash,
        origin=raw.origin,
        external_id=raw.external_id,
        extra=raw.extra,
    )
