"""Cutting JSONL archives into partitions that workers read independently, with flat memory.

A plain archive is cut into byte ranges of about ``target_bytes``. A range *owns the lines that start
inside it*: a reader seeks to ``start``, drops the partial line it lands in (unless ``start`` is a line
start), and reads until the next line would start at or after ``end``. So every line belongs to exactly
one range whatever the cut points, and nothing but the range is ever held.

A gzip archive cannot be entered in the middle: it is one partition.

Line numbers: a first pass counts the line starts of every range (:func:`count_lines`, cheap and
parallel), so each range knows the number of its first line and errors and ``origin`` read
``file:line`` exactly as in the single-process path (:mod:`mercato.sources.jsonl`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mercato.errors import SourceError
from mercato.models import RawArticle
from mercato.sources.files import ARCHIVE_SUFFIXES, _check_regular
from mercato.sources.jsonl import MAX_LINE_BYTES, parse_line, read_jsonl

log = logging.getLogger(__name__)

__all__ = ["Partition", "count_lines", "plan", "read_partition"]

DEFAULT_TARGET_BYTES = 8 * 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Partition:
    """Bytes ``[start, end)`` of ``path`` (``end`` None: the whole file, read as the source reads it)."""

    index: int
    path: str
    start: int = 0
    end: int | None = None
    size: int = 0  # bytes on disk this partition accounts for (for progress)

    @property
    def whole(self) -> bool:
        return self.end is None

    def __str__(self) -> str:
        return self.path if self.whole else f"{self.path}@{self.start}-{self.end}"


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _archives(paths: Sequence[str | Path]) -> Iterator[Path | SourceError]:
    """The archive files named: files as given, directories walked (sorted) for JSONL archives."""
    for p in paths:
        path = Path(p)
        st = _check_regular(path)
        if isinstance(st, SourceError):
            yield st
        elif path.is_dir():
            found = sorted(q for q in path.rglob("*") if q.is_file() and q.name.lower().endswith(ARCHIVE_SUFFIXES))
            yield from found
        else:
            yield path


def plan(paths: Sequence[str | Path], *, target_bytes: int = DEFAULT_TARGET_BYTES
         ) -> tuple[list[Partition], list[SourceError]]:
    """Partitions of every archive in input order, and the paths that cannot be read."""
    parts: list[Partition] = []
    errors: list[SourceError] = []
    for item in _archives(paths):
        if isinstance(item, SourceError):
            errors.append(item)
            continue
        try:
            size = os.path.getsize(item)
            gz = _is_gzip(item)
        except OSError as exc:
            errors.append(SourceError(f"cannot read: {exc.strerror or exc}", where=str(item)))
            continue
        if gz or size <= target_bytes:
            parts.append(Partition(index=len(parts), path=str(item), size=size))
            continue
        for start in range(0, size, target_bytes):
            end = min(start + target_bytes, size)
            parts.append(Partition(index=len(parts), path=str(item), start=start, end=end, size=end - start))
    return parts, errors


def count_lines(part: Partition) -> int:
    """How many lines start inside the partition (0 for a whole file: it numbers its own lines)."""
    if part.whole:
        return 0
    assert part.end is not None
    size = os.path.getsize(part.path)
    n = 1 if part.start == 0 and size > 0 else 0
    # a line starts at p when p == 0 or byte p-1 is a newline, and p < size
    lo, hi = max(part.start - 1, 0), min(part.end - 1, size - 1)
    with open(part.path, "rb") as f:
        f.seek(lo)
        left = hi - lo
        while left > 0:
            chunk = f.read(min(_CHUNK, left))
            if not chunk:
                break
            n += chunk.count(b"\n")
            left -= len(chunk)
    return n


def _range_lines(part: Partition) -> Iterator[bytes | None]:
    """The lines starting in ``[start, end)``; None for a line over the cap (its rest is skipped)."""
    assert part.end is not None
    with open(part.path, "rb") as f:
        pos = part.start
        if pos > 0:
            f.seek(pos - 1)
            if f.read(1) != b"\n":  # we landed inside a line: it belongs to the previous range
                while True:
                    piece = f.readline(_CHUNK)
                    if not piece:
                        return
                    pos += len(piece)
                    if piece.endswith(b"\n"):
                        break
        while pos < part.end:
            line = f.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            pos += len(line)
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:
                    more = f.readline(_CHUNK)
                    pos += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
                continue
            yield line


def read_partition(part: Partition, first_line: int = 1) -> Iterator[RawArticle | SourceError]:
    """Yield a RawArticle per good line and a SourceError per bad one, as :func:`read_jsonl` does."""
    if part.whole:
        yield from read_jsonl(part.path)
        return
    n = first_line - 1
    try:
        for line in _range_lines(part):
            n += 1
            item = parse_line(line, f"{part.path}:{n}")
            if item is not None:
                yield item
    except OSError as exc:
        yield SourceError(f"archive unreadable: {exc.strerror or exc}", where=str(part))
