"""The batch runner: the single-process pipeline's stages spread over a Dask cluster.

Flow (see ``docs/scale-out.md``):

1. :func:`mercato.batch.partition.plan` cuts the archives into partitions; a first pass on the workers counts
   the lines of each byte range, so every article keeps its ``file:line`` origin.
2. Each partition is a task (:func:`work`): read the byte range → parse (:mod:`mercato.sources.jsonl`) →
   :func:`mercato.extract.extract` → ``Reader.shared().read``. The CPU-heavy part runs on the workers.
3. Writes, in idempotent transactions (:func:`write_records`): articles by key (``add_articles``), then the
   understanding of every article whose stored text is the one just read and whose stored understanding is
   missing or stale. On PostgreSQL the workers write themselves; on SQLite (one writer) they return their
   records and the client writes them, in partition order, with a bounded number of partitions in flight.
4. The client consumes the results in partition order and replays the single-process runner's batches:
   every ``batch_size`` extracted articles (across partitions) are written (SQLite) and folded into sagas
   (``pipeline.finish``: settle, sagas, mark settled) with the same keys, in the same order; then
   ``catch_up``. The first reading of each article runs on the workers; what reads across articles (the player
   registry, link reconciliation, sagas) runs in the client, in input order.
   Understanding is per article, so it does not depend on the order the work finished in; the sagas are folded
   in input order, so they are the single-process sagas.

A kill at any point loses nothing committed; a re-run finds committed articles unchanged, completes their
understanding if it is missing, and folds the whole input into the sagas again (idempotent).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from mercato.batch.partition import DEFAULT_TARGET_BYTES, Partition, count_lines, plan, read_partition
from mercato.errors import MercatoError, MissingDependency, Skip, SourceError
from mercato.extract import extract
from mercato.models import Article, Understanding
from mercato.stats import RunStats
from mercato.store import Store
from mercato.store import schema as t

log = logging.getLogger(__name__)

__all__ = ["BatchReport", "PartitionResult", "cluster", "run_batch", "work", "write_records"]

Progress = Callable[[int], None]
MIN_PARTITION_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionResult:
    """What one task did: the keys it read (in order), its counts, and its records when the client writes."""

    index: int
    keys: tuple[str, ...]
    stats: RunStats
    to_fold: tuple[bool, ...] = ()  # when the workers wrote: whether each key must be folded into sagas
    articles: tuple[Article, ...] = ()
    understood: tuple[Understanding | None, ...] = ()


@dataclass(kw_only=True)
class BatchReport:
    """The outcome of a batch run: counts (as ``mercato ingest`` gives them) and how it ran."""

    stats: RunStats
    partitions: int = 0
    workers: int = 0
    writer: str = "client"  # client | workers
    sagas_touched: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- on the workers

_stores: dict[str, Store] = {}


def _worker_store(url: str) -> Store:
    """One store per worker process and URL (the client has migrated it)."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store.open(url, migrate_now=False)
    return store


def _understand(article: Article) -> Understanding | None:
    from mercato.understand import Reader

    try:
        return Reader.shared().read(article)
    except MercatoError as exc:
        log.warning("understanding failed for %s: %s", article.key, exc)
    except Exception:  # a bug must not stop the run; catch_up retries it
        log.exception("understanding crashed on %s", article.key)
    return None


def _extract(item: Any, stats: RunStats) -> Article | None:
    """The single-process runner's outcome labels, item by item."""
    if isinstance(item, SourceError):
        stats.reject(f"failed/source/{type(item).__name__}", str(item))
        return None
    try:
        return extract(item)
    except Skip as s:
        stats.reject(f"skipped/extract/{s.reason}", f"{item.origin}: {s.reason}")
    except MercatoError as exc:
        stats.reject(f"failed/extract/{type(exc).__name__}", f"{item.origin}: {exc}")
    except Exception as exc:  # noqa: BLE001 - counted and logged, the run goes on
        log.exception("extract crashed on %s", item.origin)
        stats.reject("crashed/extract", f"{item.origin}: {type(exc).__name__}: {exc}")
    return None


def work(part: Partition, first_line: int, store_url: str | None = None, batch_size: int = 500,
         read: bool = True) -> PartitionResult:
    """One partition, start to end. With ``store_url`` it writes itself; else it returns its records. Without
    ``read`` the articles are left unread (the client's reader, e.g. a model server, reads them in ``catch_up``)."""
    stats = RunStats()
    keys: list[str] = []
    fold: list[bool] = []
    articles: list[Article] = []
    understood: list[Understanding | None] = []
    store = _worker_store(store_url) if store_url else None
    for item in read_partition(part, first_line):
        with stats.active():  # dates dropped and fields capped are counted on this partition's stats
            article = _extract(item, stats)
        if article is None:
            continue
        keys.append(article.key)
        articles.append(article)
        understood.append(_understand(article) if read else None)
        if store is not None and len(articles) >= batch_size:
            fold.extend(write_records(store, articles, understood, stats))
            articles, understood = [], []
    if store is not None:
        fold.extend(write_records(store, articles, understood, stats))
        return PartitionResult(index=part.index, keys=tuple(keys), stats=stats, to_fold=tuple(fold))
    return PartitionResult(index=part.index, keys=tuple(keys), stats=stats, articles=tuple(articles),
                           understood=tuple(understood))


