"""Counting what a run did: every skip and failure counted by reason."""

from __future__ import annotations

import collections
import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field

#: the run whose counts a stage deep inside the pipeline adds to (see :func:`note`)
_ACTIVE: contextvars.ContextVar[RunStats | None] = contextvars.ContextVar("mercato_run_stats", default=None)


def note(reason: str, n: int = 1) -> None:
    """Count a reason on the run being counted (a field dropped or capped, the article kept), if any.

    Stages that only return a record (extract) call this instead of taking a ``stats`` argument; the runner that
    owns the :class:`RunStats` makes it current with :meth:`RunStats.active`.
    """
    stats = _ACTIVE.get()
    if stats is not None:
        stats.note(reason, n)


def tally(what: str, n: int = 1) -> None:
    """Add to a count of the run being counted (``llm/tokens_in``…), if any; like :func:`note` for counts."""
    stats = _ACTIVE.get()
    if stats is not None:
        stats.count(what, n)


@dataclass
class RunStats:
    """Counts of a run: ``added``, ``unchanged``, ``revised``, ``rejected`` and reasons.

    Reasons are labels such as ``skipped/extract/empty-text`` or ``failed/source/BadArchiveLine``.
    ``errors`` keeps the first messages (each naming its input) for the CLI to show.
    """

    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    reasons: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: list[str] = field(default_factory=list)
    max_errors: int = 200

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def reject(self, reason: str, message: str) -> None:
        self.counts["rejected"] += 1
        self.reasons[reason] += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(message)

    def skip(self, reason: str) -> None:
        self.counts["skipped"] += 1
        self.reasons[reason] += 1

    def note(self, reason: str, n: int = 1) -> None:
        """A reason counted for an article that is kept (``dropped/date/implausible``, ``capped/outlet``…)."""
        self.reasons[reason] += n

    @contextlib.contextmanager
    def active(self) -> Iterator[RunStats]:
        """Make this the run :func:`note` counts on, in this thread and context, until the block ends."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def merge(self, other: RunStats) -> None:
        self.counts.update(other.counts)
        self.reasons.update(other.reasons)
        room = self.max_errors - len(self.errors)
        self.errors.extend(other.errors[: max(0, room)])

    def to_dict(self) -> dict:
        return {
            "added": self.counts.get("added", 0),
            "unchanged": self.counts.get("unchanged", 0),
            "revised": self.counts.get("revised", 0),
            "rejected": self.counts.get("rejected", 0),
            "skipped": self.counts.get("skipped", 0),
            "counts": dict(self.counts),
            "reasons": dict(self.reasons),
            "errors": list(self.errors),
        }
