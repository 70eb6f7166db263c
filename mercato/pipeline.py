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


def understand_keys(store: Store, keys: Sequence[str], *, on_progress: Progress | None = None,
                    batch_size: int = 200) -> int:
    """Run understanding on the given articles and store it (in batches); returns how many."""
    reader = _reader()
    done = 0
    for i in range(0, len(keys), batch_size):
        chunk = keys[i:i + batch_size]
        items = []
        for a, revision in store.articles_by_keys(chunk):
            try:
                items.append((reader.read(a), revision))
            except MercatoError as exc:
                log.warning("understanding failed for %s: %s", a.key, exc)
            except Exception:  # a bug must not stop the run; it is logged with its traceback
                log.exception("understanding crashed on %s", a.key)
        store.save_understanding(items)
        done += len(items)
        if on_progress:
            on_progress(len(chunk))
    return done


def resolve_players(store: Store, keys: Sequence[str]) -> list[str]:
    """Learn canonical player names from these articles' claims, then give every claim still under a
    variant name (transliterated, inflected, surname only) its canonical name. Returns the keys of the
    articles whose claims were renamed (they may be older articles that a new name now explains)."""
    from mercato.store.understanding import player_key
    from mercato.understand.registry import PlayerRegistry

    canonical = {player_key(name): name for _k, _i, name, lang in store.claim_players(keys)
                 if PlayerRegistry.is_canonical(name, lang)}
    store.add_players(canonical)
    pending = store.claim_players(unresolved=True)
    if not pending:
        return []
    registry = PlayerRegistry(store.registry_names())
    changes = []
    for key, idx, name, lang in pending:
        new = registry.resolve(name, lang)
        if new and new != name:
            changes.append((key, idx, new))
    store.rename_claim_players(changes)
    return sorted({k for k, _i, _n in changes})


def reconcile_links(store: Store, keys: Sequence[str]) -> list[str]:
    """Check the buyer/seller reading of the claims of these articles' players against every other article
    about the same players (:mod:`mercato.understand.links`); returns the keys of the articles changed."""
    from mercato.understand.links import reconcile

    players = store.player_keys_of(keys)
    changes = reconcile(store.link_evidence(players))
    store.set_claim_clubs(changes)
    return sorted({k for k, *_ in changes})


def reread_with_registry(store: Store, keys: Sequence[str]) -> list[str]:
    """Read again, with the player registry, those of these articles that gave no claim: a surname alone
    ("Sancho") then names a known player. Returns the keys that now have claims."""
    from mercato.understand.registry import PlayerRegistry

    todo = store.claimless(keys)
    if not todo:
        return []
    surnames = PlayerRegistry(store.registry_names()).surnames()
    if not surnames:
        return []
    reader = _reader()
    items = []
    for a, revision in store.articles_by_keys(todo):
        try:
            u = reader.read(a, surnames=surnames)
        except Exception:  # noqa: BLE001 - logged; the first reading stays
            log.exception("second reading crashed on %s", a.key)
            continue
        if u.claims:
            items.append((u, revision))
    store.save_understanding(items)
    return [u.article_key for u, _ in items]


def settle(store: Store, keys: Sequence[str]) -> list[str]:
    """After understanding these articles: canonical player names (and a second reading of the articles
    that gave no claim), then reconciled links; returns every article key whose claims changed (these and
    older ones) for the stories to update."""
    renamed = resolve_players(store, keys)
    reread = reread_with_registry(store, keys)
    if reread:
        renamed += resolve_players(store, reread)
    touched = sorted(set(keys) | set(renamed))
    relinked = reconcile_links(store, touched)
    return sorted(set(touched) | set(relinked))


def finish(store: Store, keys: Sequence[str]) -> int:
    """Everything that reads across articles, for these newly understood articles: :func:`settle`, then the
    sagas; then the understanding of every article touched is marked settled. A run killed before the end
    leaves them unsettled, so the next run (``catch_up``) does it all again. Returns the sagas touched."""
    from mercato.understand import PIPELINE_VERSION

    touched = settle(store, keys)
    n = update_stories(store, touched)
    store.mark_settled(touched, PIPELINE_VERSION)
    return n


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
            understand_keys(store, changed)
            finish(store, changed)

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
    """Understand whatever is stale (new pipeline version, revised text, an interrupted run) and update sagas."""
    from mercato.understand import PIPELINE_VERSION

    stale = store.stale_article_keys(PIPELINE_VERSION)
    if stale:
        understand_keys(store, stale, on_progress=on_progress)
        finish(store, stale)
    return len(stale)