# ---------------------------------------------------------------- writing (workers or client)

def _stale_unchanged(store: Store, pairs: list[tuple[Article, Understanding]]) -> list[tuple[Understanding, int]]:
    """For articles found unchanged: their understanding when the stored text is this one and the stored
    understanding is missing or stale (an interrupted run, a new pipeline version)."""
    if not pairs:
        return []
    a, u = t.articles, t.understanding
    stmt = (sa.select(a.c.key, a.c.content_hash, a.c.revision, u.c.revision, u.c.pipeline_version)
            .select_from(a.outerjoin(u, u.c.article_key == a.c.key))
            .where(a.c.key.in_([art.key for art, _ in pairs])))
    with store.engine.connect() as conn:
        rows = {r[0]: r for r in conn.execute(stmt)}
    out = []
    for art, und in pairs:
        r = rows.get(art.key)
        if r is None or r[1] != art.content_hash:
            continue
        if r[3] is None or r[3] != r[2] or r[4] != und.pipeline_version:
            out.append((und, int(r[2])))
    return out


def _unfolded(store: Store, keys: Sequence[str]) -> set[str]:
    """Of these articles, those a killed run left unsettled or with claims that no saga holds."""
    if not keys:
        return set()
    c, sa_ = t.claims, t.saga_articles
    stmt = (sa.select(c.c.article_key).distinct()
            .select_from(c.outerjoin(sa_, sa_.c.article_key == c.c.article_key))
            .where(c.c.article_key.in_(list(keys)), sa_.c.article_key.is_(None), c.c.player != ""))
    u = t.understanding
    unsettled = sa.select(u.c.article_key).where(u.c.article_key.in_(list(keys)), u.c.pipeline_version.endswith("~"))
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(stmt)} | {r[0] for r in conn.execute(unsettled)}


def write_records(store: Store, articles: Sequence[Article], understood: Sequence[Understanding | None],
                  stats: RunStats, batch_size: int = 500) -> list[bool]:
    """Store articles and their understanding in idempotent transactions (safe to repeat after a kill).

    Returns, per article, whether it must be folded into the sagas: added or revised (as in the single-process
    runner), or unchanged but never folded (an interrupted earlier run).
    """
    fold: list[bool] = []
    for i in range(0, len(articles), batch_size):
        chunk, unds = articles[i:i + batch_size], understood[i:i + batch_size]
        outcomes = store.add_articles(chunk)
        save: list[tuple[Understanding, int]] = []
        unchanged: list[tuple[Article, Understanding]] = []
        for art, und, o in zip(chunk, unds, outcomes, strict=True):
            stats.count(o.status)
            if und is None:
                continue
            if o.status in ("added", "revised"):
                save.append((und, o.revision))
            else:
                unchanged.append((art, und))
        save.extend(_stale_unchanged(store, unchanged))
        if save:
            from mercato.settle import name_words

            arts = {a.key: a for a in chunk}
            store.save_understanding(save, names={u.article_key: name_words(arts[u.article_key]) for u, _r in save
                                                  if not u.claims and u.article_key in arts})
        left = _unfolded(store, [o.key for o in outcomes if o.status == "unchanged"])
        fold.extend(o.status in ("added", "revised") or o.key in left for o in outcomes)
    return fold


# ---------------------------------------------------------------- the client

