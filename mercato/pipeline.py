"""The runner: sources → extract → store → understand → stories, counting every outcome by reason.

Articles are committed in batches (one transaction each) before anything is derived from them, so a kill
loses nothing committed; derived data (understanding, sagas) is recomputed for whatever is stale on the
next run, so a re-run completes the work without duplicates.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence

from mercato.errors import MercatoError, Skip, SourceError
from mercato.extract import extract
from mercato.models import Article, RawArticle
from mercato.stats import RunStats
from mercato.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


_READERS: list = []  # readers set by use_reader, innermost last


def _reader():
    from mercato.understand import Reader

    return _READERS[-1] if _READERS else Reader.shared()


@contextlib.contextmanager
def use_reader(reader=None):
    """Within the block, the pipeline reads with ``reader`` (a :class:`~mercato.understand.Reader`, e.g. one
    with models learned on other folds) and the stories calibrate with its models; None: the shared one."""
    if reader is None:
        yield
        return
    from mercato.understand import learned

    _READERS.append(reader)
    try:
        with learned.using(reader.models):
            yield
    finally:
        _READERS.pop()


def _read_all(reader, articles: Sequence[Article]) -> list:
    """Each article's reading, or the exception reading it raised; a reader with ``read_many`` (the LLM reader)
    reads the whole batch at once (its requests run concurrently)."""
    many = getattr(reader, "read_many", None)
    if many is not None:
        return many(articles)
    out: list = []
    for a in articles:
        try:
            out.append(reader.read(a))
        except Exception as exc:  # noqa: BLE001 - handed to the caller, which counts and logs it
            out.append(exc)
    return out


def understand_keys(store: Store, keys: Sequence[str], *, on_progress: Progress | None = None,
                    batch_size: int = 200, lost: set[str] | None = None) -> int:
    """Run understanding on the given articles and store it as their first reading (in batches); returns
    how many. ``lost`` receives the player keys of the claims the new readings replace."""
    from mercato.settle import name_words

    reader = _reader()
    done = 0
    for i in range(0, len(keys), batch_size):
        chunk = keys[i:i + batch_size]
        items, names = [], {}
        arts = list(store.articles_by_keys(chunk))
        for (a, revision), u in zip(arts, _read_all(reader, [a for a, _ in arts]), strict=True):
            if isinstance(u, MercatoError):
                log.warning("understanding failed for %s: %s", a.key, u)
                continue
            if isinstance(u, BaseException):  # a bug must not stop the run; it is logged with its traceback
                log.error("understanding crashed on %s", a.key, exc_info=u)
                continue
            items.append((u, revision))
            if not u.claims:
                names[a.key] = name_words(a)
        if lost is not None:
            lost.update(store.player_keys_of([u.article_key for u, _ in items]))
        store.save_understanding(items, names=names)
        done += len(items)
        if on_progress:
            on_progress(len(chunk))
    return done


def settle(store: Store, keys: Sequence[str], lost: set[str] | None = None) -> list[str]:
    """Everything that reads across articles (player registry, second readings, player names, links),
    recomputed from the raw readings for what these new readings affect (:mod:`mercato.settle`); returns
    every article key whose claims changed (these and older ones) for the stories to update."""
    from mercato import settle as s

    return s.settle(store, keys, lost)


def finish(store: Store, keys: Sequence[str], lost: set[str] | None = None, *, refresh: bool = True) -> int:
    """Everything that reads across articles, for these newly understood articles: :func:`settle`, then the
    sagas; then the understanding of every article touched is marked settled. A run killed before the end
    leaves them unsettled, so the next run (``catch_up``) does it all again. With ``refresh``, every saga whose
    sources' record moved is rescored too (:func:`mercato.stories.refresh`; a run of many batches does it once,
    at its end). Returns the sagas touched."""
    from mercato import stories
    from mercato.understand import PIPELINE_VERSION

    touched = settle(store, keys, lost)
    n = update_stories(store, touched)
    store.mark_settled(touched, PIPELINE_VERSION)
    if refresh:
        stories.refresh(store)
        notify(store)
    return n


def notify(store: Store) -> None:
    """The end of a run, after the stories are refreshed: note each saga's changes, queue and send the webhook
    deliveries of the followed ones (:func:`mercato.follow.after_run`)."""
    from mercato import follow

    follow.after_run(store)


def update_stories(store: Store, keys: Sequence[str]) -> int:
    """Let the stories stage fold these articles into their sagas."""
    from mercato import stories

    return stories.update(store, keys)


def ingest(
    store: Store,
    items: Iterable[RawArticle | SourceError],
    *,
    batch_size: int = 500,
    understand: bool = True,
    on_item: Progress | None = None,
    on_commit: Callable[[list[str]], None] | None = None,
    stats: RunStats | None = None,
) -> RunStats:
    """Extract and store every item; returns the counts (added, unchanged, revised, rejected by reason)."""
    stats = stats or RunStats()
    batch: list[Article] = []

    def flush() -> None:
        if not batch:
            return
        outcomes = store.add_articles(batch)
        for o in outcomes:
            stats.count(o.status)
        keys = [a.key for a in batch]
        batch.clear()
        if on_commit:
            on_commit(keys)
        changed = [o.key for o in outcomes if o.status in ("added", "revised")]
        if understand and changed:
            lost: set[str] = set()
            understand_keys(store, changed, lost=lost)
            finish(store, changed, lost, refresh=False)  # catch_up rescores once, at the end of the run

    for item in items:
        if on_item:
            on_item(1)
        if isinstance(item, SourceError):
            stats.reject(f"failed/source/{type(item).__name__}", str(item))
            log.info("rejected %s", item)  # counted; the CLI shows the list
            continue
        try:
            batch.append(extract(item))
        except Skip as s:
            stats.reject(f"skipped/extract/{s.reason}", f"{item.origin}: {s.reason}")
            continue
        except MercatoError as exc:
            stats.reject(f"failed/extract/{type(exc).__name__}", f"{item.origin}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - counted and logged, the run goes on
            log.exception("extract crashed on %s", item.origin)
            stats.reject("crashed/extract", f"{item.origin}: {type(exc).__name__}: {exc}")
            continue
        if len(batch) >= batch_size:
            flush()
    flush()
    if understand:
        catch_up(store)
    return stats


def catch_up(store: Store, on_progress: Progress | None = None) -> int:
    """Understand whatever is stale (new pipeline version, revised text, an interrupted run) and update sagas;
    then rescore every saga whose sources' record moved since it was scored (the end of every run: the board
    is then the same whatever the order and batching of the articles), and note what changed for the followers
    (:func:`notify`). Returns the stale articles."""
    from mercato import stories
    from mercato.understand import PIPELINE_VERSION

    stale = store.stale_article_keys(PIPELINE_VERSION)
    if stale:
        lost: set[str] = set()
        understand_keys(store, stale, on_progress=on_progress, lost=lost)
        finish(store, stale, lost, refresh=False)
    stories.refresh(store)
    notify(store)
    return len(stale)
