"""Planning a table for a terminal width: which columns go first, and what is never shortened."""

from __future__ import annotations

import io

from rich.console import Console

from mercato.interfaces.cli._table import Col, fitted_table, plan

COLS = [Col(header="id", whole=True), Col(header="name", min_width=6), Col(header="club", min_width=6, drop=2),
        Col(header="notes", min_width=5, drop=1)]
ROWS = [("a1b2c3d4e5", "Alexander Isak", "Newcastle United", "done deal after a long summer"),
        ("f6a7b8c", "Marc Guéhi", "Crystal Palace", "talks")]


def render(width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(fitted_table("t", COLS, ROWS, width))
    return out.getvalue().splitlines()


def test_wide_terminal_keeps_every_column_at_full_width() -> None:
    assert plan(COLS, ROWS, 200) == [(0, 10), (1, 14), (2, 16), (3, 29)]


def test_narrow_terminal_drops_low_value_columns_first() -> None:
    kept = [i for i, _ in plan(COLS, ROWS, 36)]
    assert kept == [0, 1, 2]  # notes went first
    kept = [i for i, _ in plan(COLS, ROWS, 30)]
    assert kept == [0, 1]  # then the club; id and name are never dropped


def test_lines_fit_and_ids_stay_whole_at_every_width() -> None:
    for width in range(24, 90, 3):
        lines = render(width)
        assert all(len(line) <= width for line in lines), width
        body = "\n".join(lines)
        assert "a1b2c3d4e5" in body and "f6a7b8c" in body, width
        # a shortened cell ends with an ellipsis; no cell continues on a second line
        assert sum(1 for line in lines if line.startswith("│")) == len(ROWS), width