@contextlib.contextmanager
def cluster(scheduler: str | None = None, workers: int | None = None, threads_per_worker: int = 1) -> Iterator[Any]:
    """A Dask client: connected to ``scheduler``, or to a LocalCluster of ``workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingDependency("dask[distributed]", "batch") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise MercatoError(f"cannot reach the Dask scheduler: {exc}", where=scheduler) from None
        with client:
            yield client
        return
    import os

    n = workers or os.cpu_count() or 1
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # the in-process scheduler's INFO lines are not the user's business
    try:
        with LocalCluster(n_workers=n, threads_per_worker=threads_per_worker, processes=True,
                          dashboard_address=None, silence_logs=logging.WARNING) as lc, Client(lc) as client:
            yield client
    finally:
        quiet.setLevel(level)


def _is_gzip_part(p: Partition) -> bool:
    with open(p.path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


class _Folder:
    """Replays the single-process runner's batches in input order: every ``batch_size`` extracted articles are
    one batch; on SQLite the client writes the batch (articles, then understanding) before folding it."""

    def __init__(self, store: Store, batch_size: int) -> None:
        self.store, self.batch_size, self.touched = store, batch_size, 0
        self._arts: list[Article] = []
        self._unds: list[Understanding | None] = []
        self._keys: list[str] = []
        self._flags: list[bool] = []
        self._stats: RunStats | None = None

    def records(self, articles: Sequence[Article], understood: Sequence[Understanding | None],
                stats: RunStats) -> None:
        self._stats = stats
        for a, u in zip(articles, understood, strict=True):
            self._arts.append(a)
            self._unds.append(u)
            if len(self._arts) >= self.batch_size:
                self.flush()

    def keys(self, keys: Sequence[str], flags: Sequence[bool]) -> None:
        for k, f in zip(keys, flags, strict=True):
            self._keys.append(k)
            self._flags.append(f)
            if len(self._keys) >= self.batch_size:
                self.flush()

    def flush(self) -> None:
        from mercato.pipeline import finish

        if self._arts:
            assert self._stats is not None
            flags = write_records(self.store, self._arts, self._unds, self._stats, self.batch_size)
            self._keys, self._flags = [a.key for a in self._arts], flags
            self._arts, self._unds = [], []
        fold = [k for k, f in zip(self._keys, self._flags, strict=True) if f]
        self._keys, self._flags = [], []
        if fold:  # as the single-process runner: settle (player registry, links) in the client, then sagas
            self.touched += finish(self.store, fold, refresh=False) or 0  # catch_up rescores at the end


def run_batch(
    store: Store,
    paths: Sequence[str],
    *,
    client: Any,
    target_bytes: int = DEFAULT_TARGET_BYTES,
    batch_size: int = 500,
    worker_writes: bool | None = None,
    retries: int = 3,
    read_on_workers: bool = True,
    on_plan: Progress | None = None,
    on_partition: Progress | None = None,
    stats: RunStats | None = None,
) -> BatchReport:
    """Run extract + understand for every article of ``paths`` on ``client``'s cluster, store, then fold sagas.

    ``worker_writes`` (PostgreSQL only, off by default) lets the workers write; the cross-article steps are
    recomputed from the raw readings and ``catch_up`` rescores at the end, so the board does not depend on
    the order the workers finish in (a key repeated in the input may keep another line as its revision).
    Without ``read_on_workers`` the workers only extract; the client's reader (``pipeline.use_reader``, e.g. the
    LLM reader with its cache in this store) reads every article in ``catch_up``.
    """
    from distributed import as_completed

    stats = stats or RunStats()
    is_pg = store.engine.dialect.name == "postgresql"
    if worker_writes is None:
        # Workers writing (PostgreSQL only) is faster but lets the cross-article steps (player registry, link
        # reconciliation) see articles the single-process runner would not have stored yet: opt-in only.
        worker_writes = False
    if worker_writes and not is_pg:
        raise MercatoError("workers can write only to PostgreSQL; SQLite has one writer", where=store.display_url)
    store_url = store.engine.url.render_as_string(hide_password=False) if worker_writes else None

    n_workers = len(client.nthreads())
    parts, errors = plan(paths, target_bytes=target_bytes)
    want = 4 * max(n_workers, 1)  # enough partitions to keep every worker busy and balance the tail
    splittable = sum(p.size for p in parts if not _is_gzip_part(p))
    if len(parts) < want and splittable > want * MIN_PARTITION_BYTES:
        parts, errors = plan(paths, target_bytes=max(MIN_PARTITION_BYTES, splittable // want))
    for e in errors:
        stats.reject(f"failed/source/{type(e).__name__}", str(e))
        log.warning("%s", e)
    if on_plan:
        on_plan(len(parts))
    report = BatchReport(stats=stats, partitions=len(parts), workers=n_workers,
                         writer="workers" if worker_writes else "client")
    if not parts:
        return report

    counts = client.gather(client.map(count_lines, parts, pure=False, retries=retries))
    first_lines, line = [], 1
    for p, c in zip(parts, counts, strict=True):
        if p.whole or p.start == 0:  # a new file starts at line 1
            line = 1
        first_lines.append(line)
        line += c

    window = max(2, 3 * max(n_workers, 1))
    folder = _Folder(store, batch_size)
    pending: dict[int, PartitionResult] = {}
    next_done = 0
    todo = iter(range(len(parts)))
    ac = as_completed()

    def submit_next() -> bool:
        i = next(todo, None)
        if i is None:
            return False
        ac.add(client.submit(work, parts[i], first_lines[i], store_url, batch_size, read_on_workers, pure=False,
                             retries=retries,
                             key=f"mercato-part-{i}-{id(ac)}"))
        return True

    for _ in range(window):
        if not submit_next():
            break
    for fut in ac:
        res: PartitionResult = fut.result()
        fut.release()
        pending[res.index] = res
        # consume in partition order: the single-process runner's batches, transactions and folds, replayed
        while next_done in pending:
            r = pending.pop(next_done)
            stats.merge(r.stats)
            if worker_writes:
                folder.keys(r.keys, r.to_fold)
            else:
                folder.records(r.articles, r.understood, stats)
            next_done += 1
            if on_partition:
                on_partition(1)
        submit_next()
    folder.flush()
    report.sagas_touched = folder.touched
    from mercato.pipeline import catch_up

    report.extra["caught_up"] = catch_up(store)
    return report

