"""Tables that fit the terminal: low-value columns are dropped first when it is narrow, the others are shortened
with an ellipsis (never wrapped, never broken mid-word), a column marked ``whole`` (an id one types) is never
shortened, and a ``wrap`` column (running text) wraps between words.

Widths are planned here rather than left to rich, whose last resort shrinks every column, ids included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table

#: the width running text gets before the other columns grow to their full width
READABLE = 48


@dataclass(frozen=True, slots=True, kw_only=True)
class Col:
    header: str
    #: the narrowest the column may get (its full width when narrower); ignored for ``whole`` columns
    min_width: int = 8
    #: when the terminal is narrow, columns go in this order (1 first); ``None``: never dropped
    drop: int | None = None
    justify: str = "left"
    #: never shortened: every cell is shown in full
    whole: bool = False
    #: the header used when the column is narrower than ``header``
    short: str | None = None
    #: running text: wrapped between words over several lines (a word longer than the column is folded)
    wrap: bool = False


def _overhead(n: int) -> int:
    """Characters a rich table with the default box spends outside the cells: two edges, the separators between
    ``n`` columns and one space of padding each side of every cell."""
    return 2 + (n - 1) + 2 * n if n else 0


def plan(cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int) -> list[tuple[int, int]]:
    """The columns kept (by index) and their widths, so that the table fits ``width`` characters when it can."""
    natural = [max([cell_len(c.header if c.short is None else c.short)] + [cell_len(r[i]) for r in rows])
               for i, c in enumerate(cols)]
    natural = [max(n, cell_len(c.header)) if c.whole else n for n, c in zip(natural, cols, strict=True)]
    need = [n if c.whole else min(n, max(c.min_width, cell_len(c.short or c.header)))
            for n, c in zip(natural, cols, strict=True)]
    keep = list(range(len(cols)))
    droppable = sorted((c.drop, i) for i, c in enumerate(cols) if c.drop is not None)
    while sum(need[i] for i in keep) + _overhead(len(keep)) > width and droppable:
        keep.remove(droppable.pop(0)[1])
    widths = {i: need[i] for i in keep}
    spare = width - _overhead(len(keep)) - sum(widths.values())
    # the room left goes first to running text (up to a readable measure), then one character at a time to the
    # columns still short of their natural width
    for cap in (lambda i: min(natural[i], READABLE) if cols[i].wrap else 0,
                lambda i: max(natural[i], cell_len(cols[i].header))):
        while spare > 0:
            short = [i for i in keep if widths[i] < cap(i)]
            if not short:
                break
            for i in short[:spare]:
                widths[i] += 1
            spare -= len(short[:spare])
    return [(i, widths[i]) for i in keep]


def fitted_table(title: str, cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int) -> Table:
    """A rich table of ``rows`` under ``cols`` planned for a terminal ``width`` characters wide."""
    table = Table(title=title)
    chosen = plan(cols, rows, width)
    for i, w in chosen:
        c = cols[i]
        header = c.header if cell_len(c.header) <= w or c.short is None else c.short
        table.add_column(header, width=w, no_wrap=not c.wrap, overflow="fold" if c.wrap else "ellipsis",
                         justify=c.justify)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(*(r[i] for i, _ in chosen))
    return table
