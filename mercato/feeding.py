"""URLs and feeds through the pipeline: fetch (threads, per-host limits), extract, store; feed health kept.

One pass (``mercato ingest URL…``, ``--feed URL``) is :func:`ingest_web`; ``mercato watch`` is :func:`watch`.
Every page and feed becomes a RawArticle or one SourceError (counted as rejected with its reason) and
the rest go on. A feed's new validators are stored only after its entries are committed, so a crash
mid-run can never turn the next poll into a 304 that hides entries never stored.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mercato.errors import MercatoError, SourceError
from mercato.models import RawArticle
from mercato.settings import Settings, load_settings
from mercato.sources.addresses import check_url
from mercato.sources.catalog import FeedSource
from mercato.sources.feeds import FeedEntry, ParsedFeed, parse_feed
from mercato.sources.fetch import Fetched, Fetcher, HTTPStatusError
from mercato.stats import RunStats

log = logging.getLogger(__name__)

__all__ = ["ingest_web", "watch"]

T = TypeVar("T")
R = TypeVar("R")
MIN_PAGE_CHARS = 200  # a page shorter than this is no better than the feed's own content


def _ordered(pool: cf.Executor, fn: Callable[[T], R], items: Iterable[T], window: int) -> Iterator[R]:
    """``map`` over a pool in order, with at most ``window`` calls in flight (memory stays bounded)."""
    pending: collections.deque[cf.Future[R]] = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _crash(where: str, exc: BaseException) -> SourceError:
    log.error("fetching %s crashed", where, exc_info=exc)
    return SourceError(f"crashed ({type(exc).__name__}: {exc})", where=where)


def _html_text(html: str, url: str | None) -> Any:
    from mercato.extract.html import html_to_text

    return html_to_text(html, url)


def _fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content)."""
    import html as htmlmod

    try:
        import lxml.html

        return lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    except Exception:  # noqa: BLE001 - not HTML after all: strip tags crudely
        return htmlmod.unescape(re.sub(r"<[^>]+>", " ", html))


def _page_raw(fetched: Fetched, *, origin: str, url: str, title: str | None = None, date: str | None = None,
              extra: dict[str, Any] | None = None) -> RawArticle:
    extra = dict(extra or {})
    if fetched.final_url != url:
        extra["final_url"] = fetched.final_url
    text = fetched.text()
    if fetched.content_type == "text/plain":
        return RawArticle(origin=origin, url=url, text=text, title=title, date=date, extra=extra)
    page = _html_text(text, fetched.final_url)
    if page.lang:
        extra.setdefault("lang_hint", page.lang)
    return RawArticle(origin=origin, url=url, text=page.text, title=title or page.title, author=page.author,
                      date=date or page.date, extra=extra)


def fetch_page(fetcher: Fetcher, url: str) -> RawArticle | SourceError:
    """One web page as a RawArticle (main text by trafilatura), or the SourceError that stopped it."""
    try:
        return _page_raw(fetcher.fetch(url, kind="page"), origin=url, url=url)
    except SourceError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - one broken page must not stop the run
        return _crash(url, exc)


@dataclass
class _FeedPoll:
    url: str
    fetched: Fetched | None = None
    parsed: ParsedFeed | None = None
    error: SourceError | None = None
    new_keys: list[str] = field(default_factory=list)


def _poll_feed(fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None) -> _FeedPoll:
    try:
        fetched = fetcher.fetch(url, kind="feed", etag=etag, last_modified=last_modified)
        if fetched.not_modified:
            return _FeedPoll(url=url, fetched=fetched)
        return _FeedPoll(url=url, fetched=fetched,
                         parsed=parse_feed(fetched.body, url=fetched.final_url, content_type=fetched.content_type))
    except SourceError as exc:
        return _FeedPoll(url=url, error=exc)
    except Exception as exc:  # noqa: BLE001
        return _FeedPoll(url=url, error=_crash(url, exc))


