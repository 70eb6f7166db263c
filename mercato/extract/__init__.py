"""Extract: a RawArticle from any source becomes an Article with clean text, metadata and a stable key."""

from __future__ import annotations

import hashlib
import logging

from mercato.errors import Skip
from mercato.extract.dates import checked_date, date_from_url, month_from_url
from mercato.extract.html import html_to_text
from mercato.extract.text import clean_text, reader_view, safe_str, safe_value, split_date_marker, title_from_text
from mercato.extract.urls import canonical_url, outlet_of
from mercato.models import Article, RawArticle
from mercato.stats import note

log = logging.getLogger(__name__)

__all__ = ["article_key", "extract"]

MAX_TEXT_CHARS = 2_000_000
#: longest value kept per field; a longer one is cut (or, for a URL, dropped) and counted as ``capped/FIELD``
MAX_CHARS = {"outlet": 200, "title": 1000, "author": 500, "external_id": 255, "url": 4096}


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


def _date(value: object, where: str) -> str | None:
    """A plausible ISO date, else None with the reason counted (``dropped/date/implausible``…)."""
    day, why = checked_date(value)
    if why:
        note(f"dropped/date/{why}")
        log.info("%s: date %r dropped (%s)", where, str(value)[:40], why)
    return day


def _capped(field: str, value: str | None) -> str | None:
    limit = MAX_CHARS[field]
    if value is None or len(value) <= limit:
        return value
    note(f"capped/{field}")
    return value[:limit] or None


def _title(given: str | None, text: str) -> str | None:
    """The given title without a leading `` date YYYY-MM-DD`` marker; else the text's first sentence, when the
    understanding would find it at the start of the text (so it never reads it twice)."""
    if given:
        _, rest = split_date_marker(given)
        return rest.strip() or None
    read = reader_view(text[:2000])  # markers and boilerplate lines ("FOTO: …") left out
    derived = title_from_text(read)
    return derived if derived and derived in read[:300] else None


def extract(raw: RawArticle) -> Article:
    """Clean text, title, author, date and outlet; raises :class:`Skip` when there is no text.

    Every string that reaches the store is valid UTF-8 without NUL or control characters, whatever the input.
    Implausible dates are dropped and over-long fields capped, each counted by reason on the current run
    (:func:`mercato.stats.note`); the article is kept.
    """
    raw = _sanitized(raw)
    title, author, date = raw.title, raw.author, _date(raw.date, raw.origin)
    text = raw.text or ""
    if not text.strip() and raw.html:
        page = html_to_text(raw.html, raw.url)
        text = page.text
        title = title or page.title
        author = author or page.author
        date = date or _date(page.date, raw.origin)
    if len(text) > MAX_TEXT_CHARS:
        raise Skip("text-too-long", f"{raw.origin}: {len(text)} characters")
    text = clean_text(text)
    marker, body = split_date_marker(text)
    if marker:
        date = date or _date(marker, raw.origin)
    if not body.strip():
        raise Skip("empty-text", raw.origin)
    if title:
        title = _capped("title", clean_text(title)) or None
    hashed_title = title  # the revision hash as before: a derived title is a function of the text
    title = _capped("title", _title(title, text))
    url = raw.url
    if url is not None and len(url) > MAX_CHARS["url"]:
        note("capped/url")
        url = None
    canon = canonical_url(url)
    date = date or date_from_url(url)
    partial = None if date else (raw.extra.get("date_partial") or month_from_url(url))
    content_hash = hashlib.sha256(((hashed_title or "") + "\n" + text).encode()).hexdigest()
    outlet = raw.outlet or outlet_of(url)
    return Article(
        key=article_key(canon, text),
        url=url,
        canonical_url=canon,
        outlet=_capped("outlet", outlet),
        title=title,
        author=_capped("author", clean_text(author)) if author else None,
        published=date,
        date_partial=str(partial)[:7] if partial else None,
        text=text,
        content_hash=content_hash,
        origin=raw.origin,
        external_id=_capped("external_id", raw.external_id),
        extra=raw.extra,
    )
