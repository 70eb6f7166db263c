"""RSS and Atom documents to entries (feedparser, given bytes only — never a URL or a path).

Before feedparser sees a document, any entity declaration is refused: legitimate feeds do not declare
entities, and refusing them outright rules out billion-laughs and quadratic blow-ups as well as external
entities (files, URLs). feedparser itself never fetches external DTDs. A malformed feed (feedparser's
``bozo``) is logged with its URL and reason, and its entries are recovered where possible: when the whole
document does not parse, each ``<item>``/``<entry>`` is parsed on its own and the better result kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
import warnings
from dataclasses import dataclass

from mercato.errors import FeedParseError

log = logging.getLogger(__name__)

__all__ = ["FeedEntry", "ParsedFeed", "parse_feed"]

MAX_ENTRIES = 500
_ENTITY = re.compile(r"<!\s*ENTITY", re.I)
_ITEM = re.compile(r"<(item|entry)\b[^>]*>.*?</\1\s*>", re.I | re.S)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One entry of a feed: its link, title, date and whatever content the feed carries."""

    link: str | None
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO datetime (UTC) when the feed gave one
    guid: str | None = None
    content_html: str | None = None  # full content, else the summary


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """A parsed feed: its entries, and the problem found when it was malformed (None when clean)."""

    url: str
    title: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None
    version: str = ""


def _declares_entities(data: bytes) -> bool:
    """Whether the document declares an entity, in any of the encodings an XML parser could read it as."""
    if _ENTITY.search(data.decode("latin-1")):
        return True
    head = data[:4]
    wide = b"\x00" in data[:200] or head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if wide:
        for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            if _ENTITY.search(data.decode(enc, errors="ignore")):
                return True
    return head == b"\x4c\x6f\xa7\x94" and bool(_ENTITY.search(data.decode("cp037", errors="ignore")))  # EBCDIC


def _iso(parsed: object) -> str | None:
    try:
        ts = calendar.timegm(parsed)  # type: ignore[arg-type]
        return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _entry(e: dict) -> FeedEntry:
    content = None
    for c in e.get("content") or ():
        value = c.get("value") if isinstance(c, dict) else None
        if value and (content is None or len(value) > len(content)):
            content = value
    content = content or e.get("summary") or e.get("description")
    link = e.get("link")
    if not link:
        for alt in e.get("links") or ():
            if isinstance(alt, dict) and alt.get("href") and alt.get("rel", "alternate") == "alternate":
                link = alt["href"]
                break
    if link and not re.match(r"(?i)https?://", link):
        link = None  # javascript:, data:, relative junk: not a page we may fetch
    with warnings.catch_warnings():  # feedparser warns about its updated/published fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        published = e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")
    return FeedEntry(
        link=link.strip() if link else None,
        title=(e.get("title") or "").strip() or None,
        author=(e.get("author") or "").strip() or None,
        published=_iso(published) if published else None,
        guid=(e.get("id") or e.get("guid") or "").strip() or None,
        content_html=content or None,
    )


def _parse(data: bytes, url: str, content_type: str | None) -> dict:
    import feedparser

    headers = {"content-type": content_type or "application/xml", "content-location": url}
    return feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)


def _recover_items(data: bytes, url: str) -> list[dict]:
    """Each ``<item>``/``<entry>`` of a broken document, parsed on its own."""
    from mercato.sources._encoding import decode_bytes

    text = decode_bytes(data)
    out: list[dict] = []
    for m in list(_ITEM.finditer(text))[:MAX_ENTRIES]:
        chunk = m.group(0)
        if m.group(1).lower() == "entry":
            doc = f'<feed xmlns="http://www.w3.org/2005/Atom">{chunk}</feed>'
        else:
            doc = f"<rss version=\"2.0\"><channel>{chunk}</channel></rss>"
        try:
            res = _parse(doc.encode("utf-8"), url, "application/xml; charset=utf-8")
        except Exception:  # noqa: BLE001 - a broken chunk is simply not recovered
            log.debug("could not recover an entry of %s", url, exc_info=True)
            continue
        out.extend(res.get("entries") or ())
    return out


def _useful(e: FeedEntry) -> bool:
    return bool(e.link or (e.content_html and e.content_html.strip()) or e.title)


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """The entries of an RSS/Atom document; FeedParseError (naming the URL) when it is not a usable feed."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FeedParseError("empty document", where=url)
    if _declares_entities(data):
        raise FeedParseError("entity declarations refused (XML bomb / external entity protection)", where=url)
    try:
        res = _parse(data, url, content_type)
    except Exception as exc:  # noqa: BLE001 - feedparser should not raise; if it does, the feed is bad
        log.warning("feed %s could not be parsed: %s: %s", url, type(exc).__name__, exc)
        raise FeedParseError(f"unparseable ({type(exc).__name__}: {exc})", where=url) from None
    problem = None
    raw_entries = list(res.get("entries") or ())
    if res.get("bozo"):
        exc = res.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed"
        problem = " ".join(problem.split())[:300]
        recovered = _recover_items(data, url)
        if len(recovered) > len(raw_entries):
            raw_entries = recovered
    version = res.get("version") or ""
    entries = tuple(x for x in (_entry(e) for e in raw_entries[:MAX_ENTRIES]) if _useful(x))
    feed = res.get("feed") or {}
    if not entries and not version:
        reason = "not an RSS or Atom feed"
        if problem:
            reason += f" ({problem})"
        log.warning("feed %s: %s", url, reason)
        raise FeedParseError(reason, where=url)
    if problem:
        log.warning("feed %s is malformed (%s); %d entries recovered", url, problem, len(entries))
    return ParsedFeed(url=url, title=(feed.get("title") or "").strip() or None, entries=entries, problem=problem,
                      version=version)