def _entry_item(fetcher: Fetcher, feed_url: str, lang: str | None, e: FeedEntry,
                counts: collections.Counter[str]) -> RawArticle | SourceError:
    origin = f"{feed_url} → {e.link or e.guid or e.title}"
    extra: dict[str, Any] = {"feed": feed_url}
    if lang:
        extra["lang_hint"] = lang
    why = "no link"
    if e.link:
        try:
            raw = _page_raw(fetcher.fetch(e.link, kind="page"), origin=origin, url=e.link, title=e.title,
                            date=e.published, extra=extra)
            if len((raw.text or "").strip()) >= MIN_PAGE_CHARS or not e.content_html:
                counts["pages/fetched"] += 1
                return raw
            why = "page has too little text"
        except SourceError as exc:
            why = exc.reason
        except Exception as exc:  # noqa: BLE001
            why = f"crashed ({type(exc).__name__})"
            log.error("fetching %s crashed", e.link, exc_info=exc)
    if e.content_html and e.content_html.strip():
        counts["pages/fallback"] += 1
        log.info("%s: using the feed's own content (%s)", origin, why)
        return RawArticle(origin=origin, url=e.link, text=_fragment_text(e.content_html), title=e.title,
                          date=e.published, external_id=e.guid, extra={**extra, "via": "feed-content"})
    return SourceError(f"entry has no content and its page could not be had ({why})", where=origin)


def _entry_key(link: str) -> str | None:
    from mercato.extract import article_key
    from mercato.extract.urls import canonical_url

    canon = canonical_url(link)
    return article_key(canon, "") if canon else None


def _known_keys(store: Any, keys: Sequence[str]) -> set[str]:
    return {a.key for a, _rev in store.articles_by_keys(list(keys))} if keys else set()


def ingest_web(store: Any, *, urls: Sequence[str], feeds: Sequence[str], allow_private: bool, stats: RunStats,
               understand: bool, settings: Settings | None = None, respect_backoff: bool = False,
               workers: int = 8, batch_size: int = 500, allow_addresses: Sequence[str] = ()) -> RunStats:
    """Fetch the pages and poll the feeds once, storing what is new through :func:`mercato.pipeline.ingest`.

    ``allow_addresses`` lets chosen internal addresses through while the others stay refused.
    """
    from mercato import pipeline

    s = settings or load_settings()
    allow_private = allow_private or s.allow_private
    interval = s.poll_interval_s
    refused: list[SourceError] = []
    valid: list[str] = []
    for url in feeds:
        try:
            check_url(url)  # a feed that can never be fetched is reported, not followed
        except SourceError as exc:
            refused.append(exc)
            continue
        store.add_feed(url)
        valid.append(url)
    states = {st.url: st for st in store.list_feeds(valid)} if valid else {}
    due = []
    for url in valid:
        st = states.get(url)
        if respect_backoff and st is not None and not st.is_due():
            stats.count("feeds/backing-off")
            log.info("feed %s is backing off until %s", url, st.next_poll)
            continue
        due.append(url)
    counts: collections.Counter[str] = collections.Counter()
    done: list[_FeedPoll] = []
    window = max(2, workers * 2)
    with Fetcher(s, allow_private=allow_private, allow_addresses=allow_addresses) as fetcher, cf.ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="mercato-fetch"
    ) as pool:
        feed_futs = [pool.submit(_poll_feed, fetcher, u, getattr(states.get(u), "etag", None),
                                 getattr(states.get(u), "last_modified", None)) for u in due]

        def items() -> Iterator[RawArticle | SourceError]:
            yield from refused
            yield from _ordered(pool, lambda u: fetch_page(fetcher, u), urls, window)
            for fut in feed_futs:
                poll = fut.result()
                yield from _feed_items(store, fetcher, pool, poll, states, counts, interval, window)
                done.append(poll)

        with stats.active():  # dates dropped and fields capped by extract are counted on this run
            pipeline.ingest(store, items(), stats=stats, understand=understand, batch_size=batch_size)
    # the entries are committed: now the validators may be kept
    for poll in done:
        if poll.parsed is None or poll.fetched is None:
            continue
        added = len(_known_keys(store, poll.new_keys))
        store.record_feed_ok(poll.url, status=poll.fetched.status, etag=poll.fetched.etag,
                             last_modified=poll.fetched.last_modified, entries_seen=len(poll.parsed.entries),
                             entries_added=added, interval_s=interval)
    for k, v in counts.items():
        stats.count(k, v)
    return stats


def _feed_items(store: Any, fetcher: Fetcher, pool: cf.Executor, poll: _FeedPoll, states: dict[str, Any],
                counts: collections.Counter[str], interval: float, window: int
                ) -> Iterator[RawArticle | SourceError]:
    url = poll.url
    if poll.error is not None:
        counts["feeds/failed"] += 1
        status = poll.error.status if isinstance(poll.error, HTTPStatusError) else None
        retry = poll.error.retry_after if isinstance(poll.error, HTTPStatusError) else None
        store.record_feed_error(url, error=poll.error.reason, status=status, retry_after_s=retry, interval_s=interval)
        yield poll.error
        return
    assert poll.fetched is not None
    if poll.fetched.not_modified:
        counts["feeds/not-modified"] += 1
        store.record_feed_not_modified(url, etag=poll.fetched.etag, last_modified=poll.fetched.last_modified)
        return
    assert poll.parsed is not None
    counts["feeds/parsed"] += 1
    if poll.parsed.problem:
        counts["feeds/malformed"] += 1
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    keyed: dict[int, str] = {}
    for e in poll.parsed.entries:
        ident = e.link or e.guid or (e.title or "") + (e.content_html or "")[:200]
        if ident in seen:
            continue
        seen.add(ident)
        key = _entry_key(e.link) if e.link else None
        if key:
            keyed[len(entries)] = key
        entries.append(e)
    known = _known_keys(store, list(keyed.values()))
    new = [e for i, e in enumerate(entries) if keyed.get(i) not in known]
    poll.new_keys = [k for k in keyed.values() if k not in known]
    counts["entries/known"] += len(entries) - len(new)
    counts["entries/new"] += len(new)
    lang = getattr(states.get(url), "lang", None)
    yield from _ordered(pool, lambda e: _entry_item(fetcher, url, lang, e, counts), new, window)


def watch(store: Any, *, sources: Sequence[FeedSource], interval_s: float, once: bool, allow_private: bool,
          understand: bool, settings: Settings | None = None, stop: threading.Event | None = None,
          on_pass: Callable[[list[str], RunStats], None] | None = None) -> int:
    """Poll the sources' feeds every ``interval_s`` (failing ones back off) until ``stop`` is set; passes run."""
    s = (settings or load_settings()).replace(poll_interval_s=interval_s)
    stop = stop or threading.Event()
    for src in sources:
        store.add_feed(src.url, name=src.name, lang=src.lang)
    urls = [src.url for src in sources]
    not_before: dict[str, float] = {}
    passes = 0
    while not stop.is_set():
        now = time.monotonic()
        due = [st.url for st in store.list_feeds(urls) if st.is_due() and not_before.get(st.url, 0.0) <= now]
        if due:
            stats = RunStats()
            try:
                ingest_web(store, urls=[], feeds=due, allow_private=allow_private, stats=stats,
                           understand=understand, settings=s)
            except MercatoError as exc:  # the store failed: report and try again next interval
                log.error("watch pass failed: %s", exc)
                stats.reject(f"failed/store/{type(exc).__name__}", str(exc))
            passes += 1
            for u in due:
                not_before[u] = time.monotonic() + interval_s
            if on_pass:
                on_pass(due, stats)
        if once:
            break
        stop.wait(max(0.2, min(interval_s, 5.0)))
    return passes
